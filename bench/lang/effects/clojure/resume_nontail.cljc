;; resume_nontail: each step works on what the rest of the loop returned,
;; as the handler does after its (non-tail) resume: plain recursion.
;; 1,000 runs of 1,000 steps. Expected 708.
(defn step [i s]
  (if (zero? i)
    s
    (let [y (step (dec i) s)]
      (mod (abs (+ (- i (* 503 y)) 37)) 1009))))

(defn run []
  (loop [l 1000 s 0]
    (if (zero? l)
      s
      (recur (dec l) (step 1000 s)))))
