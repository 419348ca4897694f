;; JSON emit, then parse, of a ~10 MB document: clojure.data.json on the
;; JVM, the host's JSON object in nbb.
#?(:clj (require '[clojure.data.json :as json]))
(def data (vec (for [i (range 70000)]
                 {"id" i "name" (str "item-" i) "tags" ["alpha" "beta" "gamma"]
                  "score" (* i 0.5) "active" (even? i) "nested" {"a" i "b" [i (inc i)]}})))
(defn run []
  (let [text #?(:clj (json/write-str data) :cljs (js/JSON.stringify (clj->js data)))
        back #?(:clj (json/read-str text) :cljs (js->clj (js/JSON.parse text)))]
    (+ (count back) (reduce + (map (fn [m] (get m "id")) back)))))
