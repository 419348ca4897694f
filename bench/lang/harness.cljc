;; Clojure's and nbb's side of bench/run, appended to the program (which
;; defines a zero-argument `run`): calls it $BENCH_RUNS times (default 5)
;; and prints `ms <milliseconds> result <value>` for each call.
(let [runs #?(:clj (System/getenv "BENCH_RUNS") :cljs (.. js/process -env -BENCH_RUNS))
      runs (max 1 (if runs (parse-long runs) 5))
      now #?(:clj #(/ (System/nanoTime) 1e6) :cljs #(js/performance.now))]
  (dotimes [_ runs]
    (let [start (now) r (run)]
      (println "ms" (- (now) start) "result" (pr-str r)))))
