//! Claims of the LoRA lessons, each checked against numbers recomputed here from the lesson's
//! problem (the matrices and inputs `adaptlab problem` prints) with nalgebra directly.

use adaptlab::pages::Status;
use nalgebra::DMatrix;
use serde_json::Value;

use crate::rules::{number_after, same_shown};
use crate::states::sweep;
use crate::{assert_reached, check_states, Shown};

fn matrix(value: &Value) -> DMatrix<f64> {
    let rows: Vec<Vec<f64>> = value
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| r.as_array().map(|r| r.iter().filter_map(Value::as_f64).collect()).unwrap_or_default())
                .collect()
        })
        .unwrap_or_default();
    let n = rows.len();
    let m = rows.first().map_or(0, Vec::len);
    DMatrix::from_fn(n, m, |i, j| rows[i][j])
}

fn matrices(value: &Value) -> Vec<DMatrix<f64>> {
    value.as_array().map(|list| list.iter().map(matrix).collect()).unwrap_or_default()
}

/// Singular values of `target − W_L ⋯ W_1` (layers applied first to last), descending.
fn discrepancy_singular_values(target: &DMatrix<f64>, layers: &[DMatrix<f64>]) -> Vec<f64> {
    let n = target.nrows();
    let product = layers.iter().fold(DMatrix::identity(n, n), |acc, w| w * acc);
    let mut values: Vec<f64> = (target - product).singular_values().iter().copied().collect();
    values.sort_by(|a, b| b.total_cmp(a));
    values
}

/// Numerical rank: singular values above 1e-10·σ₁ (the lab's documented convention).
fn numerical_rank(values: &[f64]) -> usize {
    let top = values.first().copied().unwrap_or(0.0);
    values.iter().filter(|&&s| s > 1e-10 * top && s > 0.0).count()
}

fn problem(shown: &Shown) -> Result<Value, String> {
    let text = shown.lab.problem_json().ok_or("the lesson has no problem")?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// Linear lesson: "can represent the target exactly" iff ΣR_l ≥ rank(E); the best possible
/// error is the Eckart–Young tail Σ_{i>ΣR} σ_i(E)² (recomputed here); ✔ only if the
/// construction's error equals it; "cannot be used" iff the verdict is failed and no
/// construction error is shown.
fn lora_linear(shown: &Shown) -> Result<Vec<&'static str>, String> {
    let mut checked = Vec::new();
    let problem = problem(shown)?;
    let target = matrix(&problem["target"]);
    let layers = matrices(&problem["frozen"]);
    let ranks: usize =
        problem["ranks"].as_array().map_or(0, |r| r.iter().filter_map(Value::as_u64).sum::<u64>() as usize);
    let sigma = discrepancy_singular_values(&target, &layers);
    let rank_e = numerical_rank(&sigma);
    let optimum: f64 = sigma.iter().skip(ranks).map(|s| s * s).sum();
    let scale = sigma.first().map_or(1.0, |s| s * s).max(f64::MIN_POSITIVE);
    let check = &shown.report.check;
    let says_exact = check.contains("can represent the target exactly");
    if says_exact != (ranks >= rank_e) {
        return Err(format!("says exact = {says_exact}, but ΣR = {ranks} and rank(E) = {rank_e} (recomputed)"));
    }
    checked.push(if says_exact {
        "linear: exact iff ΣR ≥ rank(E) (exact)"
    } else {
        "linear: exact iff ΣR ≥ rank(E) (below)"
    });
    let shown_optimum = shown.number("num-optimal").ok_or("no optimum shown")?;
    if (shown_optimum - optimum).abs() > 1e-9 * scale {
        return Err(format!("the best possible error shown is {shown_optimum}, the Eckart–Young tail is {optimum}"));
    }
    checked.push("linear: best possible error = Σ_{i>ΣR} σ_i(E)² (recomputed)");
    let construction = shown.number("num-construction");
    if check.contains('✔') {
        let c = construction.ok_or("✔ without a construction error")?;
        if (c - optimum).abs() > 1e-8 * scale {
            return Err(format!("✔ but the construction reaches {c} against the optimum {optimum}"));
        }
        checked.push("linear: ✔ only if the construction reaches the optimum");
    }
    let failed = check.contains("cannot be used");
    if failed != (shown.report.status == Status::Failed) || (failed && construction.is_some()) {
        return Err("'cannot be used' disagrees with the verdict or a construction error is still shown".into());
    }
    if failed {
        checked.push("linear: 'cannot be used' with a failed verdict and no number");
    }
    if shown.report.status == Status::Exact && !(says_exact && check.contains('✔')) {
        return Err("verdict exact without an exact, reached optimum".into());
    }
    Ok(checked)
}

#[test]
fn lora_linear_claims() {
    let states = sweep("lora-linear", 240, &[("D", 24)]);
    assert!(states.len() >= 200, "only {} states", states.len());
    let counts = check_states("lora-linear", &states, lora_linear);
    assert_reached(
        &counts,
        &[
            "linear: exact iff ΣR ≥ rank(E) (exact)",
            "linear: exact iff ΣR ≥ rank(E) (below)",
            "linear: ✔ only if the construction reaches the optimum",
        ],
    );
}

/// Transformer lesson: the threshold is ⌈D/2⌉ (recomputed from D); "equals the target" or
/// "zero up to rounding" with ✔ only if the MSE shown is below 1e-10 of the target's mean
/// squared output; "not matched" only below the threshold and with an MSE above that; a rank at
/// or above the threshold with an MSE above it is a failed verdict ("cannot be used").
fn lora_transformer(shown: &Shown) -> Result<Vec<&'static str>, String> {
    let mut checked = Vec::new();
    let params = &shown.lab.state().lora_transformer;
    let threshold = params.width.div_ceil(2);
    let check = &shown.report.check;
    if shown.number("tfn-threshold") != Some(threshold as f64) {
        return Err(format!("the threshold shown is {:?}, ⌈D/2⌉ = {threshold}", shown.number("tfn-threshold")));
    }
    checked.push("transformer: threshold = ⌈D/2⌉");
    let power = shown.number("tfn-target-power").ok_or("no target power shown")?;
    let Some(mse) = shown.number("tfn-mse") else {
        if !(check.contains("cannot be used") && shown.report.status == Status::Failed) {
            return Err("no MSE, but no failure said".into());
        }
        return Ok(checked);
    };
    let exact = mse <= 1e-10 * power;
    let says_exact = check.contains("zero up to rounding") || check.contains("equals the target");
    if says_exact != exact || (shown.report.status == Status::Exact) != exact || check.contains('✔') != exact {
        return Err(format!(
            "says exact = {says_exact} (verdict {:?}) with MSE {mse} against a target power {power}",
            shown.report.status
        ));
    }
    checked.push(if exact {
        "transformer: exact only at an MSE below 1e-10 of the target's power"
    } else {
        "transformer: not exact above it"
    });
    if check.contains("not matched") {
        if params.rank >= threshold {
            return Err("says 'not matched' at or above the threshold".into());
        }
        checked.push("transformer: 'not matched' only below the threshold with an error left");
    }
    if params.rank >= threshold && !exact && shown.report.status != Status::Failed {
        return Err(format!("at R ≥ ⌈D/2⌉ the MSE {mse} is not zero up to rounding, yet the verdict is not 'failed'"));
    }
    if let Some(quoted) = number_after(check, "fresh sequences is") {
        if !same_shown(quoted, mse) {
            return Err(format!("the text says {quoted}, the number is {mse}"));
        }
    }
    // The figure's curve: the summary's "zero up to rounding from R = r on" must hold on it.
    if let (Some(from), Some(curve)) =
        (number_after(&shown.report.summaries[0].1, "rounding from R = "), shown.series("error", "mse"))
    {
        if let Some(&(x, y)) = curve.iter().find(|(x, y)| *x >= from && *y > 1e-10 * power) {
            return Err(format!("the summary says exact from R = {from}, but R = {x} plots {y}"));
        }
        if let Some(&(x, _)) = curve.iter().find(|(x, _)| *x == from - 1.0).filter(|(_, y)| *y <= 1e-10 * power) {
            return Err(format!("the summary says exact from R = {from}, but R = {x} is exact already"));
        }
        checked.push("transformer: summary's 'exact from R' holds on the plotted curve");
    }
    Ok(checked)
}

#[test]
fn lora_transformer_claims() {
    // Pretrained frozen transformers cost up to 1,000 Adam steps each; the width is capped so
    // that 200 random states stay within CI's time (the largest width is a corner state).
    let states = sweep("lora-transformer", 200, &[("D", 8), ("N", 8), ("L", 2)]);
    assert!(states.len() >= 200, "only {} states", states.len());
    let counts = check_states("lora-transformer", &states, lora_transformer);
    assert_reached(
        &counts,
        &[
            "transformer: exact only at an MSE below 1e-10 of the target's power",
            "transformer: not exact above it",
            "transformer: 'not matched' only below the threshold with an error left",
            "transformer: summary's 'exact from R' holds on the plotted curve",
        ],
    );
}

/// The paper presets: the progress sentence matches the progress numbers; each panel summary's
/// "falls/goes from A at x to B at x′" is the first and last plotted point of a series, and
/// "falls" only when B < A; the ranks plotted lie in the range the description names.
fn lora_paper(shown: &Shown) -> Result<Vec<&'static str>, String> {
    let mut checked = Vec::new();
    let check = &shown.report.check;
    let done = shown.number("paper-done").ok_or("no progress")?;
    let total = shown.number("paper-total").ok_or("no total")?;
    if let Some(said) = number_after(check, "Computing: ") {
        if said != done || number_after(check, " of ") != Some(total) || done >= total {
            return Err(format!(
                "says computing {said} of {:?}, the numbers are {done} of {total}",
                number_after(check, " of ")
            ));
        }
        checked.push("paper: progress sentence = progress numbers");
    }
    if check.starts_with("Done") && done < total {
        return Err(format!("says done at {done} of {total}"));
    }
    if check.contains("Computed in advance by this lab") {
        if done < total || !check.starts_with("Done") {
            return Err(format!("says its results were computed in advance at {done} of {total}"));
        }
        checked.push("paper: results computed in advance only when complete");
    }
    if check.starts_with("Loading the finished results") {
        if done > 0.0 || shown.report.capabilities.shipped.is_none() {
            return Err(format!(
                "says it loads finished results at {done} of {total}, asking the page for {:?}",
                shown.report.capabilities.shipped
            ));
        }
        checked.push("paper: loading finished results only before any run, with the file asked for");
    }
    for (panel, figure) in [("panel-1", "panel-1"), ("panel-2", "panel-2")] {
        let Some((_, text)) = shown.report.summaries.iter().find(|(k, _)| *k == panel) else { continue };
        for part in text.split("; ") {
            let (Some(first), Some(last)) = (number_after(part, " from "), number_after(part, " to ")) else {
                continue;
            };
            let (Some(x0), Some(x1)) =
                (number_after(part, " at "), number_after(part.split(" to ").nth(1).unwrap_or(""), " at "))
            else {
                continue;
            };
            let matches = shown.data.iter().filter(|((f, _), _)| f == figure).any(|(_, points)| {
                let (Some(a), Some(b)) = (points.first(), points.last()) else { return false };
                same_shown(a.0, x0) && same_shown(a.1, first) && same_shown(b.0, x1) && same_shown(b.1, last)
            });
            if !matches {
                return Err(format!("{panel}: '{part}' is not the ends of a plotted series"));
            }
            if part.contains(" falls from ") != (last < first) {
                return Err(format!("{panel}: '{part}' — the verb does not match the numbers"));
            }
            checked.push("paper: panel summary = ends of a plotted series, verb matches");
        }
    }
    let description = &shown.report.summaries.iter().find(|(k, _)| *k == "description").ok_or("no description")?.1;
    if let (Some(lo), Some(hi)) = (number_after(description, "R = "), number_after(description, "…")) {
        let by_rank = shown.lab.figures().csv().lines().count() > 1 && !description.contains("parameters)");
        if by_rank {
            for ((figure, series), points) in &shown.data {
                if series.starts_with("series") {
                    if let Some(&(x, _)) = points.iter().find(|(x, _)| *x < lo || *x > hi) {
                        return Err(format!("{figure}/{series} plots R = {x} outside R = {lo}…{hi}"));
                    }
                }
            }
            checked.push("paper: plotted ranks within the described range");
        }
    }
    Ok(checked)
}

#[test]
fn lora_paper_claims() {
    let states: Vec<String> = crate::states::sweep("lora-paper", 0, &[]);
    assert_eq!(states.len(), 6, "the five presets, and Figure 1 recomputed live: {states:?}");
    // Each preset at three points of its sweep: before any work, after its constructions (or a
    // part of them), and after the first runs of gradient descent.
    let mut counts = std::collections::BTreeMap::new();
    for budget in [0, 200, 1_500] {
        for (name, count) in crate::check_states_within("lora-paper", &states, lora_paper, Some(budget)) {
            *counts.entry(name).or_insert(0) += count;
        }
    }
    assert_reached(
        &counts,
        &[
            "paper: progress sentence = progress numbers",
            "paper: panel summary = ends of a plotted series, verb matches",
            "paper: loading finished results only before any run, with the file asked for",
        ],
    );
}

/// The presets that open complete from the finished results that ship with the lab, as the page
/// shows them once it has loaded them.
#[test]
fn lora_paper_shipped_claims() {
    let states: Vec<String> = adaptlab::lessons::paper_figures::Preset::ALL
        .into_iter()
        .filter(|p| p.shipped_file().is_some())
        .map(|p| format!("v=1&view=lora-paper&fig={}", p.key()))
        .collect();
    assert_eq!(states.len(), 4);
    let counts = crate::check_states_within("lora-paper", &states, lora_paper, None);
    assert_reached(
        &counts,
        &[
            "paper: results computed in advance only when complete",
            "paper: panel summary = ends of a plotted series, verb matches",
        ],
    );
}

fn vector(value: &Value) -> Vec<f64> {
    value.as_array().map(|v| v.iter().filter_map(Value::as_f64).collect()).unwrap_or_default()
}

/// The target's mean square output before any final ReLU on the calibration inputs, computed
/// here from the problem's weights (ReLU between layers only).
fn target_mean_square(problem: &Value) -> f64 {
    let weights = matrices(&problem["target"]["weights"]);
    let biases: Vec<Vec<f64>> =
        problem["target"]["biases"].as_array().map(|b| b.iter().map(vector).collect()).unwrap_or_default();
    let inputs: Vec<Vec<f64>> =
        problem["calibration_inputs"].as_array().map(|x| x.iter().map(vector).collect()).unwrap_or_default();
    let mut total = 0.0;
    let mut count = 0usize;
    for x in &inputs {
        let mut h = nalgebra::DVector::from_column_slice(x);
        for (l, (w, b)) in weights.iter().zip(&biases).enumerate() {
            h = w * h + nalgebra::DVector::from_column_slice(b);
            if l + 1 < weights.len() {
                h.iter_mut().for_each(|v| *v = v.max(0.0));
            }
        }
        total += h.norm_squared();
        count += h.len();
    }
    total / count.max(1) as f64
}

/// ReLU lesson: the threshold ⌈max_i rank(E_i)/M⌉ recomputed from the problem's layers; "exact"
/// (✔, verdict exact) only when the calibration MSE is within 10⁻¹² of the target's mean square
/// output (recomputed here); ✘ and "cannot be used" with a failed verdict; "within the L̄ = 1
/// bound" only when √MSE ≤ √bound + 10⁻⁶·RMS; the summary's end points are the plotted ones and
/// no point is drawn at a rank the summary calls unusable.
fn lora_fnn(shown: &Shown) -> Result<Vec<&'static str>, String> {
    let mut checked = Vec::new();
    let problem = problem(shown)?;
    let check = &shown.report.check;
    let target = matrices(&problem["target"]["weights"]);
    let frozen = matrices(&problem["frozen"]["weights"]);
    let (target_depth, depth) = (target.len(), frozen.len());
    let per_group = depth / target_depth;
    let max_rank = (0..target_depth)
        .map(|i| {
            let end = if i + 1 == target_depth { depth } else { (i + 1) * per_group };
            numerical_rank(&discrepancy_singular_values(&target[i], &frozen[i * per_group..end]))
        })
        .max()
        .unwrap_or(0);
    let threshold = max_rank.div_ceil(per_group);
    if shown.number("fnn-threshold") != Some(threshold as f64) {
        return Err(format!("threshold shown {:?}, recomputed {threshold}", shown.number("fnn-threshold")));
    }
    checked.push("relu: threshold = ⌈max rank(E_i)/M⌉ (recomputed)");
    let mean_square = target_mean_square(&problem);
    let tolerance = 1e-12 * mean_square;
    let shown_tolerance = shown.number("fnn-exact-tolerance").ok_or("no tolerance shown")?;
    if (shown_tolerance - tolerance).abs() > 1e-9 * tolerance {
        return Err(format!("exactness tolerance shown {shown_tolerance}, recomputed {tolerance}"));
    }
    let status = shown.report.status;
    let calibration = shown.number("fnn-mse-calibration");
    let Some(cal) = calibration else {
        if !(check.contains("cannot be used") && status == Status::Failed) {
            return Err("no error shown, but no failure said".into());
        }
        checked.push("relu: 'cannot be used' with a failed verdict and no number");
        return Ok(checked);
    };
    let exact = cal <= tolerance;
    if check.contains('✔') != exact || (status == Status::Exact) != exact {
        return Err(format!(
            "✔/exact = {} but the calibration MSE {cal} against the tolerance {tolerance}",
            check.contains('✔')
        ));
    }
    checked.push(if exact {
        "relu: exact only within 1e-12 of the target's mean square"
    } else {
        "relu: not exact above it"
    });
    let rank = shown.lab.state().lora_fnn.rank;
    if !exact && rank >= threshold && !(check.contains('✘') && status == Status::Failed) {
        return Err("inexact at or above the threshold without ✘ and a failed verdict".into());
    }
    if let (Some(test), Some(bound)) = (shown.number("fnn-mse-test"), shown.number("fnn-bound-test")) {
        let within = test.sqrt() <= bound.max(0.0).sqrt() + 1e-6 * mean_square.sqrt();
        if check.contains("within the L̄ = 1 bound") && !within || check.contains("above the L̄ = 1 bound") && within
        {
            return Err(format!("the bound clause contradicts MSE {test} against the bound {bound} on these inputs"));
        }
        if check.contains("the L̄ = 1 bound") {
            checked.push("relu: 'within/above the bound' matches the numbers");
        }
    }
    let summary = &shown.report.summaries.iter().find(|(k, _)| *k == "error").ok_or("no summary")?.1;
    let curve = shown.series("error", "mse_test");
    if let Some(curve) = curve {
        if let Some(list) = summary.split("cannot be used at R = ").nth(1) {
            for r in list.split(" (").next().unwrap_or("").split(", ").filter_map(|r| r.trim().parse::<f64>().ok()) {
                if curve.iter().any(|p| p.0 == r) {
                    return Err(format!("R = {r} is called unusable but plotted"));
                }
            }
            checked.push("relu: no point drawn where the construction cannot be used");
        }
        if let (Some(a), Some(z)) = (number_after(summary, " from "), number_after(summary, " to ")) {
            let at = |r: f64| curve.iter().find(|p| p.0 == r).map(|p| p.1);
            let falls = summary.contains("falls from");
            if at(0.0).is_some_and(|v| !same_shown(a, v))
                || at(threshold as f64).is_some_and(|v| !same_shown(z, v))
                || falls != (z < a)
            {
                return Err(format!("the summary's 'from {a} … to {z}' is not the plotted curve"));
            }
            checked.push("relu: summary's end points are the plotted ones");
        }
    }
    Ok(checked)
}

#[test]
fn lora_fnn_claims() {
    let states = sweep("lora-fnn", 220, &[("D", 20)]);
    assert!(states.len() >= 200, "only {} states", states.len());
    let counts = check_states("lora-fnn", &states, lora_fnn);
    assert_reached(
        &counts,
        &[
            "relu: exact only within 1e-12 of the target's mean square",
            "relu: not exact above it",
            "relu: 'cannot be used' with a failed verdict and no number",
            "relu: 'within/above the bound' matches the numbers",
            "relu: summary's end points are the plotted ones",
        ],
    );
}

/// Training lesson: the comparison with the construction states a factor-2 criterion that the
/// numbers meet (T the trained test MSE, C the construction's): "within a factor 2" only when
/// C/2 ≤ T ≤ 2C, "does better" only when 2T < C, "falls short" only when T > 2C; "diverged"
/// only when T is above the frozen model's error before training or the run stopped; no
/// comparison with an unusable construction; a diverged run is a failed verdict.
fn lora_training(shown: &Shown) -> Result<Vec<&'static str>, String> {
    let mut checked = training_outputs(shown)?;
    let check = &shown.report.check;
    let status = shown.report.status;
    if check.contains("diverged") {
        if status != Status::Failed {
            return Err("a diverged run without a failed verdict".into());
        }
        if let (Some(t), Some(start)) = (shown.number("train-test"), shown.number("train-start")) {
            if t <= start && !check.starts_with("Training diverged") {
                return Err(format!("says diverged, but the test MSE {t} is below the start {start}"));
            }
        }
        checked.push("training: 'diverged' only above the starting error or on a stopped run");
        return Ok(checked);
    }
    let (Some(t), Some(start)) = (shown.number("train-test"), shown.number("train-start")) else { return Ok(checked) };
    if t > start {
        return Err(format!("the test MSE {t} is above the start {start}, but the run is not called diverged"));
    }
    let construction = shown.number("train-construction");
    let phrases = [
        check.contains("comes within a factor 2"),
        check.contains("does better than the construction"),
        check.contains("falls short of the construction"),
    ];
    let Some(c) = construction else {
        if phrases.iter().any(|p| *p) {
            return Err("compares with a construction that cannot be used".into());
        }
        checked.push("training: no comparison with an unusable construction");
        return Ok(checked);
    };
    let truth = [t >= c / 2.0 && t <= 2.0 * c, 2.0 * t < c, t > 2.0 * c];
    if phrases != truth {
        return Err(format!("the comparison {phrases:?} contradicts T = {t}, C = {c}"));
    }
    if let Some(ratio) = number_after(check, "(ratio ").or_else(|| number_after(check, "by a factor ")) {
        let expected = if 2.0 * t < c { c / t } else { t / c };
        if !same_shown(ratio, expected) {
            return Err(format!("quotes the ratio {ratio}, T/C = {}", t / c));
        }
    }
    checked.push("training: the factor-2 comparison matches the numbers");
    if status == Status::Exact {
        return Err("a training run is never an exact verdict".into());
    }
    Ok(checked)
}

/// The outputs figure's summary: "Outputs on P probe inputs, D = d coordinates each" only when
/// each plotted series has P·d points; each mean squared difference it quotes is the mean of
/// (y − x)² over that series' plotted points, and the steps it names are the steps taken.
fn training_outputs(shown: &Shown) -> Result<Vec<&'static str>, String> {
    let Some((_, text)) = shown.report.summaries.iter().find(|(k, _)| *k == "outputs") else {
        return Err("no summary of the outputs figure".into());
    };
    let mean_square = |series: &str| {
        shown.series("outputs", series).map(|points| {
            let sum: f64 = points.iter().map(|(x, y)| (y - x) * (y - x)).sum();
            (sum / points.len() as f64, points.len())
        })
    };
    let probes = number_after(text, "Outputs on ").ok_or("the summary names no probe count")?;
    let width = number_after(text, "D = ").ok_or("the summary names no width")?;
    let mut checked = Vec::new();
    let quoted = [
        (
            "trained_outputs",
            number_after(text, "from the target's: ").filter(|_| text.contains("trained adapters after")),
        ),
        (
            "construction_outputs",
            text.split("; ").find(|part| part.contains("for the construction")).and_then(|part| number_after(part, "")),
        ),
    ];
    for (series, value) in quoted {
        match (mean_square(series), value) {
            (Some((truth, count)), Some(said)) => {
                if !same_shown(said, truth) {
                    return Err(format!("the summary quotes {said} for {series}, its plotted points give {truth}"));
                }
                if count as f64 != probes * width {
                    return Err(format!("{series} plots {count} points, the summary says {probes} × {width}"));
                }
                checked.push("training outputs: quoted mean squared differences are the plotted ones");
            }
            (None, None) => {}
            (plotted, said) => {
                return Err(format!("{series}: plotted {plotted:?} but the summary says {said:?}: {text}"))
            }
        }
    }
    if text.contains("trained adapters after") {
        let steps = number_after(text, "trained adapters after ");
        if steps != shown.number("train-steps-taken") {
            return Err(format!(
                "the summary names {steps:?} steps, the run took {:?}",
                shown.number("train-steps-taken")
            ));
        }
    } else if !shown.report.check.contains("diverged") {
        return Err(format!("the trained adapters' outputs are missing from a run that did not diverge: {text}"));
    }
    Ok(checked)
}

#[test]
fn lora_training_claims() {
    // Random states train at most 600 steps at width up to 16 (the corners reach 5,000 steps and width 32).
    let states = sweep("lora-training", 210, &[("steps", 600), ("D", 16)]);
    assert!(states.len() >= 200, "only {} states", states.len());
    let counts = check_states("lora-training", &states, lora_training);
    assert_reached(
        &counts,
        &[
            "training: 'diverged' only above the starting error or on a stopped run",
            "training: the factor-2 comparison matches the numbers",
            "training outputs: quoted mean squared differences are the plotted ones",
        ],
    );
}
