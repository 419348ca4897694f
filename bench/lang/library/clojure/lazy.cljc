(defn run [] (reduce + (filter even? (map (fn [x] (* x 3)) (range 10000000)))))
