-- 10,000,000-iteration counting loop summing i. Expected 49999995000000.
-- A while loop (not a numeric for), to match the Python version.

local function run()
  local i, acc = 0, 0
  while i < 10000000 do
    acc = acc + i
    i = i + 1
  end
  return acc
end

return run
