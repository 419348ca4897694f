;; The semantics oracle for the evaluator conformance suite.
;;
;; Reads every top-level form of a case file (clojure.glia) with Clojure's
;; reader, evaluates each one in a fresh namespace that refers clojure.core,
;; and prints one line per case:
;;
;;   LINE<TAB>ok<TAB>(pr-str value)
;;   LINE<TAB>error<TAB>SimpleClassName      (or `unbound-symbol`)
;;
;; LINE is the 1-based line on which the form starts. Errors are reported as
;; the simple class name of the thrown exception after unwrapping
;; clojure.lang.Compiler$CompilerException (compile-time wrappers) to its
;; cause; "Unable to resolve symbol" becomes `unbound-symbol`.
;;
;; Run by scripts/clojure-oracle; the output is clojure.expected.
(ns glia.conformance.oracle
  (:require [clojure.java.io :as io]
            [clojure.string :as string])
  (:import (clojure.lang LineNumberingPushbackReader Compiler$CompilerException)))

(defn- skip-blank!
  "Skips whitespace, commas and `;` comments. Returns false at end of input."
  [^LineNumberingPushbackReader r]
  (loop []
    (let [c (.read r)]
      (cond
        (= c -1) false
        (or (Character/isWhitespace (char c)) (= (char c) \,)) (recur)
        (= (char c) \;) (do (loop []
                              (let [d (.read r)]
                                (when-not (or (= d -1) (= (char d) \newline))
                                  (recur))))
                            (recur))
        :else (do (.unread r c) true)))))

(defn- root [^Throwable t]
  (if (and (instance? Compiler$CompilerException t) (.getCause t))
    (recur (.getCause t))
    t))

(defn- describe-error [^Throwable t]
  (let [t (root t)
        msg (or (.getMessage t) "")]
    (if (and (= RuntimeException (class t))
             (string/starts-with? msg "Unable to resolve symbol"))
      "unbound-symbol"
      (.getSimpleName (class t)))))

(defn- one-line [^String s]
  ;; pr-str escapes newlines inside strings; this only guards against a
  ;; printed value that would still break the one-line-per-case format.
  (-> s (string/replace "\r" "\\r") (string/replace "\n" "\\n") (string/replace "\t" "\\t")))

(defn- run-case
  "Reads the next form from r inside a fresh namespace and evaluates it there.
   Returns [status text]."
  [^LineNumberingPushbackReader r]
  (let [case-ns (create-ns (gensym "glia.conformance.case"))]
    (binding [*ns* case-ns]
      (clojure.core/refer 'clojure.core)
      (let [form (read r)]
        (try
          [:ok (one-line (pr-str (eval form)))]
          (catch Throwable t
            [:error (describe-error t)]))))))

(defn -main [path]
  (with-open [r (LineNumberingPushbackReader. (io/reader path))]
    (loop []
      (when (skip-blank! r)
        (let [line (.getLineNumber r)
              [status text] (run-case r)]
          (println (str line "\t" (name status) "\t" text))
          (flush)
          (recur)))))
  (shutdown-agents))

(apply -main *command-line-args*)
