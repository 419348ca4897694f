-- handler_sieve: every prime found wraps the test so far in a closure that
-- rejects its multiples and forwards other candidates to the one before;
-- the first accepts. Sums the primes below 10,000. Expected 5736396.
return function()
  local test = function(_) return true end
  local total = 0
  for i = 2, 9999 do
    if test(i) then
      total = total + i
      local prev, p = test, i
      test = function(e)
        if e % p == 0 then return false end
        return prev(e)
      end
    end
  end
  return total
end
