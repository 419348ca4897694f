;; Appended to each benchmark by `run`, with RUNS filled in.
(dotimes [_ RUNS]
  (let [start (js/Date.now) r (run)]
    (println "ms" (- (js/Date.now) start) "result" r)))
