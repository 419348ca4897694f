;; tak(18, 12, 6): Takeuchi function. Expected 7.
(defn tak [x y z]
  (if (< y x)
    (tak (tak (- x 1) y z)
         (tak (- y 1) z x)
         (tak (- z 1) x y))
    z))

(defn run [] (tak 18 12 6))
