-- countdown: the counter read and written through two closures (Lua has
-- no effect handlers; a closure is how it passes state in). Expected 0.
local function countdown(get, put)
  local i = get()
  while i ~= 0 do
    put(i - 1)
    i = get()
  end
  return i
end

return function()
  local s = 1000000
  return countdown(function() return s end, function(i) s = i end)
end
