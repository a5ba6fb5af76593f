//! Fuzzing the lab's two text inputs with proptest (cargo-fuzz needs a nightly toolchain, which
//! these machines do not have): the URL-state parser with arbitrary strings and with plausible
//! keys and values, and `adaptlab solve` with arbitrary JSON and with mutations of valid
//! problems of every kind. No input may panic; every answer must be finite JSON (a null only
//! where the kind documents one, e.g. a construction that does not hold) or a clean error.
//! Each crash found becomes a regression test in `regressions` below.
//!
//! The mutation test proves that it reaches the mathematics: per kind it counts the cases that
//! pass the gate (an answer or a numerical error) and asserts that they are at least
//! `MIN_REACHED` of all cases. Run with `--nocapture` to see the counts.
//!
//! Case counts: `PROPTEST_CASES` (default 256 per property and per kind; CI runs the default).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use std::cell::Cell;

use adaptlab::solve::{self, SolveError};
use adaptlab::state;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};

/// A prior in d = 1 (the public anchor example's).
fn prior_1d() -> Value {
    json!({"weights":[0.3,0.7],"mu":[[1],[-1]],"w":[[-1],[1]],"sigma_x":1,"sigma_y":0.5,"sigma_mu":0.5,"sigma_w":0.5})
}

/// A prior in d = 3 with three skills.
fn prior_3d() -> Value {
    json!({"weights":[0.2,0.3,0.5],"mu":[[1,0,0],[0,1,0],[0,0,-1]],"w":[[0,0,1],[1,-1,0],[0.5,0.5,0.5]],
           "sigma_x":1,"sigma_y":2,"sigma_mu":0.25,"sigma_w":0.5})
}

/// Valid problems of every kind in `solve::KINDS` (some kinds have several), small enough to
/// solve quickly. `seeds_are_valid` checks that each one is answered.
fn seeds() -> Vec<Value> {
    vec![
        json!({"kind":"lora-linear","target":[[3,0],[0,2]],"frozen":[[[1,0],[0,1]]],"ranks":[1]}),
        json!({"kind":"lora-linear","target":[[0.4,-0.3,0.2],[0.1,0.5,-0.6],[-0.2,0.3,0.7]],
               "frozen":[[[1.1,0.2,0],[0,0.9,0.1],[0.3,0,1]],[[0.8,0,-0.2],[0.1,1,0],[0,0.4,1.2]]],"ranks":[1,0]}),
        json!({"kind":"lora-fnn",
               "target":{"weights":[[[0.3,0.28],[-0.05,-0.62]]],"biases":[[0.54,0.07]]},
               "frozen":{"weights":[[[0.47,0.43],[0.62,-0.49]],[[0.03,0.37],[-0.21,0.2]]],"biases":[[0.54,0.38],[-0.44,-0.1]]},
               "rank":1,"relu_on_output":true,
               "calibration_inputs":[[0.5,-1.2],[1.1,0.3],[-0.7,0.9],[0.2,0.2]],"test_inputs":[[1,-1],[-0.3,0.8],[0.6,0.1]]}),
        json!({"kind":"lora-transformer",
               "target":{"blocks":[{"wq":[[[-0.71,-0.25],[-0.99,-1.54]],[[-0.15,0.59],[-2.26,-1.29]]],
                                    "wk":[[[-0.33,-0.4],[0.68,-0.96]],[[0.58,0.94],[0.12,-2.21]]],
                                    "wv":[[[0.45,1.62],[-1.54,1.41]],[[0.15,0.38],[-0.39,1.32]]],
                                    "wo":[[[-0.11,0.85],[0.59,-0.68]],[[-0.25,-0.36],[-0.72,-1.08]]],
                                    "w1":[[-0.65,0.03],[-0.02,-0.14]],"b1":[0.59,0.5],"w2":[[0.09,-0.14],[0.23,0.44]],"b2":[-0.26,0.65]}],
                         "w_out":[[-0.64,-0.17],[0.63,0.21]]},
               "frozen":{"blocks":[{"wq":[[[0.2,-0.5],[0.9,0.4]],[[-0.6,0.3],[0.1,0.8]]],
                                    "wk":[[[0.7,0.1],[-0.3,0.5]],[[0.2,0.9],[-0.8,0.4]]],
                                    "wv":[[[0.5,-0.2],[0.3,0.6]],[[-0.4,0.7],[0.2,-0.1]]],
                                    "wo":[[[0.3,0.4],[-0.5,0.2]],[[0.6,-0.3],[0.1,0.9]]],
                                    "w1":[[0.4,-0.6],[0.2,0.3]],"b1":[0.1,-0.2],"w2":[[-0.3,0.5],[0.7,0.2]],"b2":[0.05,-0.4]}],
                         "w_out":[[0.8,-0.1],[0.2,0.5]]},
               "rank":1,"inputs":[[[-0.65,0.76,0.92],[0.84,-0.86,0.44]],[[0.1,-1.2,0.3],[1.5,0.2,-0.7]]]}),
        json!({"kind":"lora-train","model":"linear","width":4,"depth":2,"target_depth":1,"rank":1,"steps":3,"seed":0}),
        json!({"kind":"lora-train","model":"relu","width":3,"depth":3,"target_depth":1,"rank":2,"steps":4,"learning_rate":0.01,"seed":5}),
        json!({"kind":"icl-posterior","prior":prior_1d(),"context":{"x":[[0.8],[1.5],[0.3]],"y":[0.9,1.4,0.2]},"query":[1.2]}),
        json!({"kind":"icl-posterior","prior":prior_1d(),"stats":{"k":3,"sum_x":[2.6],"sum_xxt":[[2.98]],"sum_xy":[2.88]},"query":[1.2]}),
        // k = 0 in d = 3, by an empty context and by empty statistics (defect 8 of issue 10).
        json!({"kind":"icl-posterior","prior":prior_3d(),"context":{"x":[],"y":[]},"query":[0.3,-0.5,0.1]}),
        json!({"kind":"icl-posterior","prior":prior_3d(),"stats":{"k":0,"sum_x":[0,0,0],"sum_xxt":[[0,0,0],[0,0,0],[0,0,0]],"sum_xy":[0,0,0]},"query":[0.3,-0.5,0.1]}),
        json!({"kind":"icl-posterior","prior":prior_3d(),"context":{"x":[[1,0.5,-0.2],[0.3,1.1,0.4]],"y":[0.7,-0.2]},"query":[0.3,-0.5,0.1]}),
        json!({"kind":"icl-risk","prior":prior_1d(),"task":{"mu":[1],"w":[1]},"k":[0,1,4],"trials":20,"seed":1}),
        json!({"kind":"icl-risk","prior":prior_3d(),"task":{"mu":[0.5,0.5,0],"w":[0,1,0]},"labels":{"w":[0,0,0],"noise":1},"k":[0,2,64],"trials":10,"seed":3}),
    ]
}

fn kind_of(problem: &Value) -> &str {
    problem["kind"].as_str().unwrap()
}

/// Where an answer of `kind` may hold a null: the outputs of a construction that does not hold
/// (`assumption_holds`/`construction_holds` false, with a `message`), and the losses of a
/// diverged training run. Every other number must be present and finite.
fn null_allowed(kind: &str, answer: &Value, pointer: &str) -> bool {
    let flag_false = |p: &str| answer.pointer(p) == Some(&Value::Bool(false));
    match kind {
        "lora-linear" => {
            [
                "/construction/deltas",
                "/construction/adapter_ranks",
                "/construction/error_spectral",
                "/construction/error_frobenius",
            ]
            .contains(&pointer)
                && flag_false("/construction/assumption_holds")
        }
        "lora-fnn" => {
            ["/threshold_rank", "/mse_calibration", "/mse_test"].contains(&pointer) && flag_false("/construction_holds")
        }
        "lora-transformer" => ["/threshold_rank", "/mse"].contains(&pointer) && flag_false("/construction_holds"),
        // Losses of a diverged run, and a reference that does not exist, with its `…_note`.
        "lora-train" => {
            (pointer.starts_with("/losses/") && answer["diverged"] == Value::Bool(true))
                || answer.get(format!("{}_note", pointer.trim_start_matches('/'))).is_some_and(Value::is_string)
        }
        _ => false,
    }
}

/// Every number in an answer is finite, and nulls appear only where `null_allowed` says (JSON
/// cannot hold NaN: serde_json writes a non-finite f64 as null, so a null elsewhere is a NaN).
fn assert_well_formed(kind: &str, answer: &Value) {
    fn walk(kind: &str, answer: &Value, value: &Value, pointer: &mut String) {
        match value {
            Value::Number(n) => assert!(n.as_f64().is_some_and(f64::is_finite), "{kind}: {pointer} = {n}"),
            Value::Null => assert!(null_allowed(kind, answer, pointer), "{kind}: null at {pointer} in {answer}"),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    walk(kind, answer, item, pointer);
                    pointer.truncate(len);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(key);
                    walk(kind, answer, item, pointer);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }
    walk(kind, answer, answer, &mut String::new());
}

/// What became of a problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    /// The gate refused it (JSON, field or kind error).
    Refused,
    /// It reached the mathematics, which reported a numerical failure (e.g. an overflow).
    Numerical,
    /// It reached the mathematics and was answered (the answer checked by `assert_well_formed`).
    Answered,
}

/// Solves `problem` and checks the answer.
fn solve_and_check(problem: &Value) -> Fate {
    match solve::solve_value(problem) {
        Ok(answer) => {
            let kind = problem.get("kind").and_then(Value::as_str).unwrap_or("");
            assert_well_formed(kind, &answer);
            Fate::Answered
        }
        Err(SolveError::Numerical(message)) => {
            assert!(!message.is_empty());
            Fate::Numerical
        }
        Err(SolveError::Json(_) | SolveError::Input(_) | SolveError::UnknownKind(_) | SolveError::TooLarge(_)) => {
            Fate::Refused
        }
    }
}

fn solve_never_panics(value: &Value) {
    solve_and_check(value);
}

/// Numbers at the edges of what a gate accepts: zero, negative and small sizes, large but valid
/// integers (k = 2³⁰, a rank of 2³⁰), and extreme but finite floats.
fn special_number() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!(0),
        json!(1),
        json!(-1),
        json!(2),
        json!(3),
        json!(7),
        json!(1_i64 << 30),
        json!(u32::MAX),
        json!(i64::MAX),
        json!(-0.0),
        json!(0.5),
        json!(-2.5),
        json!(1e-8),
        json!(1e8),
        json!(-1e8),
        json!(1e150),
        json!(-1e150),
        json!(1e300),
        json!(1e-300),
        json!(f64::MIN_POSITIVE),
        json!(f64::MAX),
    ])
}

/// Arbitrary JSON, a few levels deep, with extreme numbers.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            any::<i64>().prop_map(|n| n as f64),
            any::<f64>().prop_filter("finite", |f| f.is_finite()),
            Just(1e308),
            Just(-0.0),
            Just(1e-308)
        ]
        .prop_map(|f| json!(f)),
        special_number(),
        "[a-z_-]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One change to a valid problem, at a node chosen by an `Index` among the nodes it applies to.
#[derive(Clone, Debug)]
enum Mutation {
    /// Any node (not the root, not `kind`) replaced by arbitrary JSON.
    Replace(Index, Value),
    /// A number replaced by a special one (`special_number`).
    Number(Index, Value),
    /// An array cut to its first n ≤ 1 items (empty contexts, empty layer lists, …).
    Truncate(Index, usize),
    /// An array's last item repeated (one more example, layer, input, …).
    Grow(Index),
    /// A member of an object removed.
    Remove(Index),
    /// Every number under a node multiplied by a factor (0, −1, 1e±150).
    Scale(Index, f64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => (any::<Index>(), any_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        6 => (any::<Index>(), special_number()).prop_map(|(i, v)| Mutation::Number(i, v)),
        2 => (any::<Index>(), 0usize..2).prop_map(|(i, n)| Mutation::Truncate(i, n)),
        1 => any::<Index>().prop_map(Mutation::Grow),
        1 => any::<Index>().prop_map(Mutation::Remove),
        2 => (any::<Index>(), prop::sample::select(vec![0.0, -1.0, 1e150, 1e-150])).prop_map(|(i, f)| Mutation::Scale(i, f)),
    ]
}

/// JSON pointers to every node of `value` below the root, except the `kind` member.
fn pointers(value: &Value) -> Vec<String> {
    fn walk(value: &Value, pointer: String, out: &mut Vec<String>) {
        let children: Vec<(String, &Value)> = match value {
            Value::Object(map) => map.iter().map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v)).collect(),
            Value::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
            _ => Vec::new(),
        };
        for (segment, child) in children {
            let path = format!("{pointer}/{segment}");
            if path != "/kind" {
                out.push(path.clone());
                walk(child, path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}

fn scale_numbers(value: &mut Value, factor: f64) {
    match value {
        Value::Number(n) => *value = json!(n.as_f64().unwrap_or(0.0) * factor),
        Value::Array(items) => items.iter_mut().for_each(|v| scale_numbers(v, factor)),
        Value::Object(map) => map.values_mut().for_each(|v| scale_numbers(v, factor)),
        _ => {}
    }
}

/// Applies `mutation` to `problem` (unchanged if no node fits).
fn apply(problem: &mut Value, mutation: &Mutation) {
    let all = pointers(problem);
    let of = |keep: &dyn Fn(&Value) -> bool| -> Vec<String> {
        all.iter().filter(|p| problem.pointer(p).is_some_and(keep)).cloned().collect()
    };
    let (index, candidates) = match mutation {
        Mutation::Replace(i, _) | Mutation::Scale(i, _) => (i, all.clone()),
        Mutation::Number(i, _) => (i, of(&|v| v.is_number())),
        Mutation::Truncate(i, _) | Mutation::Grow(i) => (i, of(&|v| v.as_array().is_some_and(|a| !a.is_empty()))),
        Mutation::Remove(i) => (i, all.iter().filter(|p| p.matches('/').count() >= 1).cloned().collect()),
    };
    if candidates.is_empty() {
        return;
    }
    let pointer = &candidates[index.index(candidates.len())];
    if let Mutation::Remove(_) = mutation {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let key = key.replace("~1", "/").replace("~0", "~");
        match problem.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.remove(&key);
            }
            Some(Value::Array(items)) => {
                let i: usize = key.parse().unwrap();
                items.remove(i);
            }
            _ => {}
        }
        return;
    }
    let Some(target) = problem.pointer_mut(pointer) else { return };
    match mutation {
        Mutation::Replace(_, v) | Mutation::Number(_, v) => *target = v.clone(),
        Mutation::Truncate(_, n) => target.as_array_mut().unwrap().truncate(*n),
        Mutation::Grow(_) => {
            let items = target.as_array_mut().unwrap();
            items.push(items[items.len() - 1].clone());
        }
        Mutation::Scale(_, factor) => scale_numbers(target, *factor),
        Mutation::Remove(_) => {}
    }
}

/// A seed problem of `kind` with one mutation (three cases in four) or two.
fn mutated_problem(kind: &'static str) -> impl Strategy<Value = Value> {
    let of_kind: Vec<Value> = seeds().into_iter().filter(|p| kind_of(p) == kind).collect();
    let mutations = prop_oneof![3 => prop::collection::vec(mutation(), 1), 1 => prop::collection::vec(mutation(), 2)];
    (prop::sample::select(of_kind), mutations).prop_map(|(mut problem, mutations)| {
        for m in &mutations {
            apply(&mut problem, m);
        }
        problem
    })
}

/// The least fraction of mutated cases per kind that must reach the mathematics.
const MIN_REACHED: f64 = 0.2;

#[test]
fn seeds_are_valid_and_cover_every_kind() {
    for kind in solve::KINDS {
        assert!(seeds().iter().any(|p| kind_of(p) == *kind), "no seed problem of kind {kind}");
    }
    for problem in seeds() {
        let answer = solve::solve_value(&problem).unwrap_or_else(|e| panic!("{problem}: {e}"));
        assert_well_formed(kind_of(&problem), &answer);
        // Each seed is a case where the mathematics runs to the end: constructions hold.
        for flag in ["/construction/assumption_holds", "/construction_holds"] {
            assert_ne!(answer.pointer(flag), Some(&Value::Bool(false)), "{problem}: {answer}");
        }
    }
}

/// Mutations of valid problems of every kind: no panic, well-formed answers, and per kind at
/// least `MIN_REACHED` of the cases pass the gate and run the mathematics.
#[test]
fn solve_survives_mutated_valid_problems_and_reaches_the_mathematics() {
    let mut report = Vec::new();
    for kind in solve::KINDS {
        let counts = [Cell::new(0usize), Cell::new(0usize), Cell::new(0usize)];
        // A fixed random stream, so that the counts (and the check against MIN_REACHED) are the
        // same on every run; `PROPTEST_CASES` sets how many cases per kind.
        let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::deterministic_rng(RngAlgorithm::ChaCha));
        runner
            .run(&mutated_problem(kind), |problem| {
                let fate = solve_and_check(&problem) as usize;
                counts[fate].set(counts[fate].get() + 1);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        let [refused, numerical, answered] = counts.map(|c| c.get());
        let (cases, reached) = (refused + numerical + answered, numerical + answered);
        let fraction = reached as f64 / cases as f64;
        report.push(format!(
            "{kind}: {reached} of {cases} mutated cases reached the solver ({:.0} %: {answered} answered, {numerical} numerical errors)",
            100.0 * fraction
        ));
        assert!(fraction >= MIN_REACHED, "{}", report.last().unwrap());
    }
    println!("{}", report.join("\n"));
}

proptest! {
    #[test]
    fn solve_survives_arbitrary_text(text in ".{0,200}") {
        let _ = solve::solve_text(&text);
    }

    #[test]
    fn solve_survives_arbitrary_json_of_every_kind(kind in prop::sample::select(solve::KINDS.to_vec()), body in any_json()) {
        let mut value = body;
        if let Value::Object(map) = &mut value {
            map.insert("kind".into(), json!(kind));
            // Every lora-train field is optional: without this, almost every case would train
            // the page's default 5,000 steps (0.4 s each). The mutation test still drops `steps`.
            if kind == "lora-train" {
                map.entry("steps").or_insert(json!(5));
            }
        }
        solve_never_panics(&value);
    }

    #[test]
    fn state_parse_is_idempotent_on_arbitrary_links(text in "(#?(v|view|D|L|R|Lbar|H|N|ranks|seed|model|q|frozen|relu|lr|wd|biases|steps|fig|prior|d|delta|r|labels|kmax|trials|scenario|k|centres|pi|sy|sw|smu|cp|embed|figure|controls|[a-z]{1,3})=[-0-9a-z.,/%e:;]{0,16}&?){0,8}") {
        let once = state::parse(&text).state;
        let canonical = state::serialise(&once);
        let twice = state::parse(&canonical);
        prop_assert!(twice.notices.is_empty(), "{canonical}: {:?}", twice.notices);
        prop_assert_eq!(&twice.state, &once);
        prop_assert_eq!(state::serialise(&twice.state), canonical);
    }
}

/// Crashes the fuzzing found, kept as regression tests.
mod regressions {
    use super::*;

    #[test]
    fn a_decimal_setting_as_huge_as_a_float_can_be_is_clamped() {
        let parsed = state::parse("#v=1&view=icl-prompt&sy=1e308&centres=1e300,0,0,0,0,0");
        assert_eq!(parsed.state.icl_prompt.sigma_y, 1000);
        assert!(!parsed.notices.is_empty());
    }

    /// Defect 8 of issue 10: k = 0 (an empty context) in d = 3 was a nalgebra shape panic.
    #[test]
    fn an_empty_context_in_three_dimensions_is_answered() {
        let problem =
            json!({"kind":"icl-posterior","prior":prior_3d(),"context":{"x":[],"y":[]},"query":[0.3,-0.5,0.1]});
        let answer = solve::solve_value(&problem).unwrap();
        assert_well_formed("icl-posterior", &answer);
        let as_numbers = |v: &Value| serde_json::from_value::<Vec<Vec<f64>>>(v.clone()).unwrap();
        assert_eq!(as_numbers(&answer["w_tilde"]), as_numbers(&prior_3d()["w"]), "at k = 0, w̃_β = w_β");
    }

    /// A frozen-network weight of f64::MAX made a non-finite matrix whose SVD panicked in
    /// nalgebra ("Singular value was NaN") inside the ReLU construction's conditioning check. Now
    /// the lesson's gate refuses it (its activations could overflow), naming the network.
    #[test]
    fn a_weight_as_large_as_a_float_can_be_is_not_a_panic() {
        let mut problem = seeds().into_iter().find(|p| kind_of(p) == "lora-fnn").unwrap();
        problem["target"]["weights"][0][0][0] = json!(f64::MAX);
        let error = solve::solve_value(&problem).unwrap_err().to_string();
        assert!(error.starts_with("target.weights: the entries are too large for double precision"), "{error}");
    }

    /// Target entries of 1e300 overflowed the optimum √(Σ_{i>k} σ_i²): the answer held
    /// `"frobenius": null` as if it were a number. Now the lesson's gate refuses them, naming the
    /// field and the limit of its numerical domain (issue 11).
    #[test]
    fn an_overflowing_optimum_is_refused_naming_the_field_not_a_null() {
        let problem = json!({"kind":"lora-linear","target":[[1e300,0],[0,1e300]],"frozen":[[[1,0],[0,1]]],"ranks":[1]});
        match solve::solve_value(&problem) {
            Err(SolveError::Input(e)) => {
                assert!(e.to_string().starts_with("target: the entries are too large for double precision"), "{e}")
            }
            other => panic!("{other:?}"),
        }
    }
}
