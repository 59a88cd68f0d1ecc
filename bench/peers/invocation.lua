-- invocation: Lua twin of bench/invocation.lox
local function zero()
  return 1
end

local function one(a)
  return a
end

local function two(a, b)
  return a + b
end

local function three(a, b, c)
  return a + b - c
end

local function four(a, b, c, d)
  return a - b + c - d
end

local function run(n)
  local total = 0
  for i = 0, n - 1 do
    local k = i % 10
    total = total + zero() + one(k) + two(k, 1) + three(k, 2, 1) + four(k, 1, k, 1)
  end
  return total
end

print(run(7500000))
