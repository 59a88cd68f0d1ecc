-- mandelbrot: Lua twin of bench/mandelbrot.lox
local function mandelbrot(size, maxIter)
  local sum = 0
  local inside = 0
  for y = 0, size - 1 do
    local ci = 2.0 * y / size - 1.0
    for x = 0, size - 1 do
      local cr = 2.0 * x / size - 1.5
      local zr = 0.0
      local zi = 0.0
      local i = 0
      while i < maxIter and zr * zr + zi * zi <= 4.0 do
        local t = zr * zr - zi * zi + cr
        zi = 2.0 * zr * zi + ci
        zr = t
        i = i + 1
      end
      sum = sum + i
      if i == maxIter then inside = inside + 1 end
    end
  end
  print(sum)
  print(inside)
end

mandelbrot(750, 100)
