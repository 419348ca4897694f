-- frequencies of 1M words (10,007 distinct) into a table, then the number
-- of distinct words. Expected 10007.
local words = {}
for i = 0, 999999 do words[#words + 1] = "w" .. ((i * 7919) % 10007) end

return function()
  local counts, distinct = {}, 0
  for _, w in ipairs(words) do
    local c = counts[w]
    if c == nil then distinct = distinct + 1 end
    counts[w] = (c or 0) + 1
  end
  return distinct
end
