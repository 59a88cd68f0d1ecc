-- string_equality: Lua twin of bench/string_equality.lox
-- copies holds a nil, so its length is kept explicitly.
local function run(rounds)
  local base = "the quick brown fox jumps over the lazy dog"
  local words = {"", "a", "b", "ab", "abc", "abd", "hello", "hellp", "world",
                 base, base .. "!", base .. "?", string.upper(base)}
  local copies = {}
  for _, w in ipairs(words) do
    local half = math.floor(#w / 2)
    copies[#copies + 1] = string.sub(w, 1, half) .. string.sub(w, half + 1, #w)
  end
  copies[#copies + 1] = "hel" .. "lo"
  copies[#copies + 1] = "the quick brown fox jumps over the lazy do" .. "g"
  copies[#copies + 1] = 1
  local nCopies = #copies + 1 -- the last one is nil

  local equal = 0
  for r = 0, rounds - 1 do
    for i = 1, #words do
      local w = words[i]
      for j = 1, nCopies do
        if w == copies[j] then equal = equal + 1 end
      end
    end
  end
  return equal
end

print(run(300000))
