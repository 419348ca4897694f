;; Make one closure capturing a local k = 3, call it 1,000,000 times,
;; accumulating the results. Expected 500002500000.
(defn make-adder []
  (let [k 3]
    (fn [x] (+ x k))))

(defn run []
  (let [f (make-adder)]
    (loop [i 0 acc 0]
      (if (< i 1000000)
        (recur (inc i) (+ acc (f i)))
        acc))))
