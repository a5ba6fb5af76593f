//! Issue 11's reproductions, one regression test each: extreme but well-formed numbers in links,
//! imports and `adaptlab` give a working lab with a message naming the field and its allowed
//! range, or an answer of finite numbers (exit 0) or one line naming the problem (exit 2); no
//! hang, no panic, no NaN, null or "undefined". The fuzzing of every surface is `extreme_fuzz.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use adaptlab::icl::prior::Prior;
use adaptlab::icl::risk::{RiskRun, RiskSetup};
use adaptlab::lessons::icl::{Curve, KAxis, Sweep};
use adaptlab::linalg::Vector;
use adaptlab::pages::Lab;
use adaptlab::plots::spectrum::{self, SpectrumData};
use adaptlab::plots::Theme;
use adaptlab::{solve, state};
use plotters::prelude::*;
use serde_json::{json, Value};

/// Runs `work` on a thread and fails if it has not returned after `seconds`: only a hang
/// detector for the reproductions that used to never return (they now take milliseconds).
fn returns_within<T: Send + 'static>(seconds: u64, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || sender.send(work()));
    receiver.recv_timeout(Duration::from_secs(seconds)).expect("did not return (the reproduction hangs)")
}

/// `adaptlab` with `args` and `stdin`; killed after `seconds` (a hang is a failure).
fn adaptlab(args: &[std::ffi::OsString], stdin: &str, seconds: u64) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_adaptlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let id = child.id();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || sender.send(child.wait_with_output()));
    match receiver.recv_timeout(Duration::from_secs(seconds)) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg(id.to_string()).status();
            panic!("adaptlab {args:?} did not return within {seconds} s");
        }
    }
}

fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
    args.iter().map(std::ffi::OsString::from).collect()
}

/// Asserts that a text shown to the student holds no NaN, infinity, null or "undefined".
fn assert_clean(what: &str, text: &str) {
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        assert!(!["NaN", "nan", "inf", "Infinity", "infinity", "undefined", "null"].contains(&word), "{what}: {text}");
    }
}

/// A lab at `fragment`, with its notices, after at most `slices` slices of background work;
/// every text it shows and its CSV checked by `assert_clean`.
fn lab_at(fragment: &str, slices: usize) -> (Lab, Vec<String>) {
    let mut lab = Lab::new();
    let notices = lab.load(fragment);
    lab.compute().unwrap_or_else(|e| panic!("{fragment}: the page would show an error: {e}"));
    for _ in 0..slices {
        let progress = lab.advance(16);
        if progress.is_complete() || progress.workers_only {
            break;
        }
    }
    let report = lab.compute().unwrap();
    assert_clean(fragment, &serde_json::to_string(&notices).unwrap());
    assert_clean(fragment, &report.check);
    for (_, text) in &report.summaries {
        assert_clean(fragment, text);
    }
    for number in &report.numbers {
        assert_clean(fragment, &number.shown);
    }
    assert_clean(fragment, &lab.figures().csv());
    (lab, notices)
}

/// Failure 1: σ₁(E)² overflowed and the spectrum's axis was built over an infinite range, which
/// never returned; now the link's matrices are refused, naming the field and the limit.
#[test]
fn failure_1_matrices_whose_discrepancy_squared_overflows_are_refused() {
    let fragment = "#v=1&view=lora-linear&cm=1e160,0;0,1/1,0;0,1";
    let parsed = state::parse(fragment);
    assert!(parsed.state.lora_linear.custom.is_empty(), "the matrices were used");
    let notice = parsed.notices.join(" ");
    assert!(notice.contains("cm: target: the entries are too large for double precision"), "{notice}");
    assert!(notice.contains("10^150"), "the limit is named: {notice}");
    // A frozen product that overflows (2 of 60 random links with entries up to 1e150).
    let notice = state::parse("#v=1&view=lora-linear&cm=1,0;0,1/1e150,0;0,1/1e150,0;0,1").notices.join(" ");
    assert!(notice.contains("cm: frozen: the entries are too large for double precision"), "{notice}");
    // The page draws every figure of the state it shows (the seeded models).
    let svg = returns_within(120, move || {
        let (lab, _) = lab_at(fragment, 1);
        lab.figures().svg(&["spectrum"], &Theme::default()).unwrap()
    });
    assert!(svg.contains("<svg") && !svg.contains("NaN"));
}

/// Failure 1, the axis itself: an infinite bar no longer makes plotters step forever.
#[test]
fn failure_1_the_spectrum_axis_spans_finite_values_only() {
    let svg = returns_within(120, || {
        let data = SpectrumData { sigma_squared: vec![f64::INFINITY, 0.5, 0.0], absorbed: 1, rank: 2 };
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (760, 380)).into_drawing_area();
            spectrum::draw(&root, &data, &Theme::default(), &mut Default::default()).unwrap();
            root.present().unwrap();
        }
        out
    });
    assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
}

/// Failure 2: a 1e308 layer made E non-finite; `solve` panicked in nalgebra and the page died.
/// Now both refuse the layers, naming `frozen` and the limit, and the page shows the seeded models.
#[test]
fn failure_2_a_layer_of_1e308_is_refused_by_solve_and_by_the_page() {
    let problem =
        r#"{"kind":"lora-linear","target":[[1,0],[0,1]],"frozen":[[[1e308,0],[0,1]],[[10,0],[0,1]]],"ranks":[1,1]}"#;
    let error = solve::solve_text(problem).unwrap_err().to_string();
    assert!(error.starts_with("frozen: the entries are too large for double precision"), "{error}");
    let out = adaptlab(&os(&["solve"]), problem, 60);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too large for double precision"));
    let (_, notices) = lab_at("#v=1&view=lora-linear&cm=1,0;0,1/1e308,0;0,1/10,0;0,1", 1);
    assert!(notices.join(" ").contains("cm: frozen: the entries are too large"), "{notices:?}");
}

/// A prior whose σ_y makes δ_w = σ_w²/σ_y² infinite: no trial can give a finite posterior.
fn hopeless_prior() -> Prior {
    Prior {
        weights: vec![1.0],
        mu: vec![Vector::zeros(1)],
        w: vec![Vector::zeros(1)],
        sigma_x: 1.0,
        sigma_y: 1e-308,
        sigma_mu: 1.0,
        sigma_w: 1.0,
    }
}

/// Failure 3: a custom prior made the risk sweep spin forever at "0 of 10000 trials". The link's
/// prior is refused now; and a sweep whose trials give no finite result (the gate bypassed)
/// stops after its first block with a message instead of waiting for finite trials.
#[test]
fn failure_3_a_sweep_without_finite_trials_stops_with_a_message() {
    for cp in ["pi:1;mu:0;w:0;sx:1;sy:1e-308;smu:1;sw:1", "pi:1;mu:0;w:0;sx:1e308;sy:1;smu:1;sw:1"] {
        let notice = state::parse(&format!("#v=1&view=icl-risk&cp={cp}")).notices.join(" ");
        assert!(notice.contains("is outside the allowed range 0.001 … 1000"), "{notice}");
    }
    for cp in ["pi:1;mu:1e308;w:0;sx:1;sy:1;smu:1;sw:1", "pi:1;mu:0;w:0;sx:1;sy:1;smu:1;sw:1;tmu:1e308;tw:-1e308"] {
        let notice = state::parse(&format!("#v=1&view=icl-risk&cp={cp}")).notices.join(" ");
        assert!(notice.contains("is outside the allowed range -1000 … 1000"), "{notice}");
    }
    let setup = RiskSetup {
        prior: hopeless_prior(),
        task_mu: Vector::zeros(1),
        task_w: Vector::zeros(1),
        label_w: Vector::zeros(1),
        label_noise: 0.0,
        ks: vec![0, 1, 2, 4],
        seed: 0,
        with_bound: true,
    };
    let curve = Curve { panel: 0, label: String::new(), run: RiskRun::new(setup) };
    let mut sweep = Sweep::new(vec![String::new()], vec![curve], 10_000, KAxis::PowersOfTwo);
    for _ in 0..10 {
        sweep.advance(16);
    }
    let (done, total) = sweep.progress();
    assert_eq!(done, total, "the sweep must finish (stop) in bounded work");
    assert!(sweep.next_jobs(4).is_empty(), "a stopped sweep hands out no more work");
    let message = sweep.failure().unwrap();
    assert!(message.starts_with("No estimate at any k") && message.contains("sweep stopped"), "{message}");
    // `render` of such a link returns (the prior is refused; the page shows Figure 6's).
    let out = adaptlab(
        &os(&[
            "render",
            "#v=1&view=icl-risk&trials=100&cp=pi:1;mu:0;w:0;sx:1;sy:1e-308;smu:1;sw:1",
            "--svg",
            "/dev/null",
        ]),
        "",
        120,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Failure 4: NaN in "Show data", "undefined" in the live check. The prior is refused (μ = 1e15
/// is outside ±1000), and what the page shows instead is clean.
#[test]
fn failure_4_no_nan_or_undefined_for_a_prior_of_extreme_scales() {
    let fragment = "#v=1&view=icl-risk&kmax=6&trials=100&cp=pi:1.0;mu:1e15;w:1.68;sx:1e-200;sy:0.54;smu:1e-100;sw:0.92;tmu:1.57;tw:1e200";
    let (lab, notices) = returns_within(120, move || lab_at(fragment, 200));
    assert!(notices.join(" ").contains("cp: prior.mu[0][0]: 1e15 is outside the allowed range -1000 … 1000"));
    assert!(lab.state().icl_risk.custom.is_empty());
}

/// Failure 5: unbounded work. A transformer problem of one N = 2,048 sequence through 8 blocks of
/// 16 heads (28 s) and a risk curve of 10⁷ trials at 1,000 k are refused before computing, with
/// the override named; `--allow-large` is accepted.
#[test]
fn failure_5_solve_refuses_problems_over_its_work_limit() {
    let matrix = |d: usize| vec![vec![0.3; d]; d];
    let block = json!({"wq":vec![matrix(2); 16],"wk":vec![matrix(2); 16],"wv":vec![matrix(2); 16],"wo":vec![matrix(2); 16],
                       "w1":[[1,0],[0,1]],"b1":[0,0],"w2":[[1,0],[0,1]],"b2":[0,0]});
    let network = json!({"blocks": vec![block; 8], "w_out": [[1, 0], [0, 1]]});
    let sequence: Vec<Vec<f64>> =
        (0..2).map(|r| (0..2048).map(|i| ((i * (r + 3)) % 7) as f64 / 7.0).collect()).collect();
    let transformer = json!({"kind":"lora-transformer","target":network,"frozen":network,"rank":1,"inputs":[sequence]});
    let risk = json!({"kind":"icl-risk","prior":{"weights":[1],"mu":[[0]],"w":[[1]],"sigma_x":1,"sigma_y":1,"sigma_mu":1,"sigma_w":1},
                      "task":{"mu":[0],"w":[1]},"k":vec![1 << 30; 1000],"trials":10_000_000,"seed":0});
    for problem in [transformer, risk] {
        let error = returns_within(120, move || solve::solve_value(&problem).map(|_| ()).unwrap_err().to_string());
        assert!(error.contains("over the limit of 2e11") && error.contains("--allow-large"), "{error}");
    }
    let small = r#"{"kind":"lora-linear","target":[[3,0],[0,2]],"frozen":[[[1,0],[0,1]]],"ranks":[1]}"#;
    assert!(adaptlab(&os(&["solve", "--allow-large"]), small, 60).status.success());
}

/// Failure 5: `problem` on a lesson without one answers at once (it computed the paper preset's
/// whole sweep, 76–120 s, first), and a non-UTF-8 argument is a usage error, not a panic.
#[test]
fn failure_5_problem_answers_at_once_and_arguments_need_not_be_utf8() {
    let out = adaptlab(&os(&["problem", "#v=1&view=lora-paper&fig=2"]), "", 30);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no solve problem"));
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bad = std::ffi::OsStr::from_bytes(b"#v=1&view=\xff\xfe");
        let out = adaptlab(&[std::ffi::OsString::from("report"), bad.to_os_string()], "", 30);
        assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("argument 2 is not valid UTF-8"));
    }
}

/// The answer is finite JSON with posterior weights summing to 1, or a one-line error.
fn finite_or_error(problem: Value) {
    match solve::solve_value(&problem) {
        Ok(answer) => {
            // A null only beside `construction_holds: false` and its message (the documented case).
            let text = answer.to_string();
            let documented = answer["construction_holds"] == json!(false) && answer["message"].is_string();
            assert!(documented || !text.contains("null"), "{problem} → {text}");
            if let Some(weights) = answer["posterior_weights"].as_array() {
                let total: f64 = weights.iter().map(|w| w.as_f64().unwrap()).sum();
                assert!((total - 1.0).abs() < 1e-9, "{problem}: weights {weights:?}");
            }
        }
        Err(e) => {
            let message = e.to_string();
            assert!(!message.is_empty() && !message.contains('\n'), "{message}");
            assert_clean("message", &message);
        }
    }
}

/// Failure 6: `solve` wrote null (or weights of 0 that do not sum to 1) and exited 0 where the
/// results overflow. Each listed case is now finite numbers or an error naming the cause.
#[test]
fn failure_6_overflowing_answers_are_finite_or_errors() {
    let p = |sigma_y: f64| json!({"weights":[0.5,0.5],"mu":[[1],[-1]],"w":[[-1],[1]],"sigma_x":1,"sigma_y":sigma_y,"sigma_mu":0.5,"sigma_w":0.5});
    finite_or_error(json!({"kind":"lora-linear","target":[[1e308,1e308,0],[1e308,1e308,0],[0,0,0]],
                           "frozen":[[[1,0,0],[0,1,0],[0,0,1]]],"ranks":[1]}));
    finite_or_error(json!({"kind":"lora-fnn",
        "target":{"weights":[[[2,0],[0,1]]],"biases":[[0,0]]},
        "frozen":{"weights":[[[1,0],[0,1]],[[1,0],[0,1]]],"biases":[[0,0],[0,0]]},
        "rank":2,"relu_on_output":false,"calibration_inputs":[[1,1],[2,-1]],"test_inputs":[[1e200,1],[-1,3]]}));
    finite_or_error(
        json!({"kind":"icl-risk","prior":p(1.0),"task":{"mu":[1],"w":[1]},"labels":{"w":[1],"noise":1e308},
                           "k":[0,1,4],"trials":20,"seed":1}),
    );
    let posterior =
        json!({"kind":"icl-posterior","prior":p(1e-300),"context":{"x":[[0.8],[1.5]],"y":[0.9,1.4]},"query":[1.2]});
    finite_or_error(posterior.clone());
    let error = solve::solve_value(&posterior).unwrap_err().to_string();
    assert_eq!(error, "prior.sigma_y: 1e-300 is outside the allowed range 0.001 … 1000");
}

/// Minor: links keep their numbers in shortest round-trip form, so that they stay short enough to
/// reopen (`cp` with 1e-300 values became 25,530 characters; `cm` wrote 1e149 as 150 digits).
#[test]
fn links_write_numbers_in_their_shortest_round_trip_form() {
    let prior =
        "#v=1&view=icl-risk&prior=custom&cp=pi:0.5,0.5;mu:1e-300/-1e-300;w:1e-300/2.5e-300;sx:1;sy:1;smu:1;sw:1";
    let parsed = state::parse(prior);
    assert!(parsed.notices.is_empty(), "{:?}", parsed.notices);
    let link = state::serialise(&parsed.state);
    assert!(link.len() < 200 && link.contains("mu:1e-300/-1e-300"), "{link}");
    assert_eq!(state::parse(&link).state, parsed.state);
    let matrices = state::parse("#v=1&view=lora-linear&R=1&cm=1e149,0;0,1/1,0;0,1");
    assert!(matrices.notices.is_empty(), "{:?}", matrices.notices);
    let link = state::serialise(&matrices.state);
    assert!(link.contains("cm=1e149,0;0,1/1,0;0,1"), "{link}");
}

/// Minor: notices stay short and say what happened.
#[test]
fn notices_are_summarised_quote_what_was_written_and_name_repeated_keys() {
    let many: String = (0..15_000).map(|i| format!("&k{i}=1")).collect();
    let notices = state::parse(&format!("#v=1&view=lora-linear{many}")).notices;
    let length: usize = notices.iter().map(String::len).sum();
    assert!(
        length < 1_000,
        "{length} characters in {} notices: {:?} …",
        notices.len(),
        &notices[..3.min(notices.len())]
    );
    assert!(notices.join(" ").contains("ignored 15000 unknown settings ('k0', 'k1', 'k2', …)"), "{notices:?}");
    let notice = state::parse("#v=1&view=icl-prompt&centres=1e308,0,0,0,0,0").notices.join(" ");
    assert!(notice.contains("centres = 1e308 is above the maximum"), "{notice}");
    let notice = state::parse("#v=1&view=lora-linear&D=4%00").notices.join(" ");
    assert!(notice.contains(r"D = '4\0' is not a whole number"), "{notice}");
    let parsed = state::parse("#v=1&view=lora-linear&D=8&D=64");
    assert_eq!(parsed.state.lora_linear.width, 64);
    assert!(
        parsed.notices.contains(&"D was given 2 times; using the last, D = 64.".to_owned()),
        "{:?}",
        parsed.notices
    );
    let parsed = state::parse("#v=1&view=lora-fnn&view=icl-risk");
    assert!(parsed.notices.contains(&"view was given 2 times; using the last, view = icl-risk.".to_owned()));
    // A 10 MB `kind` is quoted in 40 characters.
    let kind = "x".repeat(10_000_000);
    let message = solve::solve_text(&format!(r#"{{"kind":"{kind}"}}"#)).unwrap_err().to_string();
    assert!(message.len() < 300, "{} characters", message.len());
}

/// Inside the domain rounding can still defeat the posterior for some contexts (δ_w = 10^12 at
/// k < d makes I + δ_w S indefinite in floating point): those k keep no estimate (a mean of the
/// other trials would be biased), are named in the live check, and are neither drawn nor exported.
#[test]
fn k_whose_trials_fail_are_named_and_left_out_of_figures_and_data() {
    let fragment = "#v=1&view=icl-risk&prior=custom&trials=100&kmax=4&cp=pi:0.5,0.5;mu:1000,1000,-1000/-1000,1000,1000;w:1000,0,0/0,-1000,0;sx:1000;sy:0.001;smu:0.001;sw:1000";
    let (mut lab, notices) = lab_at(fragment, 100);
    assert!(notices.is_empty(), "{notices:?}");
    let check = lab.compute().unwrap().check;
    assert!(check.contains("No estimate at k = 1, 2: for some trials the posterior cannot be computed"), "{check}");
    let csv = lab.figures().csv();
    let ks: Vec<&str> =
        csv.lines().filter(|l| l.starts_with("risk,risk,")).map(|l| l.split(',').nth(2).unwrap()).collect();
    assert_eq!(ks, ["0", "4", "8", "16"], "{csv}");
}
