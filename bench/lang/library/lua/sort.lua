-- sort of 1M integers: a copy sorted with table.sort (as Clojure's sort
-- gives a new sequence). Expected 1500002.
local numbers = {}
for i = 0, 999999 do numbers[#numbers + 1] = (i * 7919) % 1000003 end

return function()
  local s = table.move(numbers, 1, #numbers, 1, {})
  table.sort(s)
  return s[1] + s[#s] + s[500001]
end
