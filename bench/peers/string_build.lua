-- string_build: Lua twin of bench/string_build.lox
local function hashString(s, h)
  for i = 1, #s do
    h = (h * 31 + string.byte(s, i)) % 1000003
  end
  return h
end

local function buildRow(n)
  local row = ""
  for i = 0, n - 1 do
    row = row .. tostring(i % 10)
  end
  return row
end

local function buildRecord(i)
  local parts = {}
  for j = 0, 7 do
    parts[#parts + 1] = "f" .. tostring(j) .. "=" .. tostring((i * j) % 97)
  end
  return table.concat(parts, ",")
end

local totalLength = 0
local hash = 7
for round = 0, 23999 do
  local row = buildRow(100 + round % 50)
  local record = buildRecord(round)
  local line = table.concat({row, record, tostring(round)}, ";")
  totalLength = totalLength + #line
  hash = hashString(line, hash)
end
print(totalLength)
print(hash)
