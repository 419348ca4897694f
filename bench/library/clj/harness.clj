;; Appended to each benchmark by `run`, with RUNS filled in.
(dotimes [_ RUNS]
  (let [start (System/nanoTime) r (run)]
    (println "ms" (quot (- (System/nanoTime) start) 1000000) "result" r)))
