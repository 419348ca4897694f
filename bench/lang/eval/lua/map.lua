-- Insert 1,000,000 integer keys (i -> i) into a table, return its size.
-- Expected 1000000. Lua tables have no O(1) entry count (and `#t` is a
-- border, not a count: key 0 lives outside the array part), so the size
-- is counted with one pairs() pass, which is included in the time.
-- Note that Lua stores keys 1..n in the table's array part, so this is
-- closer to an array append than a hash insert; Glia's map is persistent.

local function run()
  local m = {}
  local i = 0
  while i < 1000000 do
    m[i] = i
    i = i + 1
  end
  local n = 0
  for _ in pairs(m) do n = n + 1 end
  return n
end

return run
