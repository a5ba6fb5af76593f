//! The `adaptlab` command: JSON answers, error handling with exit status 2, and rendering.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)] // tests fail loudly and index parallel arrays

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_adaptlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn solve(problem: &str) -> Value {
    let out = run(&["solve"], problem);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn rejected(problem: &str) -> String {
    let out = run(&["solve"], problem);
    assert_eq!(out.status.code(), Some(2), "stdout: {}", String::from_utf8_lossy(&out.stdout));
    let message = String::from_utf8(out.stderr).unwrap();
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(out.stdout.is_empty());
    message
}

#[test]
fn solves_a_small_problem_exactly() {
    // W_2 W_1 = I and W̄ = diag(3, 2): E = diag(2, 1), rank 2; R = 1 on two layers is exact.
    let answer = solve(
        r#"{"kind":"lora-linear","target":[[3,0],[0,2]],"frozen":[[[2,0],[0,1]],[[0.5,0],[0,1]]],"ranks":[1,1]}"#,
    );
    assert_eq!(answer["discrepancy_rank"], 2);
    assert_eq!(answer["min_exact_rank"], 1);
    let sv: Vec<f64> = serde_json::from_value(answer["singular_values"].clone()).unwrap();
    assert!((sv[0] - 2.0).abs() < 1e-12 && (sv[1] - 1.0).abs() < 1e-12);
    assert_eq!(answer["optimal"]["frobenius"], 0.0);
    assert_eq!(answer["construction"]["assumption_holds"], true);
    assert_eq!(answer["construction"]["adapter_ranks"], serde_json::json!([1, 1]));
    assert!(answer["construction"]["error_frobenius"].as_f64().unwrap() < 1e-12);
    // The returned adapters really turn the frozen model into the target.
    let deltas: Vec<Vec<Vec<f64>>> = serde_json::from_value(answer["construction"]["deltas"].clone()).unwrap();
    let w1 = nalgebra::DMatrix::from_row_slice(2, 2, &[2.0, 0.0, 0.0, 1.0]);
    let w2 = nalgebra::DMatrix::from_row_slice(2, 2, &[0.5, 0.0, 0.0, 1.0]);
    let d = |m: &Vec<Vec<f64>>| nalgebra::DMatrix::from_fn(2, 2, |i, j| m[i][j]);
    let adapted = (w2 + d(&deltas[1])) * (w1 + d(&deltas[0]));
    assert!((adapted - nalgebra::DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 2.0])).norm() < 1e-12);
}

#[test]
fn below_the_threshold_reports_the_eckart_young_error() {
    let answer = solve(r#"{"kind":"lora-linear","target":[[3,0],[0,2]],"frozen":[[[1,0],[0,1]]],"ranks":[1]}"#);
    // E = diag(2, 1); one rank-1 adapter leaves σ₂ = 1.
    assert!((answer["optimal"]["spectral"].as_f64().unwrap() - 1.0).abs() < 1e-12);
    assert!((answer["optimal"]["gaussian_mse"].as_f64().unwrap() - 0.5).abs() < 1e-12);
    assert!((answer["construction"]["error_spectral"].as_f64().unwrap() - 1.0).abs() < 1e-12);
}

#[test]
fn violated_assumption_gives_null_adapters_and_no_nan() {
    let out = run(
        &["solve"],
        r#"{"kind":"lora-linear","target":[[0,0],[0,0]],"frozen":[[[1,0.5],[0,1]],[[2,0],[1,1]]],"ranks":[1,1]}"#,
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(answer["construction"]["assumption_holds"], false);
    assert_eq!(answer["construction"]["deltas"], Value::Null);
    assert!(answer["construction"]["message"].as_str().unwrap().contains("singular"));
}

#[test]
fn bad_inputs_name_the_offending_field() {
    let cases = [
        (r#"{"kind":"lora-linear","target":[[1,0],[0]],"frozen":[[[1,0],[0,1]]],"ranks":[1]}"#, "target: row 1"),
        (
            r#"{"kind":"lora-linear","target":[[1,0,0],[0,1,0]],"frozen":[[[1,0],[0,1]]],"ranks":[1]}"#,
            "target: the matrix is 2×3",
        ),
        (
            r#"{"kind":"lora-linear","target":[[1,0],[0,1]],"frozen":[[[1,0,0],[0,1,0],[0,0,1]]],"ranks":[1]}"#,
            "frozen[0]: size 3",
        ),
        (r#"{"kind":"lora-linear","target":[[1,0],[0,1]],"frozen":[[[1,0],[0,1]]],"ranks":[1,2]}"#, "ranks: size 2"),
        (r#"{"kind":"lora-linear","target":[[1,0],[0,1]],"frozen":[[[1,0],[0,1]]],"ranks":[-1]}"#, "ranks[0]: -1"),
        (
            r#"{"kind":"lora-linear","target":[[1,"x"],[0,1]],"frozen":[[[1,0],[0,1]]],"ranks":[1]}"#,
            "target[0][1]: must be a number",
        ),
        (r#"{"kind":"lora-linear","target":[[1,0],[0,1]],"frozen":[],"ranks":[]}"#, "frozen: 0 is outside"),
        (r#"{"kind":"lora-linear","target":[[1,0],[0,1]],"ranks":[1]}"#, "frozen: is missing"),
        (r#"{"kind":"lora-cubic"}"#, "kind: 'lora-cubic' is not a known problem kind"),
        (r#"{"kind":"lora-linear","target":[[1e999,0],[0,1]],"frozen":[[[1,0],[0,1]]],"ranks":[1]}"#, "not valid JSON"),
        ("[1,2", "not valid JSON"),
        ("[]", "input: must be a JSON object"),
    ];
    for (input, expected) in cases {
        let message = rejected(input);
        assert!(message.contains(expected), "{input}\n  gave: {message}  expected: {expected}");
    }
}

#[test]
fn render_writes_svg_and_csv_of_the_page_figures() {
    let dir = std::env::temp_dir().join(format!("adaptlab-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (svg, csv) = (dir.join("f.svg"), dir.join("f.csv"));
    let out = run(
        &[
            "render",
            "#v=1&view=lora-linear&D=8&R=2&zzz=1",
            "--svg",
            svg.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
        ],
        "",
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("link repaired: ignored the unknown setting 'zzz'"));
    let svg_text = std::fs::read_to_string(&svg).unwrap();
    assert!(svg_text.starts_with("<svg") && svg_text.trim_end().ends_with("</svg>"));
    assert!(svg_text.contains("Spectrum of the discrepancy") && svg_text.contains("Error against LoRA rank"));
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    assert!(csv_text.starts_with("figure,series,x,y,legend\n"));
    assert_eq!(csv_text.lines().filter(|l| l.starts_with("error,optimal_frobenius_sq,")).count(), 9);
    assert!(csv_text.contains("error,threshold_rank,4,"));
    let bad = run(&["render", "", "--svg", svg.to_str().unwrap(), "--figure", "pie"], "");
    assert_eq!(bad.status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn problem_and_solve_agree_with_the_lesson() {
    let problem = run(&["problem", "#v=1&view=lora-linear&D=10&L=2&R=3&seed=4"], "");
    assert!(problem.status.success());
    let answer = solve(&String::from_utf8(problem.stdout).unwrap());
    let params = adaptlab::state::parse("D=10&L=2&R=3&seed=4").state.lora_linear;
    let p = params.problem();
    let analysis = adaptlab::lessons::lora_linear::analyse(&p).unwrap();
    let outcome = adaptlab::lessons::lora_linear::solve(&p, &analysis.discrepancy);
    assert_eq!(answer["optimal"]["frobenius"].as_f64().unwrap(), outcome.optimal.frobenius);
    assert_eq!(answer["discrepancy_rank"], outcome.discrepancy_rank);
}

#[test]
fn network_kinds_answer_and_reject_bad_input() {
    // A problem the page would show, through `adaptlab problem`, then solved.
    for (state, key) in
        [("#v=1&view=lora-fnn&D=6&Lbar=2&L=5&R=3", "mse_test"), ("#v=1&view=lora-transformer&D=6&R=3", "mse")]
    {
        let problem = run(&["problem", state], "");
        assert!(problem.status.success());
        let answer = solve(&String::from_utf8(problem.stdout).unwrap());
        assert_eq!(answer["threshold_rank"], 3, "{state}");
        assert!(answer[key].as_f64().unwrap() < 1e-18, "{state}: exact at ⌈D/M⌉ = ⌈D/2⌉ = 3");
    }
    let fnn = run(&["problem", "#v=1&view=lora-fnn&D=4&Lbar=2&L=5&R=1"], "");
    let answer = solve(&String::from_utf8(fnn.stdout).unwrap());
    assert_eq!(answer["groups"], serde_json::json!([[1, 2], [3, 4, 5]]));
    let cases = [
        (
            r#"{"kind":"lora-fnn","target":{"weights":[[[1,0],[0,1]]],"biases":[[0,0,0]]},"frozen":{"weights":[[[1,0],[0,1]],[[1,0],[0,1]]],"biases":[[0,0],[0,0]]},"rank":1,"relu_on_output":true,"calibration_inputs":[[1,2]],"test_inputs":[[1,2]]}"#,
            "target.biases[0]: size 3 does not match 2",
        ),
        (
            r#"{"kind":"lora-fnn","target":{"weights":[[[1,0],[0,1]]],"biases":[[0,0]]},"frozen":{"weights":[[[1,0],[0,1]],[[1,0],[0,1]]],"biases":[[0,0],[0,0]]},"rank":1,"relu_on_output":"yes","calibration_inputs":[[1,2]],"test_inputs":[[1,2]]}"#,
            "relu_on_output: must be true or false",
        ),
        (
            r#"{"kind":"lora-fnn","target":{"weights":[[[1,0],[0,1]]],"biases":[[0,0]]},"frozen":{"weights":[[[1,0],[0,1]],[[1,0],[0,1]]],"biases":[[0,0],[0,0]]},"rank":1,"relu_on_output":true,"calibration_inputs":[[1,2,3]],"test_inputs":[[1,2]]}"#,
            "calibration_inputs[0]: size 3 does not match 2",
        ),
        (
            r#"{"kind":"lora-transformer","target":{"blocks":[{"wq":[[[1]]],"wk":[],"wv":[[[1]]],"wo":[[[1]]],"w1":[[1]],"b1":[0],"w2":[[1]],"b2":[0]}],"w_out":[[1]]},"frozen":{"blocks":[],"w_out":[[1]]},"rank":1,"inputs":[[[1]]]}"#,
            "target.blocks[0].wk: size 0 does not match 1",
        ),
        (
            r#"{"kind":"lora-transformer","target":{"blocks":[{"wq":[[[1]]],"wk":[[[1]]],"wv":[[[1]]],"wo":[[[1]]],"w1":[[1]],"b1":[0],"w2":[[1]],"b2":[0]}],"w_out":[[1]]},"frozen":{"blocks":[],"w_out":[[1]]},"rank":1,"inputs":[[[1]]]}"#,
            "frozen.blocks: 0 is outside",
        ),
    ];
    for (input, expected) in cases {
        let message = rejected(input);
        assert!(message.contains(expected), "{input}\n  gave: {message}  expected: {expected}");
    }
}

#[test]
fn lora_train_regenerates_a_gradient_curve() {
    let input =
        r#"{"kind":"lora-train","model":"linear","width":6,"rank":1,"steps":400,"learning_rate":0.01,"seed":3}"#;
    let first = solve(input);
    assert_eq!(first, solve(input), "deterministic per seed");
    let losses: Vec<f64> = serde_json::from_value(first["losses"].clone()).unwrap();
    assert_eq!(losses.len(), 400);
    assert!(losses[390..].iter().sum::<f64>() < losses[..10].iter().sum::<f64>());
    // A linear model: the construction attains the closed-form optimum, and training cannot beat it by much.
    let (construction, optimum) = (first["construction_mse"].as_f64().unwrap(), first["closed_form"].as_f64().unwrap());
    assert!((construction - optimum).abs() < 1e-9 * optimum);
    assert!(first["test_mse"].as_f64().unwrap() > 0.8 * optimum);
    assert!(rejected(r#"{"kind":"lora-train","weight_decay":0.3}"#).contains("weight_decay: 0.3 is not one of"));
    assert!(rejected(r#"{"kind":"lora-train","rank":40}"#).contains("rank: 40 is outside the allowed range 0..=16"));
}

#[test]
fn icl_kinds_answer_and_reject_bad_priors() {
    let prior = r#""prior":{"weights":[0.3,0.7],"mu":[[1],[-1]],"w":[[-1],[1]],"sigma_x":1,"sigma_y":0.5,"sigma_mu":0.5,"sigma_w":0.5}"#;
    let by_context = solve(&format!(
        r#"{{"kind":"icl-posterior",{prior},"context":{{"x":[[0.8],[1.5],[0.3]],"y":[0.9,1.4,0.2]}},"query":[1.2]}}"#
    ));
    assert!((by_context["prediction"].as_f64().unwrap() - 1.1364441).abs() < 5e-8);
    assert!((by_context["posterior_weights"][0].as_f64().unwrap() - 0.0553968).abs() < 5e-8);
    // The same context given by its sufficient statistics: Σx = 2.6, Σx² = 2.98, Σxy = 2.88.
    let by_stats = solve(&format!(
        r#"{{"kind":"icl-posterior",{prior},"stats":{{"k":3,"sum_x":[2.6],"sum_xxt":[[2.98]],"sum_xy":[2.88]}},"query":[1.2]}}"#
    ));
    assert!((by_stats["prediction"].as_f64().unwrap() - 1.1364441).abs() < 5e-8);
    let risk = solve(&format!(
        r#"{{"kind":"icl-risk",{prior},"task":{{"mu":[1],"w":[1]}},"k":[0,4,64],"trials":500,"seed":2}}"#
    ));
    assert_eq!(risk["k"], serde_json::json!([0, 4, 64]));
    let r: Vec<f64> = serde_json::from_value(risk["risk"].clone()).unwrap();
    assert!(r[2] < r[0], "learning lowers the risk: {r:?}");
    let cases = [
        (
            r#"{"kind":"icl-posterior","prior":{"weights":[0.3,0.6],"mu":[[1],[-1]],"w":[[-1],[1]],"sigma_x":1,"sigma_y":1,"sigma_mu":1,"sigma_w":1},"context":{"x":[],"y":[]},"query":[1]}"#,
            "prior.weights: the weights sum to 0.9",
        ),
        (
            r#"{"kind":"icl-posterior","prior":{"weights":[1.5,-0.5],"mu":[[1],[-1]],"w":[[-1],[1]],"sigma_x":1,"sigma_y":1,"sigma_mu":1,"sigma_w":1},"context":{"x":[],"y":[]},"query":[1]}"#,
            "prior.weights[1]: -0.5 is not a non-negative number",
        ),
        (
            r#"{"kind":"icl-posterior","prior":{"weights":[1],"mu":[[1]],"w":[[-1]],"sigma_x":0,"sigma_y":1,"sigma_mu":1,"sigma_w":1},"context":{"x":[],"y":[]},"query":[1]}"#,
            "prior.sigma_x: 0 is not a positive number",
        ),
        (
            r#"{"kind":"icl-posterior","prior":{"weights":[1],"mu":[[1,2]],"w":[[-1]],"sigma_x":1,"sigma_y":1,"sigma_mu":1,"sigma_w":1},"context":{"x":[],"y":[]},"query":[1,2]}"#,
            "prior.w[0]: size 1 does not match 2",
        ),
        (
            r#"{"kind":"icl-risk","prior":{"weights":[1],"mu":[[1]],"w":[[-1]],"sigma_x":1,"sigma_y":1,"sigma_mu":1,"sigma_w":1},"task":{"mu":[1],"w":[1]},"k":[-1],"trials":10,"seed":0}"#,
            "k[0]: -1 is outside",
        ),
        (
            r#"{"kind":"icl-posterior","prior":{"weights":[1],"mu":[[1]],"w":[[-1]],"sigma_x":1,"sigma_y":1,"sigma_mu":1,"sigma_w":1},"context":{"x":[[1]],"y":[1,2]},"query":[1]}"#,
            "context.y: size 2 does not match 1",
        ),
    ];
    for (input, expected) in cases {
        let message = rejected(input);
        assert!(message.contains(expected), "{input}\n  gave: {message}  expected: {expected}");
    }
}

/// Defect 8: an empty context (k = 0, the prior predictive) in d = 3 used to abort with a shape
/// panic. At k = 0 only the query is seen (`icl.md` §2.3): π̃_β ∝ π_β N(x_q; μ_β, (σ_x² + σ_μ²)I),
/// w̃_β = w_β, μ̃_β = (μ_β + δ_μ x_q)/(1 + δ_μ) and F* = Σ_β π̃_β ⟨x_q, w_β⟩, computed here by hand.
#[test]
fn icl_posterior_answers_an_empty_context_with_the_prior_predictive() {
    let out = run(
        &["solve"],
        r#"{"kind":"icl-posterior","prior":{"weights":[0.25,0.75],"mu":[[1,0,0],[0,1,0]],"w":[[0,0,1],[1,-2,0]],"sigma_x":1,"sigma_y":2,"sigma_mu":0.5,"sigma_w":0.3},"context":{"x":[],"y":[]},"query":[0.3,-0.5,0.1]}"#,
    );
    assert!(out.status.success(), "exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    let query = [0.3, -0.5, 0.1];
    let (pi, mu, w) = ([0.25, 0.75], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[0.0, 0.0, 1.0], [1.0, -2.0, 0.0]]);
    let (var, delta_mu) = (1.0 + 0.25, 0.25);
    let dist2 = |a: &[f64; 3]| (0..3).map(|i| (query[i] - a[i]).powi(2)).sum::<f64>();
    let raw: Vec<f64> = (0..2).map(|b| pi[b] * (-dist2(&mu[b]) / (2.0 * var)).exp()).collect();
    let weights: Vec<f64> = raw.iter().map(|r| r / (raw[0] + raw[1])).collect();
    let dot = |a: &[f64; 3]| (0..3).map(|i| query[i] * a[i]).sum::<f64>();
    let prediction = weights[0] * dot(&w[0]) + weights[1] * dot(&w[1]);
    let number = |v: &Value| v.as_f64().unwrap();
    assert!((number(&answer["prediction"]) - prediction).abs() < 1e-14, "{answer}");
    for b in 0..2 {
        assert!((number(&answer["posterior_weights"][b]) - weights[b]).abs() < 1e-14, "{answer}");
        for i in 0..3 {
            assert!((number(&answer["w_tilde"][b][i]) - w[b][i]).abs() < 1e-14, "{answer}");
            let mu_tilde = (mu[b][i] + delta_mu * query[i]) / (1.0 + delta_mu);
            assert!((number(&answer["mu_tilde"][b][i]) - mu_tilde).abs() < 1e-14, "{answer}");
        }
    }
}

/// The page's lab for `link` after all its work, as the page shows it: its headline numbers by id
/// and its figures' plotted values as (figure, series, legend, x, y).
type Plotted = Vec<(&'static str, String, String, f64, f64)>;
fn page_numbers(link: &str) -> (Vec<(&'static str, Option<f64>)>, Plotted) {
    let mut lab = adaptlab::pages::Lab::new();
    assert!(lab.load(link).is_empty(), "{link} needs no repair");
    let report = lab.compute_all().unwrap();
    let numbers = report.numbers.iter().map(|n| (n.id, n.value)).collect();
    let points =
        lab.figures().points().into_iter().filter_map(|p| Some((p.figure, p.series, p.legend, p.x, p.y?))).collect();
    (numbers, points)
}

fn problem_for(link: &str) -> Value {
    let out = run(&["problem", link], "");
    assert!(out.status.success(), "{link}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn numbers_of(value: &Value) -> Vec<f64> {
    value.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
}

/// The one-prompt lesson's `adaptlab problem` is the question the page answers: solved, it gives
/// the page's prediction and posterior weights to the last bit (same code, same floats: the JSON
/// round-trips every f64). In the misleading scenario the task's function is skill 2's, so the
/// problem's labels and the page's truth are ⟨x, w₂⟩ of the problem's own prior (independent of
/// the lesson's code).
#[test]
fn icl_prompt_problem_solves_to_the_page_numbers() {
    for link in [
        "#v=1&view=icl-prompt",
        "#v=1&view=icl-prompt&k=5",
        "#v=1&view=icl-prompt&k=37&seed=2",
        "#v=1&view=icl-prompt&scenario=near&k=9&centres=0.5,1,-1,0.2,0.7,-1.3&pi=20,30,50&sy=1.5&sw=0.4&smu=0.2",
        "#v=1&view=icl-prompt&scenario=regular4&k=12&seed=7",
        "#v=1&view=icl-prompt&scenario=fig6&k=100&seed=1",
    ] {
        let problem = problem_for(link);
        let answer = solve(&problem.to_string());
        let (numbers, points) = page_numbers(link);
        let number = |id: &str| numbers.iter().find(|n| n.0 == id).unwrap().1.unwrap();
        let xs = problem["context"]["x"].as_array().unwrap();
        assert_eq!(xs.len() as f64, number("prompt-k-shown"), "{link}: the context is the examples shown");
        assert_eq!(answer["prediction"].as_f64().unwrap(), number("prompt-prediction"), "{link}");
        let page_weights: Vec<f64> =
            points.iter().filter(|p| p.0 == "weights" && p.1 == "posterior_weight").map(|p| p.4).collect();
        assert_eq!(numbers_of(&answer["posterior_weights"]), page_weights, "{link}");
        if !link.contains("scenario=") {
            let w2 = numbers_of(&problem["prior"]["w"][1]);
            let dot = |x: &Value| numbers_of(x).iter().zip(&w2).map(|(a, b)| a * b).sum::<f64>();
            for (x, y) in xs.iter().zip(numbers_of(&problem["context"]["y"])) {
                assert!((dot(x) - y).abs() < 1e-15, "{link}: label {y} is not ⟨x, w₂⟩ = {}", dot(x));
            }
            assert!((dot(&problem["query"]) - number("prompt-truth")).abs() < 1e-15, "{link}");
        }
    }
}

/// The risk lesson's `adaptlab problem` (prior, task, label model with the random labels' noise,
/// k grid, trials, seed) solved gives the page's Monte Carlo curve to the last bit: the risk, its
/// ±2 SE lines and each skill's mean weight at every k, and the headline numbers.
#[test]
fn icl_risk_problem_solves_to_the_page_curve() {
    for (link, noise) in [
        ("#v=1&view=icl-risk&kmax=6&trials=300", 0.0),
        ("#v=1&view=icl-risk&prior=biased&labels=random&ls=1.5&kmax=8&trials=250&seed=3", 1.5),
        ("#v=1&view=icl-risk&prior=regular4&delta=1/9&r=5/3&labels=other&kmax=5&trials=120&seed=11", 0.0),
        ("#v=1&view=icl-risk&prior=fig6&d=3&labels=constant&kmax=4&trials=100", 0.0),
        ("#v=1&view=icl-risk&prior=custom&cp=pi:0.3,0.7;mu:1/-1;w:-1/1;sx:1;sy:0.5;smu:0.5;sw:0.5;tmu:0.5;tw:1&kmax=5&trials=200&seed=9", 0.0),
    ] {
        let problem = problem_for(link);
        let kmax: u32 = link.split("kmax=").nth(1).unwrap().split('&').next().unwrap().parse().unwrap();
        let grid: Vec<f64> = std::iter::once(0.0).chain((0..=kmax).map(|p| f64::from(1u32 << p))).collect();
        assert_eq!(numbers_of(&problem["k"]), grid, "{link}: k = 0, 1, 2, 4, …, 2^kmax");
        assert_eq!(problem["labels"]["noise"].as_f64().unwrap(), noise, "{link}");
        let answer = solve(&problem.to_string());
        let (numbers, points) = page_numbers(link);
        let page = |series: &str| -> Vec<(f64, f64)> {
            points.iter().filter(|p| p.0 == "risk" && p.1 == series).map(|p| (p.3, p.4)).collect()
        };
        let (risk, se) = (numbers_of(&answer["risk"]), numbers_of(&answer["se"]));
        let expected: Vec<(f64, f64)> = grid.iter().copied().zip(risk.iter().copied()).collect();
        assert_eq!(page("risk"), expected, "{link}");
        let plus: Vec<(f64, f64)> = grid.iter().zip(risk.iter().zip(&se)).map(|(k, (r, s))| (*k, r + 2.0 * s)).collect();
        assert_eq!(page("risk_plus_2se"), plus, "{link}");
        let skills = problem["prior"]["weights"].as_array().unwrap().len();
        for b in 0..skills {
            let legend = format!("skill {}", b + 1);
            let page_weights: Vec<f64> = points
                .iter()
                .filter(|p| p.0 == "weights" && (p.2 == legend || p.2.starts_with(&format!("{legend} "))))
                .map(|p| p.4)
                .collect();
            let solved: Vec<f64> = (0..grid.len()).map(|i| answer["mean_posterior_weights"][i][b].as_f64().unwrap()).collect();
            assert_eq!(page_weights, solved, "{link}: skill {}", b + 1);
        }
        let number = |id: &str| numbers.iter().find(|n| n.0 == id).unwrap().1.unwrap();
        assert_eq!(number("icl-risk0"), risk[0], "{link}");
        assert_eq!(number("icl-last"), *risk.last().unwrap(), "{link}");
        assert_eq!(number("icl-trials-done"), problem["trials"].as_f64().unwrap(), "{link}");
    }
}
