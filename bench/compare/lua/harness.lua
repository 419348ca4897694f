-- Shared timing harness for the Lua 5.4 side of bench/compare.
-- Best of N in-process runs (N = $BENCH_RUNS, default 5). Times with
-- os.clock, i.e. process CPU time (not wall clock); for these
-- single-threaded, allocation-light loops the two agree closely.
-- Prints one line: `NAME <best-ms> <result>`.
local M = {}

function M.bench(name, fn)
  local runs = tonumber(os.getenv("BENCH_RUNS") or "5") or 5
  if runs < 1 then runs = 1 end
  local best, result
  for _ = 1, runs do
    local t0 = os.clock()
    result = fn()
    local dt = os.clock() - t0
    if best == nil or dt < best then best = dt end
  end
  print(string.format("%s %.3f %s", name, best * 1000, tostring(result)))
end

return M
