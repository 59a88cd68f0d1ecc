-- nested_loops: Lua twin of bench/nested_loops.lox
local function grid(n)
  local sum = 0
  for i = 0, n - 1 do
    for j = 0, n - 1 do
      for k = j, n - 1 do
        sum = sum + (i * j + k) % 7
      end
    end
  end
  return sum
end

print(grid(480))
