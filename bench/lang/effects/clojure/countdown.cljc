;; countdown: the counter read and written through two closures (Clojure
;; has no effect handlers; a closure is how it passes state in). Expected 0.
(defn countdown [get set]
  (let [i (get)]
    (if (zero? i)
      i
      (do (set (dec i))
          (recur get set)))))

(defn run []
  (let [s (atom 1000000)]
    (countdown (fn [] @s) (fn [i] (reset! s i)))))
