-- loop_sum: Lua twin of bench/loop_sum.lox
local function sumTo(n)
  local sum = 0
  for i = 0, n - 1 do
    sum = sum + i
  end
  return sum
end

local total = 0
for round = 0, 3599 do
  total = total + sumTo(60000 + round % 3)
end
print(total)
