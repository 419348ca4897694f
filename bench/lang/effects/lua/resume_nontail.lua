-- resume_nontail: each step works on what the rest of the loop returned,
-- as the handler does after its (non-tail) resume: plain recursion.
-- 1,000 runs of 1,000 steps. Expected 708.
local function step(i, s)
  if i == 0 then return s end
  local y = step(i - 1, s)
  return math.abs(i - 503 * y + 37) % 1009
end

return function()
  local s = 0
  for _ = 1, 1000 do s = step(1000, s) end
  return s
end
