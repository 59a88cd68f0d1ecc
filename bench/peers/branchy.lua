-- branchy: Lua twin of bench/branchy.lox
local function collatzSteps(n)
  local steps = 0
  while n ~= 1 do
    if n % 2 == 0 then
      n = n / 2
    else
      n = 3 * n + 1
    end
    steps = steps + 1
  end
  return steps
end

local function survey(limit, rounds)
  local total = 0
  local best = 0
  local bestStart = 1
  for round = 0, rounds - 1 do
    for start = 1, limit - 1 do
      local steps = collatzSteps(start)
      total = total + steps
      if steps > best then
        best = steps
        bestStart = start
      end
    end
  end
  print(total)
  print(bestStart)
  print(best)
end

survey(100000, 3)
