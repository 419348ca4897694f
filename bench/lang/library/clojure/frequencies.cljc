(def words (mapv (fn [i] (str "w" (mod (* i 7919) 10007))) (range 1000000)))
(defn run [] (count (frequencies words)))
