-- Lua's side of bench/run: `lua5.4 harness.lua FILE` runs FILE, which
-- returns a zero-argument function, calls it $BENCH_RUNS times (default 5)
-- and prints `ms <milliseconds> result <value>` for each call. Lua's
-- standard library has no wall clock finer than a second, so the time is
-- os.clock's: the process's CPU time, which for these single-threaded
-- programs is close to wall-clock time.
local run = dofile(arg[1])
local runs = math.max(1, tonumber(os.getenv("BENCH_RUNS") or "5") or 5)
for _ = 1, runs do
  local start = os.clock()
  local result = run()
  print(string.format("ms %.3f result %s", (os.clock() - start) * 1000, tostring(result)))
  io.stdout:flush()
end
