;; Prints, for each line of cases.glia, what Clojure reads and prints:
;; [input (pr-str v) (print-str v) (str v)], one vector a line.
;; Run by scripts/clojure-oracle; the output is tests/clojure/expected.edn.
(require '[clojure.java.io :as io] '[clojure.string :as string])
(with-open [r (io/reader (first *command-line-args*))]
  (doseq [line (line-seq r)
          :when (not (string/blank? line))]
    (let [v (read-string line)]
      (prn [line (pr-str v) (print-str v) (str v)]))))
