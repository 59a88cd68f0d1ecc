-- word_count: Lua twin of bench/word_count.lox
-- Lua tables have no order, so the keys' insertion order is kept in a list.
local SYLLABLES = {"ka", "lo", "mi", "ne", "ru", "so", "ta", "vi", "ze", "po"}

local seed = 2024
local function nextRandom()
  seed = (seed * 214013 + 2531011) % 2147483648
  return math.floor(seed / 65536)
end

local function makeText(nWords)
  local words = {}
  for i = 0, nWords - 1 do
    local syllables = nextRandom() % 3 + 1
    local word = ""
    for s = 0, syllables - 1 do
      word = word .. SYLLABLES[nextRandom() % 10 + 1]
    end
    words[#words + 1] = word
  end
  return table.concat(words, " ")
end

local function split(text, sep)
  local parts = {}
  local start = 1
  while true do
    local i = string.find(text, sep, start, true)
    if not i then break end
    parts[#parts + 1] = string.sub(text, start, i - 1)
    start = i + #sep
  end
  parts[#parts + 1] = string.sub(text, start)
  return parts
end

local function countWords(text)
  local counts = {}
  local order = {}
  for _, word in ipairs(split(text, " ")) do
    local c = counts[word]
    if c == nil then
      order[#order + 1] = word
      c = 0
    end
    counts[word] = c + 1
  end
  return counts, order
end

local text = makeText(300000)
local counts, order
for round = 0, 9 do
  counts, order = countWords(text)
end

local top = ""
local topCount = 0
for _, word in ipairs(order) do
  if counts[word] > topCount then
    top = word
    topCount = counts[word]
  end
end
print(#text)
print(#order)
print(top .. " " .. topCount)
