;; handler_sieve: every prime found wraps the test so far in a closure that
;; rejects its multiples and forwards other candidates to the one before;
;; the first accepts. Sums the primes below 10,000. Expected 5736396.
(defn run []
  (loop [i 2 test (fn [_] true) total 0]
    (if (>= i 10000)
      total
      (if (test i)
        (recur (inc i)
               (let [prev test p i] (fn [e] (if (zero? (mod e p)) false (prev e))))
               (+ total i))
        (recur (inc i) test total)))))
