-- iterator: a coroutine yields 0..1,000,000 to a loop that sums them (a
-- coroutine is Lua's one-shot continuation). Expected 500000500000.
local function emit_range(lo, hi)
  return coroutine.wrap(function()
    while lo <= hi do
      coroutine.yield(lo)
      lo = lo + 1
    end
  end)
end

return function()
  local s = 0
  for e in emit_range(0, 1000000) do s = s + e end
  return s
end
