-- oop_fields: Lua twin of bench/oop_fields.lox
local WIDTH = 1000
local HEIGHT = 700

local function Particle(x, y, vx, vy)
  return {x = x, y = y, vx = vx, vy = vy, bounces = 0}
end

local seed = 42
local function nextRandom()
  seed = (seed * 214013 + 2531011) % 2147483648
  return math.floor(seed / 65536)
end

local function randomVelocity()
  local v = nextRandom() % 7 + 1
  if nextRandom() % 2 == 0 then v = -v end
  return v
end

local function simulate(particles, steps, width, height)
  for step = 0, steps - 1 do
    for _, p in ipairs(particles) do
      p.x = p.x + p.vx
      if p.x < 0 then
        p.x = -p.x
        p.vx = -p.vx
        p.bounces = p.bounces + 1
      elseif p.x >= width then
        p.x = 2 * width - 2 - p.x
        p.vx = -p.vx
        p.bounces = p.bounces + 1
      end
      p.y = p.y + p.vy
      if p.y < 0 then
        p.y = -p.y
        p.vy = -p.vy
        p.bounces = p.bounces + 1
      elseif p.y >= height then
        p.y = 2 * height - 2 - p.y
        p.vy = -p.vy
        p.bounces = p.bounces + 1
      end
    end
  end
end

local particles = {}
for i = 0, 999 do
  local x = nextRandom() % WIDTH
  local y = nextRandom() % HEIGHT
  particles[#particles + 1] = Particle(x, y, randomVelocity(), randomVelocity())
end

simulate(particles, 8000, WIDTH, HEIGHT)

local positions = 0
local bounces = 0
for _, p in ipairs(particles) do
  positions = positions + p.x * 3 + p.y * 7 + p.vx + p.vy
  bounces = bounces + p.bounces
end
print(positions)
print(bounces)
