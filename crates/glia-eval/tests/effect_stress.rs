//! Random programs that nest handlers, performs, resumes of every kind
//! (tail, general, twice, kept and resumed later, passed outwards),
//! `try`/`catch`/`finally` and `let`s: whatever each computes, evaluating
//! it must end with a value or an error, never a panic. A fixed seed keeps
//! the programs the same from run to run; the fuzzer explores further.

use glia_eval::Glia;

/// A small deterministic generator (xorshift): the test needs variety,
/// not statistical quality.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const EFFECTS: &[&str] = &[":a", ":b", ":c"];

fn handler(rng: &mut Rng) -> String {
    let e = rng.pick(EFFECTS);
    let body = match rng.below(14) {
        0 => "(k d)".to_string(),
        1 => "(+ 1 (k d))".to_string(),
        2 => "d".to_string(),
        3 => format!("(k (perform {e} d))"),
        4 => format!("(perform {e} k)"),
        5 => "(do (reset! saved k) 0)".to_string(),
        6 => "(k (k d))".to_string(),
        7 => "((fn [] (k d)))".to_string(),
        8 => "(if (number? d) (k d) 0)".to_string(),
        9 => "(let [r (k d)] (if (fn? r) 0 r))".to_string(),
        10 => "(try (k d) (catch :default e 7))".to_string(),
        11 => "(try (k d) (finally (swap! log inc)))".to_string(),
        12 => "(if (fn? d) (d 3) (k d))".to_string(),
        _ => "(k (@saved 1))".to_string(),
    };
    format!("(fn [d k] {body})")
}

fn expr(rng: &mut Rng, depth: usize) -> String {
    if depth == 0 {
        return rng.below(10).to_string();
    }
    let e = rng.pick(EFFECTS);
    match rng.below(13) {
        0 => rng.below(10).to_string(),
        1 => format!("(+ {} {})", expr(rng, depth - 1), expr(rng, depth - 1)),
        2 | 3 => format!("(perform {e} {})", expr(rng, depth - 1)),
        4..=6 => format!(
            "(with-effect-handler {e} {} {})",
            handler(rng),
            expr(rng, depth - 1)
        ),
        7 => format!(
            "(let [x {}] (+ x {}))",
            expr(rng, depth - 1),
            expr(rng, depth - 1)
        ),
        8 => format!("(try {} (finally (swap! log inc)))", expr(rng, depth - 1)),
        9 => format!("(try {} (catch :default e 0))", expr(rng, depth - 1)),
        // Effects inside lazy seqs: a chunk loop's fn (the VM's ChunkStep
        // trampoline), a lazy seq's body (the Realized trampoline), a delay.
        10 => format!(
            "(reduce + (map (fn [y] (+ y {})) (range 3)))",
            expr(rng, depth - 1)
        ),
        11 => format!(
            "(first (filter (fn [y] (pos? (+ y {}))) (lazy-seq (cons -1 (lazy-seq [2 3])))))",
            expr(rng, depth - 1)
        ),
        _ => format!("(force (delay {}))", expr(rng, depth - 1)),
    }
}

#[test]
fn random_effect_programs_never_crash_the_evaluator() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut glia = Glia::new();
    let (mut values, mut errors) = (0, 0);
    for _ in 0..3000 {
        let program = format!(
            "(do (def saved (atom (fn [x] x))) (def log (atom 0))
                 (let [r {}] [(if (fn? r) :fn r) @log]))",
            expr(&mut rng, 5)
        );
        match glia.eval_str("stress.glia", &program) {
            Ok(_) => values += 1,
            Err(e) => {
                // Rendering the report must not panic either.
                drop(e.report().render_plain());
                errors += 1;
            }
        }
        // The session stays usable after every program.
        let v = glia
            .eval_str("check.glia", "(+ 1 2)")
            .expect("the session works");
        assert_eq!(glia_eval::value::pr_str(&v), "3");
    }
    // Both outcomes are exercised.
    assert!(
        values > 100 && errors > 100,
        "{values} values, {errors} errors"
    );
}
