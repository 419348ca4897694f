;; generator: a lazy sequence walks a complete binary tree of depth 18
;; (262,143 nodes), yielding each value as it is asked for (a lazy seq is
;; Clojure's generator), and the values are summed. Expected 524268.
(defn make [n]
  (when (pos? n)
    (let [t (make (dec n))]
      [t n t])))

(defn walk [t]
  (lazy-seq
    (when t
      (let [[l v r] t]
        (concat (walk l) (cons v (walk r)))))))

(defn run []
  (reduce + 0 (walk (make 18))))
