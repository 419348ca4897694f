;; 10,000,000-iteration counting loop summing i. Expected 49999995000000.
(defn run []
  (loop [i 0 acc 0]
    (if (< i 10000000)
      (recur (inc i) (+ acc i))
      acc)))
