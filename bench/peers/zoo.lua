-- zoo: Lua twin of bench/zoo.lox
local function class(super)
  local c = {}
  c.__index = c
  if super then setmetatable(c, {__index = super}) end
  return c
end

local Animal = class()
function Animal:init(legs)
  self.legs = legs
  self.meals = 0
end
function Animal:legCount() return self.legs end
function Animal:weight() return 1 end
function Animal:sound() return 0 end
function Animal:feed(amount)
  self.meals = self.meals + amount
end

local Dog = class(Animal)
function Dog:init() Animal.init(self, 4) end
function Dog:weight() return 30 end
function Dog:sound() return 3 end

local Cat = class(Animal)
function Cat:init() Animal.init(self, 4) end
function Cat:weight() return 4 end
function Cat:sound() return 2 end

local Bird = class(Animal)
function Bird:init() Animal.init(self, 2) end
function Bird:sound() return 5 end

local Fish = class(Animal)
function Fish:init() Animal.init(self, 0) end
function Fish:weight() return 2 end

local Puppy = class(Dog)
function Puppy:weight() return 8 end
function Puppy:feed(amount)
  Dog.feed(self, amount * 2)
end

local function new(c)
  local obj = setmetatable({}, c)
  obj:init()
  return obj
end

local function makeZoo(n)
  local zoo = {}
  local seed = 7
  for i = 0, n - 1 do
    seed = (seed * 214013 + 2531011) % 2147483648
    local kind = math.floor(seed / 65536) % 5
    local c
    if kind == 0 then c = Dog
    elseif kind == 1 then c = Cat
    elseif kind == 2 then c = Bird
    elseif kind == 3 then c = Fish
    else c = Puppy end
    zoo[#zoo + 1] = new(c)
  end
  return zoo
end

local function visit(zoo, rounds)
  local total = 0
  for r = 0, rounds - 1 do
    for _, animal in ipairs(zoo) do
      total = total + animal:legCount() + animal:weight() * 2 + animal:sound()
      animal:feed(r % 3)
    end
  end
  return total
end

local zoo = makeZoo(1000)
print(visit(zoo, 5000))
local meals = 0
for _, animal in ipairs(zoo) do meals = meals + animal.meals end
print(meals)
