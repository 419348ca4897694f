-- product_early: the product of 1000..0 by non-tail recursion, which meets
-- the 0 at the bottom and leaves all 1,001 frames at once by error() (Lua's
-- way to abort, caught by pcall). 1,000 times. Expected 0.
local DONE = {}

local function product(xs, i)
  if i > #xs then return 0 end
  local y = xs[i]
  if y == 0 then error(DONE) end
  return y * product(xs, i + 1)
end

return function()
  local xs = {}
  for v = 1000, 0, -1 do xs[#xs + 1] = v end
  local a = 0
  for _ = 1, 1000 do
    local ok, r = pcall(product, xs, 1)
    if ok then a = a + r elseif r ~= DONE then error(r) end
  end
  return a
end
