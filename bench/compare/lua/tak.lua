-- tak(18, 12, 6): Takeuchi function. Expected 7.
package.path = (arg[0]:match("^(.*[/\\])") or "./") .. "?.lua;" .. package.path
local harness = require("harness")

local function tak(x, y, z)
  if y < x then
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))
  end
  return z
end

harness.bench("tak", function() return tak(18, 12, 6) end)
