-- closures: Lua twin of bench/closures.lox
local function makeCounter()
  local count = 0
  return function(by)
    count = count + by
    return count
  end
end

local function makeAdder(n)
  return function(x)
    return x + n
  end
end

local function compose(f, g)
  return function(x)
    return f(g(x))
  end
end

local function callClosures(n)
  local counter = makeCounter()
  local adders = {}
  for i = 0, 7 do
    adders[#adders + 1] = makeAdder(i)
  end
  local addNine = compose(adders[5], adders[6])
  local acc = 0
  for i = 0, n - 1 do
    local add = adders[i % 8 + 1]
    acc = (add(acc) + addNine(i % 100)) % 1000003
    counter(i % 3)
  end
  print(acc)
  print(counter(0))
end

local function makeClosures(n)
  local sum = 0
  for i = 0, n - 1 do
    local function get()
      return i % 1000
    end
    local add = makeAdder(i % 7)
    sum = sum + add(get())
  end
  print(sum)
end

callClosures(5000000)
makeClosures(2000000)
