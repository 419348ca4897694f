;; Insert 1,000,000 integer keys (i -> i) into a persistent map, return
;; its size. Expected 1000000.
(defn run []
  (loop [i 0 m {}]
    (if (< i 1000000)
      (recur (inc i) (assoc m i i))
      (count m))))
