(require '[clojure.data.json :as json])
(def data (vec (for [i (range 70000)]
                 {"id" i "name" (str "item-" i) "tags" ["alpha" "beta" "gamma"]
                  "score" (* i 0.5) "active" (even? i) "nested" {"a" i "b" [i (inc i)]}})))
(defn run [] (let [text (json/write-str data) back (json/read-str text)] (+ (count back) (reduce + (map (fn [m] (get m "id")) back)))))
