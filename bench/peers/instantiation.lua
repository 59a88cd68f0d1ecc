-- instantiation: Lua twin of bench/instantiation.lox
local Empty = {}
Empty.__index = Empty
function Empty.new()
  return setmetatable({}, Empty)
end

local Point = {}
Point.__index = Point
function Point.new(x, y)
  return setmetatable({x = x, y = y}, Point)
end

local Vec3 = {}
Vec3.__index = Vec3
function Vec3.new(x, y, z)
  return setmetatable({x = x, y = y, z = z}, Vec3)
end

function Vec3:plus(other)
  return Vec3.new(self.x + other.x, self.y + other.y, self.z + other.z)
end

local function run(n)
  local sum = 0
  for i = 0, n - 1 do
    local e = Empty.new()
    e.tag = i % 4
    local p = Point.new(i % 10, 2)
    local v = Vec3.new(1, 2, 3):plus(Vec3.new(p.x, p.y, e.tag))
    sum = sum + v.x + v.y + v.z
  end
  return sum
end

print(run(800000))
