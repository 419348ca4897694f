;; fib(30): naive doubly-recursive Fibonacci. Expected 832040.
(defn fib [n]
  (if (< n 2)
    n
    (+ (fib (- n 1)) (fib (- n 2)))))

(defn run [] (fib 30))
