;; product_early: the product of 1000..0 by non-tail recursion, which meets
;; the 0 at the bottom and leaves all 1,001 frames at once by throwing
;; (Clojure's way to abort). 1,000 times. Expected 0.
(defn product [xs]
  (if (empty? xs)
    0
    (let [y (first xs)]
      (if (zero? y)
        (throw (ex-info "done" {:value 0}))
        (* y (product (rest xs)))))))

(defn run []
  (let [xs (apply list (range 1000 -1 -1))]
    (loop [i 0 a 0]
      (if (< i 1000)
        (recur (inc i) (+ a (try (product xs)
                                 (catch #?(:clj clojure.lang.ExceptionInfo :cljs ExceptionInfo) e
                                   (:value (ex-data e))))))
        a))))
