-- generator: a coroutine walks a complete binary tree of depth 18 (262,143
-- nodes), yielding each value from inside its recursion, and the values
-- are summed. Expected 524268.
local function make(n)
  if n <= 0 then return nil end
  local t = make(n - 1)
  return { t, n, t }
end

local function walk(t)
  if t then
    walk(t[1])
    coroutine.yield(t[2])
    walk(t[3])
  end
end

return function()
  local t = make(18)
  local s = 0
  for v in coroutine.wrap(function() walk(t) end) do s = s + v end
  return s
end
