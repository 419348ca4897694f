-- Make one closure capturing a local k = 3, call it 1,000,000 times,
-- accumulating the results. Expected 500002500000.

local function make_adder()
  local k = 3
  return function(x) return x + k end
end

local function run()
  local f = make_adder()
  local i, acc = 0, 0
  while i < 1000000 do
    acc = acc + f(i)
    i = i + 1
  end
  return acc
end

return run
