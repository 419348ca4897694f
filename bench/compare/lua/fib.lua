-- fib(30): naive doubly-recursive Fibonacci. Expected 832040.
package.path = (arg[0]:match("^(.*[/\\])") or "./") .. "?.lua;" .. package.path
local harness = require("harness")

local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

harness.bench("fib", function() return fib(30) end)
