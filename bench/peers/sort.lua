-- sort: Lua twin of bench/sort.lox
local function randomList(n, seed)
  local xs = {}
  for i = 0, n - 1 do
    seed = (seed * 214013 + 2531011) % 2147483648
    xs[#xs + 1] = seed % 1000000
  end
  return xs
end

local function byLastDigits(a, b)
  local d = a % 1000 - b % 1000
  if d ~= 0 then return d end
  return a - b
end

local function checksum(xs)
  local acc = 0
  for i = 0, #xs - 1 do
    acc = (acc + xs[i + 1] * (i % 1000 + 1)) % 1000000007
  end
  return acc
end

local xs = randomList(450000, 12345)
local ys = {}
for i = 1, #xs do ys[i] = xs[i] end
table.sort(xs)
print(checksum(xs))
table.sort(ys, function(a, b) return byLastDigits(a, b) < 0 end)
print(checksum(ys))
print(xs[1] .. " " .. xs[#xs] .. " " .. ys[1] .. " " .. ys[#ys])
