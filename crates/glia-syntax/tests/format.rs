//! Snapshots of formatted code: a messy but valid file comes out canonical,
//! and formatting the result again changes nothing.

use glia_syntax::format;

fn formatted(source: &str) -> String {
    let once = format(source).expect("the sample is well formed");
    assert_eq!(
        format(&once).as_deref(),
        Ok(once.as_str()),
        "not idempotent"
    );
    once
}

#[test]
fn messy_module() {
    let source = r#"#!/usr/bin/env ww
;; A messy module.   
(ns   example.core
 (:require [clojure.string :as str]))



(defn greet
"Greets someone."
    [name & {:keys [loud?]
    :or {loud? false}}]
     (let [msg (str "hello, " name)   ; build it
   out (if loud?
  (str/upper-case msg)
    msg)]
 (println out)
       out))

(def table {:a 1 ,
  :b [1 2
3]
       :c #{:x
  :y}})

(comment
  (greet "ada" :loud? true)
  )

(-> {:n 1}
(update :n inc)
    (assoc :m 2))
( foo   #_ ignored   ' quoted @ derefed ^:meta target
  #(+ % 1) )
"#;
    insta::assert_snapshot!(formatted(source));
}
