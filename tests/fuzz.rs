//! Fuzzing the lab's two text inputs with proptest (cargo-fuzz needs a nightly toolchain, which
//! these machines do not have): the URL-state parser with arbitrary strings and with plausible
//! keys and values, and `adaptlab solve` with arbitrary JSON and with mutations of valid
//! problems of every kind. No input may panic; every answer must be finite JSON or an error.
//! Each crash found becomes a regression test in `regressions` below.
//!
//! Case counts: `PROPTEST_CASES` (default 256 per property; CI runs the default).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use adaptlab::solve;
use adaptlab::state;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Valid problems of every kind, small enough to solve quickly.
fn valid_problems() -> Vec<Value> {
    vec![
        json!({"kind":"lora-linear","target":[[3,0],[0,2]],"frozen":[[[1,0],[0,1]]],"ranks":[1]}),
        json!({"kind":"icl-posterior","prior":{"weights":[0.3,0.7],"mu":[[1],[-1]],"w":[[-1],[1]],"sigma_x":1,"sigma_y":0.5,"sigma_mu":0.5,"sigma_w":0.5},
               "context":{"x":[[0.8],[1.5],[0.3]],"y":[0.9,1.4,0.2]},"query":[1.2]}),
        json!({"kind":"icl-posterior","prior":{"weights":[0.3,0.7],"mu":[[1],[-1]],"w":[[-1],[1]],"sigma_x":1,"sigma_y":0.5,"sigma_mu":0.5,"sigma_w":0.5},
               "stats":{"k":3,"sum_x":[2.6],"sum_xxt":[[3.98]],"sum_xy":[2.96]},"query":[1.2]}),
        json!({"kind":"icl-risk","prior":{"weights":[0.5,0.5],"mu":[[1],[-1]],"w":[[-1],[1]],"sigma_x":1,"sigma_y":0.5,"sigma_mu":0.5,"sigma_w":0.5},
               "task":{"mu":[1],"w":[1]},"ks":[0,1,4],"trials":20,"seed":1}),
        json!({"kind":"lora-train","model":"linear","width":4,"depth":2,"target_depth":1,"rank":1,"steps":3,"seed":0}),
    ]
}

/// Every number in an answer is finite (JSON cannot hold NaN, but check nulls did not replace numbers silently).
fn assert_finite(value: &Value) {
    match value {
        Value::Number(n) => assert!(n.as_f64().is_some_and(f64::is_finite), "{n}"),
        Value::Array(items) => items.iter().for_each(assert_finite),
        Value::Object(map) => map.values().for_each(assert_finite),
        _ => {}
    }
}

fn solve_never_panics(value: &Value) {
    if let Ok(answer) = solve::solve_value(value) {
        assert_finite(&answer);
    }
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

/// A valid problem with one part replaced by arbitrary JSON (by a path of object keys and indices).
fn mutated_problem() -> impl Strategy<Value = Value> {
    (0..valid_problems().len(), prop::collection::vec(any::<prop::sample::Index>(), 1..4), any_json()).prop_map(
        |(which, path, replacement)| {
            let mut problem = valid_problems()[which].clone();
            // Walk down by the indices (reading), recording a JSON pointer; then replace there.
            let mut pointer = String::new();
            let mut slot = &problem;
            for index in &path {
                let (segment, next) = match slot {
                    Value::Object(map) if !map.is_empty() => {
                        let (key, value) = map.iter().nth(index.index(map.len())).unwrap();
                        (key.replace('~', "~0").replace('/', "~1"), value)
                    }
                    Value::Array(items) if !items.is_empty() => {
                        let i = index.index(items.len());
                        (i.to_string(), &items[i])
                    }
                    _ => break,
                };
                pointer.push('/');
                pointer.push_str(&segment);
                slot = next;
            }
            if let Some(target) = problem.pointer_mut(&pointer) {
                *target = replacement;
            }
            problem
        },
    )
}

proptest! {
    #[test]
    fn solve_survives_arbitrary_text(text in ".{0,200}") {
        let _ = solve::solve_text(&text);
    }

    #[test]
    fn solve_survives_arbitrary_json_of_every_kind(kind in prop::sample::select(vec!["lora-linear", "lora-fnn", "lora-transformer", "lora-train", "icl-posterior", "icl-risk"]), body in any_json()) {
        let mut value = body;
        if let Value::Object(map) = &mut value {
            map.insert("kind".into(), json!(kind));
        }
        solve_never_panics(&value);
    }

    #[test]
    fn solve_survives_mutated_valid_problems(problem in mutated_problem()) {
        solve_never_panics(&problem);
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
}
