-- method_calls: Lua twin of bench/method_calls.lox
local Toggle = {}
Toggle.__index = Toggle

function Toggle.new(start)
  return setmetatable({state = start}, Toggle)
end

function Toggle:init(start)
  self.state = start
end

function Toggle:value()
  return self.state
end

function Toggle:activate()
  self.state = not self.state
  return self
end

local NthToggle = setmetatable({}, {__index = Toggle})
NthToggle.__index = NthToggle

function NthToggle.new(start, maxCount)
  local t = setmetatable({}, NthToggle)
  Toggle.init(t, start)
  t.countMax = maxCount
  t.count = 0
  return t
end

function NthToggle:activate()
  self.count = self.count + 1
  if self.count >= self.countMax then
    Toggle.activate(self)
    self.count = 0
  end
  return self
end

local function countTrue(toggle, n)
  local trues = 0
  for i = 0, n - 1 do
    if toggle:activate():value() then trues = trues + 1 end
  end
  return trues
end

print(countTrue(Toggle.new(true), 5000001))
print(countTrue(NthToggle.new(true, 3), 5000001))
