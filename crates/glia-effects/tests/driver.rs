//! The host-effect driver: effects no Glia handler takes reach the
//! embedding's `Host`, which may answer later, from another task.

use glia_effects::std_effects::{self, Request};
use glia_effects::{Answer, Glia, Host, Value, eval};
use glia_eval::value::pr_str;
use tokio::sync::{mpsc, oneshot};

/// Records what it is asked and answers `:double` with its data doubled.
#[derive(Default)]
struct Doubler {
    asked: Vec<String>,
}

impl Host for Doubler {
    async fn perform(&mut self, target: &Value, data: Value) -> Answer {
        self.asked
            .push(format!("{} {}", pr_str(target), pr_str(&data)));
        match (target, data) {
            (Value::Keyword(k), Value::Int(n)) if k.name() == "double" => {
                Answer::Value(Value::Int(2 * n))
            }
            (Value::Keyword(k), _) if k.name() == "fail" => {
                Answer::Error(std_effects::io_error("fail", "the host said no"))
            }
            _ => Answer::Unhandled,
        }
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

#[test]
fn the_host_answers_what_glia_does_not_handle() {
    let mut glia = Glia::new();
    let mut host = Doubler::default();
    let v = block_on(eval(
        &mut glia,
        "t",
        "(+ (perform :double 20) (with-effect-handler :double (fn [n k] (k n)) (perform :double 1)))",
        &mut host,
    ))
    .expect("evaluates");
    assert_eq!(pr_str(&v), "41");
    assert_eq!(host.asked, [":double 20"]);
}

#[test]
fn host_effects_work_inside_handlers_loops_and_later_forms() {
    let mut glia = Glia::new();
    let mut host = Doubler::default();
    let src = "(defn f [x] (perform :double x))
               (def xs (mapv f [1 2 3]))
               (with-effect-handler :other (fn [d k] (k (perform :double d)))
                 (+ (reduce + xs) (perform :other 100)))";
    let v = block_on(eval(&mut glia, "t", src, &mut host)).expect("evaluates");
    assert_eq!(pr_str(&v), "212");
    assert_eq!(host.asked.len(), 4);
}

#[test]
fn host_errors_and_refusals_are_catchable_where_performed() {
    let mut glia = Glia::new();
    let mut host = Doubler::default();
    let src = "[(try (perform :fail) (catch :glia.error/io e (ex-message e)))
                (try (perform :unknown 1) (catch :glia.error/unhandled-effect e :unhandled))]";
    let v = block_on(eval(&mut glia, "t", src, &mut host)).expect("evaluates");
    assert_eq!(
        pr_str(&v),
        "[\":fail failed: the host said no\" :unhandled]"
    );
}

#[test]
fn an_uncaught_host_error_ends_the_evaluation_and_the_session_goes_on() {
    let mut glia = Glia::new();
    let mut host = Doubler::default();
    let e = block_on(eval(&mut glia, "t", "(perform :unknown) :never", &mut host))
        .expect_err("unhandled");
    assert_eq!(e.type_name(), ":glia.error/unhandled-effect");
    assert!(!glia.is_suspended());
    let v = block_on(eval(&mut glia, "t", "(perform :double 4)", &mut host)).expect("evaluates");
    assert_eq!(pr_str(&v), "8");
}

#[test]
fn exit_ends_the_evaluation_past_every_handler() {
    struct Exiter;
    impl Host for Exiter {
        async fn perform(&mut self, _target: &Value, _data: Value) -> Answer {
            Answer::Error(std_effects::exit(3))
        }
    }
    let mut glia = Glia::new();
    let src = "(with-effect-handler :glia.exception (fn [e k] :handled)
                 (try (perform :exit 3) (catch :default e :caught) (finally (perform :exit 4))))";
    let e = block_on(eval(&mut glia, "t", src, &mut Exiter)).expect_err("exits");
    assert_eq!(std_effects::exit_code(&e), Some(3));
}

/// Answers on another task, after the evaluation has yielded: an RPC.
struct Remote {
    requests: mpsc::UnboundedSender<(i64, oneshot::Sender<i64>)>,
}

impl Host for Remote {
    async fn perform(&mut self, _target: &Value, data: Value) -> Answer {
        let Value::Int(n) = data else {
            return Answer::Unhandled;
        };
        let (tx, rx) = oneshot::channel();
        self.requests.send((n, tx)).expect("the server runs");
        Answer::Value(Value::Int(rx.await.expect("a reply")))
    }
}

#[test]
fn a_host_can_answer_later_from_another_task() {
    block_on(async {
        let (requests, mut server) = mpsc::unbounded_channel::<(i64, oneshot::Sender<i64>)>();
        let local = tokio::task::LocalSet::new();
        local
            .run_until(async move {
                let served = tokio::task::spawn_local(async move {
                    let mut n = 0;
                    while let Some((x, reply)) = server.recv().await {
                        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                        reply.send(x * 10).expect("the evaluation waits");
                        n += 1;
                    }
                    n
                });
                let mut glia = Glia::new();
                let mut host = Remote { requests };
                let v = eval(
                    &mut glia,
                    "t",
                    "(loop [i 0 acc 0] (if (< i 5) (recur (inc i) (+ acc (perform :rpc i))) acc))",
                    &mut host,
                )
                .await
                .expect("evaluates");
                assert_eq!(pr_str(&v), "100");
                drop(host);
                assert_eq!(served.await.expect("served"), 5);
            })
            .await;
    });
}

#[test]
fn standard_effects_read_their_data() {
    let kw = |n: &str| Value::Keyword(glia_eval::value::Keyword::intern(None, n));
    let s = |t: &str| Value::Str(std::rc::Rc::new(t.to_string()));
    let read = |k: &str, v: Value| std_effects::request(&kw(k), v).expect("a standard effect");
    assert_eq!(
        read("stdout", s("hi")).expect("valid"),
        Request::Stdout("hi".into())
    );
    assert_eq!(
        read("load", s("f")).expect("valid"),
        Request::Load("f".into())
    );
    assert_eq!(read("exit", Value::Nil).expect("valid"), Request::Exit(0));
    assert_eq!(
        read("exit", Value::Int(2)).expect("valid"),
        Request::Exit(2)
    );
    assert_eq!(read("now", Value::Nil).expect("valid"), Request::Now);
    assert_eq!(
        read("random", Value::Nil).expect("valid"),
        Request::Random(None)
    );
    assert_eq!(
        read("random", Value::Int(6)).expect("valid"),
        Request::Random(Some(6))
    );
    assert!(read("random", Value::Int(0)).is_err());
    assert!(read("stdout", Value::Int(1)).is_err());
    assert!(read("now", Value::Int(1)).is_err());
    assert!(read("exit", s("x")).is_err());
    assert!(std_effects::request(&kw("other"), Value::Nil).is_none());
    let namespaced = Value::Keyword(glia_eval::value::Keyword::intern(Some("my"), "stdout"));
    assert!(std_effects::request(&namespaced, Value::Nil).is_none());
}

/// A host capability: the embedding answers its methods.
struct Node;

impl Host for Node {
    async fn perform(&mut self, target: &Value, data: Value) -> Answer {
        let Value::Cap(cap) = target else {
            return Answer::Unhandled;
        };
        assert_eq!(cap.host_id(), Some(7));
        match pr_str(&data).as_str() {
            "(:id)" => Answer::Value(Value::str("12D3KooW")),
            "(:peers)" => Answer::Value(Value::vector([Value::Int(1), Value::Int(2)])),
            other => panic!("unexpected call {other}"),
        }
    }
}

#[test]
fn host_capabilities_reach_the_embedding_unless_a_handler_interposes() {
    use glia_eval::value::cap::Capability;
    let mut glia = Glia::new();
    glia.define(
        "host",
        Capability::host(7, "host", Some("This node."), &["id", "peers", "listen"]).into(),
    );
    let src = r#"(let [narrow (attenuate host [:id :peers])
                       audit (atom [])]
                   [(perform host :id)
                    (with-effect-handler host (fn [[m & args] k] (swap! audit conj m) (k (apply perform host m args)))
                      (count (perform narrow :peers)))
                    @audit
                    (try (perform narrow :listen "/x") (catch :glia.error/permission-denied e (ex-message e)))
                    (methods narrow)
                    (doc-string host)])"#;
    let v = block_on(eval(&mut glia, "t", src, &mut Node)).expect("evaluates");
    assert_eq!(
        pr_str(&v),
        r#"["12D3KooW" 2 [:peers] "the capability host does not allow :listen" [:id :peers] "This node."]"#
    );
}

/// Answers :now and :random from a counter: stands in for a real clock.
#[derive(Default)]
struct Clock {
    t: i64,
}

impl Host for Clock {
    async fn perform(&mut self, target: &Value, _data: Value) -> Answer {
        self.t += 17;
        match target {
            Value::Keyword(k) if k.name() == "now" || k.name() == "random" => {
                Answer::Value(Value::Int(self.t))
            }
            Value::Keyword(k) if k.name() == "fail" => {
                Answer::Error(std_effects::io_error("fail", "no"))
            }
            _ => Answer::Unhandled,
        }
    }
}

const NONDETERMINISTIC: &str = "(defn roll [] (perform :random 6))
    [(perform :now) (roll) (with-effect-handler :now (fn [_ k] (k :mine)) (perform :now))
     (try (perform :fail) (catch :glia.error/io e :io)) (try (perform :other) (catch :default e :none)) (roll)]";

/// Runs [`NONDETERMINISTIC`] against a [`Clock`], recording: its value and
/// the log.
fn record_nondeterministic() -> (Value, glia_effects::log::Log) {
    use glia_effects::log::{Log, Recorder};
    let mut log = Log::default();
    let value = block_on(eval(
        &mut Glia::new(),
        "t",
        NONDETERMINISTIC,
        &mut Recorder {
            host: Clock::default(),
            log: &mut log,
        },
    ))
    .expect("evaluates");
    (value, log)
}

#[test]
fn a_recorded_evaluation_replays_to_the_same_result() {
    use glia_effects::log::Replay;
    let (first, log) = record_nondeterministic();
    assert_eq!(pr_str(&first), "[17 34 :mine :io :none 85]");
    assert_eq!(log.entries.len(), 5);
    assert_eq!(
        log.to_text().lines().next(),
        Some(":now nil => 17"),
        "{}",
        log.to_text()
    );
    let mut replay = Replay::new(&log);
    let again =
        block_on(eval(&mut Glia::new(), "t", NONDETERMINISTIC, &mut replay)).expect("replays");
    assert_eq!(pr_str(&again), pr_str(&first));
    assert!(replay.finished());
}

#[test]
fn a_replay_that_diverges_ends_the_evaluation() {
    use glia_effects::log::{Log, Recorder, Replay};
    let mut log = Log::default();
    let mut recorder = Recorder {
        host: Clock::default(),
        log: &mut log,
    };
    block_on(eval(&mut Glia::new(), "t", "(perform :now)", &mut recorder)).expect("evaluates");
    let changed = "(try (perform :random 6) (catch :default e :masked))";
    let e = block_on(eval(&mut Glia::new(), "t", changed, &mut Replay::new(&log)))
        .expect_err("diverges");
    assert_eq!(e.type_name(), ":glia.error/replay-diverged");
    assert!(
        e.message().contains("the log recorded :now nil"),
        "{}",
        e.message()
    );
    let longer = "[(perform :now) (perform :now)]";
    let e = block_on(eval(&mut Glia::new(), "t", longer, &mut Replay::new(&log)))
        .expect_err("runs out");
    assert!(
        e.message().contains("the log ends after 1 effects"),
        "{}",
        e.message()
    );
}

#[test]
fn a_tracer_sees_performs_resumes_aborts_and_answers() {
    use std::cell::RefCell;
    use std::rc::Rc;
    let seen = Rc::new(RefCell::new(Vec::new()));
    let mut glia = Glia::new();
    let sink = seen.clone();
    glia.vm.set_effect_tracer(Some(Box::new(move |e| {
        sink.borrow_mut().push(e.to_string())
    })));
    let src = "(defcap c :m (fn [] 1))
               [(with-effect-handler :a (fn [d k] (k (inc d))) (perform :a 1))
                (with-effect-handler :b (fn [d k] :stop) (perform :b 2))
                (perform c :m)
                (perform :now)]";
    block_on(eval(&mut glia, "t", src, &mut Clock::default())).expect("evaluates");
    assert_eq!(
        *seen.borrow(),
        [
            "perform :a 1 -> handler",
            "resume :a with 2",
            "perform :b 2 -> handler",
            "abort :b",
            "perform #cap[c :m] (:m) -> capability",
            "perform :now nil -> host",
            "answer :now 17",
        ]
    );
}

#[test]
fn a_saved_log_loads_and_replays() {
    use glia_effects::log::{Log, Replay};
    let (first, log) = record_nondeterministic();
    let saved = log.save().expect("all answers are data");
    assert_eq!(saved.lines().count(), 5);
    let loaded = Log::load(&saved).expect("loads");
    assert_eq!(loaded.to_text(), log.to_text());
    let again = block_on(eval(
        &mut Glia::new(),
        "t",
        NONDETERMINISTIC,
        &mut Replay::new(&loaded),
    ))
    .expect("replays");
    assert_eq!(pr_str(&again), pr_str(&first));
}

#[test]
fn a_log_refuses_answers_that_are_not_data_and_bad_text() {
    use glia_effects::log::{Entry, Log, Recorded};
    let log = Log {
        entries: vec![Entry {
            effect: ":f".into(),
            data: "nil".into(),
            answer: Recorded::Value(Value::Bytes(std::rc::Rc::new(vec![1, 2]))),
        }],
    };
    assert!(
        log.save()
            .expect_err("bytes")
            .contains("does not read back")
    );
    assert!(
        Log::load("{:effect \":x\"}")
            .expect_err("no answer")
            .contains("entry 1")
    );
    assert!(Log::load("(").is_err());
    assert!(
        Log::load("5")
            .expect_err("not a map")
            .contains("expected a map")
    );
}
