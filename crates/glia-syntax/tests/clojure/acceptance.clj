;; For each line of acceptance.glia: does Clojure's reader accept every form
;; on it? Prints [input accepted?], one vector a line (acceptance.edn).
(require '[clojure.java.io :as io] '[clojure.string :as string])
(defn accepts? [text]
  (let [r (java.io.PushbackReader. (java.io.StringReader. text))]
    (try
      (loop []
        (if (= ::eof (read {:eof ::eof} r)) true (recur)))
      (catch Throwable _ false))))
(with-open [r (io/reader (first *command-line-args*))]
  (doseq [line (line-seq r)
          :when (not (string/blank? line))]
    (prn [line (accepts? line)])))
