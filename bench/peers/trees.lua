-- trees: Lua twin of bench/trees.lox
local Tree = {}
Tree.__index = Tree

function Tree.new(depth)
  local t = setmetatable({depth = depth, flag = depth % 2}, Tree)
  if depth > 0 then
    t.a = Tree.new(depth - 1)
    t.b = Tree.new(depth - 1)
    t.c = Tree.new(depth - 1)
  end
  return t
end

function Tree:walk()
  if self.depth == 0 then return 1 + self.flag end
  return self.depth + self.flag + self.a:walk() + self.b:walk() + self.c:walk()
end

function Tree:flip()
  self.flag = 1 - self.flag
  if self.depth > 0 then
    self.a:flip()
    self.b:flip()
    self.c:flip()
  end
end

local tree = Tree.new(10)
local total = 0
for i = 0, 79 do
  total = total + tree:walk()
  if i % 4 == 0 then tree:flip() end
end
print(total)
