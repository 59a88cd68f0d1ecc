-- properties: Lua twin of bench/properties.lox
local Record = {}
Record.__index = Record

function Record.new()
  return setmetatable({a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8}, Record)
end

function Record:getA() return self.a end
function Record:getB() return self.b end
function Record:getC() return self.c end
function Record:getD() return self.d end

function Record:sum()
  return self.a + self.b + self.c + self.d + self.e + self.f + self.g + self.h
end

function Record:rotate()
  local first = self.a
  self.a = self.b
  self.b = self.c
  self.c = self.d
  self.d = self.e
  self.e = self.f
  self.f = self.g
  self.g = self.h
  self.h = (first * 7 + self.c + 1) % 101
end

local function run(n)
  local r = Record.new()
  local total = 0
  for i = 0, n - 1 do
    r:rotate()
    total = total + r:sum() + r:getA() - r:getB() + r:getC() - r:getD() + r.e - r.f
  end
  return total
end

print(run(2000000))
