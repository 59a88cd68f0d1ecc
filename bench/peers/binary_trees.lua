-- binary_trees: Lua twin of bench/binary_trees.lox
local Node = {}
Node.__index = Node

local function newNode(left, right)
  return setmetatable({left = left, right = right}, Node)
end

function Node:check()
  if self.left == nil then return 1 end
  return 1 + self.left:check() + self.right:check()
end

local function bottomUp(depth)
  if depth == 0 then return newNode(nil, nil) end
  return newNode(bottomUp(depth - 1), bottomUp(depth - 1))
end

local minDepth = 4
local maxDepth = 14

local stretchDepth = maxDepth + 1
print("stretch tree of depth " .. stretchDepth .. " check: " .. bottomUp(stretchDepth):check())

local longLived = bottomUp(maxDepth)

for depth = minDepth, maxDepth, 2 do
  local iterations = 1
  for i = 0, maxDepth - depth + minDepth - 1 do
    iterations = iterations * 2
  end
  local check = 0
  for i = 0, iterations - 1 do
    check = check + bottomUp(depth):check()
  end
  print(iterations .. " trees of depth " .. depth .. " check: " .. check)
end

print("long lived tree of depth " .. maxDepth .. " check: " .. longLived:check())
