(def numbers (mapv (fn [i] (mod (* i 7919) 1000003)) (range 1000000)))
(defn run [] (let [s (vec (sort numbers))] (+ (first s) (peek s) (nth s 500000))))
