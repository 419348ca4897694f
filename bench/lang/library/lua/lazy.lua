-- A lazy pipeline over 10M elements: iterator functions (Lua's lazy
-- sequences) mapped, filtered and summed. Expected 74999985000000.
local function range(n)
  local i = -1
  return function()
    i = i + 1
    if i < n then return i end
  end
end

local function map(f, it)
  return function()
    local x = it()
    if x ~= nil then return f(x) end
  end
end

local function filter(p, it)
  return function()
    local x = it()
    while x ~= nil and not p(x) do x = it() end
    return x
  end
end

return function()
  local s = 0
  for x in filter(function(x) return x % 2 == 0 end, map(function(x) return x * 3 end, range(10000000))) do
    s = s + x
  end
  return s
end
