;; iterator: a range emits 0..1,000,000 to a callback that sums them
;; (Clojure has no generators; the callback is the handler). Expected
;; 500000500000.
(defn emit-range [l u emit]
  (when (<= l u)
    (emit l)
    (recur (inc l) u emit)))

(defn run []
  (let [s (atom 0)]
    (emit-range 0 1000000 (fn [e] (swap! s + e)))
    @s))
