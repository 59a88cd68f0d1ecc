-- sieve: Lua twin of bench/sieve.lox (list index k is Lua index k + 1)
local function countPrimes(n)
  local flags = {}
  for i = 0, n do
    flags[i + 1] = true
  end
  flags[1] = false
  flags[2] = false

  local p = 2
  while p * p <= n do
    if flags[p + 1] then
      for j = p * p, n, p do
        flags[j + 1] = false
      end
    end
    p = p + 1
  end

  local count = 0
  for k = 0, n do
    if flags[k + 1] then count = count + 1 end
  end
  return count
end

local total = 0
for round = 0, 17 do
  total = total + countPrimes(1000000 - round * 1000)
end
print(total)
