-- equality: Lua twin of bench/equality.lox
-- values holds a nil, so its length is kept explicitly.
local function numberEquality(n)
  local count = 0
  for i = 0, n - 1 do
    if i % 7 == i % 5 then count = count + 1 end
    if i % 3 ~= 0 then count = count + 1 end
    if i == n then count = count + 1000 end
  end
  return count
end

local function mixedEquality(rounds)
  local a = {}
  local b = {}
  local ab = "a" .. "b"
  local values = {3, 7, 2.5, "a", "b", ab, nil, true, false, a, b}
  local nValues = 11
  local probes = {7, "ab", nil, false, b, 2.5}
  local nProbes = 6
  local equal = 0
  local unequal = 0
  for r = 0, rounds - 1 do
    for i = 1, nValues do
      local v = values[i]
      for j = 1, nProbes do
        local p = probes[j]
        if v == p then equal = equal + 1 end
        if v ~= p then unequal = unequal + 1 end
      end
    end
  end
  print(equal)
  print(unequal)
end

print(numberEquality(20000000))
mixedEquality(260000)
