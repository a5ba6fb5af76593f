//! Claims of the in-context-learning lessons, checked against the plotted weights and risks.

use crate::rules::{number_after, same_shown};
use crate::states::sweep;
use crate::{assert_reached, check_states, Shown};

/// One-prompt lesson: the skill the text names is the one with the largest plotted posterior
/// weight, at the weight it quotes; "Retrieving" only when that weight exceeds 0.8 and
/// "Undecided" only when none does; the error quoted is |prediction − truth|.
fn icl_prompt(shown: &Shown) -> Result<Vec<&'static str>, String> {
    let mut checked = Vec::new();
    let check = &shown.report.check;
    let weights = shown.series("weights", "posterior_weight").ok_or("no posterior weights plotted")?;
    let (leader, top) = weights.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1)).ok_or("no weights")?;
    let sum: f64 = weights.iter().map(|p| p.1).sum();
    if (sum - 1.0).abs() > 1e-9 {
        return Err(format!("the plotted posterior weights sum to {sum}"));
    }
    for marker in ["points to skill ", "Retrieving skill ", "on skill "] {
        if let Some(named) = number_after(check, marker) {
            if named != leader {
                return Err(format!("names skill {named}, but skill {leader} has the largest weight {top}"));
            }
            checked.push("prompt: the skill named leads the plotted weights");
        }
    }
    if let Some(quoted) = number_after(check, "π̃ = ").or_else(|| number_after(check, "largest weight ")) {
        if !same_shown(quoted, top) {
            return Err(format!("quotes π̃ = {quoted}, the plotted weight is {top}"));
        }
        checked.push("prompt: the weight quoted is the plotted one");
    }
    if check.starts_with("Retrieving") && top <= 0.8 {
        return Err(format!("says retrieving with a largest weight of {top}"));
    }
    if check.starts_with("Undecided") {
        if top > 0.8 {
            return Err(format!("says undecided with a weight of {top}"));
        }
        checked.push("prompt: 'Undecided' only when no weight exceeds 0.8");
    }
    if check.starts_with("Retrieving") {
        checked.push("prompt: 'Retrieving' only above 0.8");
    }
    let prediction = shown.number("prompt-prediction").ok_or("no prediction")?;
    let truth = shown.number("prompt-truth").ok_or("no truth")?;
    let error = number_after(check, "(error ").ok_or("no error quoted")?;
    if !same_shown(error, (prediction - truth).abs()) {
        return Err(format!("quotes error {error}, |{prediction} − {truth}| = {}", (prediction - truth).abs()));
    }
    checked.push("prompt: error = |prediction − truth|");
    Ok(checked)
}

#[test]
fn icl_prompt_claims() {
    let states = sweep("icl-prompt", 240, &[]);
    assert!(states.len() >= 200, "only {} states", states.len());
    let counts = check_states("icl-prompt", &states, icl_prompt);
    assert_reached(
        &counts,
        &[
            "prompt: the skill named leads the plotted weights",
            "prompt: 'Retrieving' only above 0.8",
            "prompt: 'Undecided' only when no weight exceeds 0.8",
            "prompt: error = |prediction − truth|",
        ],
    );
}

/// The paper's in-context-learning figures: every "from A to B" in a panel summary is the first
/// and last plotted value of a series of that panel.
fn icl_paper(shown: &Shown) -> Result<Vec<&'static str>, String> {
    let mut checked = Vec::new();
    for panel in ["panel-1", "panel-2", "panel-3", "panel-4", "panel-5", "panel-6"] {
        if crate::rules::from_to_pairs_match(shown, panel, panel)? > 0 {
            checked.push("icl paper: panel summary = ends of plotted series");
        }
    }
    if shown.report.check.starts_with("Done") {
        let done = shown.number("iclfig-done");
        if done.is_none() || done != shown.number("iclfig-total") {
            return Err("says done before all trials".into());
        }
        checked.push("icl paper: 'Done' only when all trials are done");
    }
    Ok(checked)
}

#[test]
fn icl_paper_claims() {
    let states = sweep("icl-paper", 0, &[]);
    assert_eq!(states.len(), 6, "the six figures");
    let counts = check_states("icl-paper", &states, icl_paper);
    assert_reached(
        &counts,
        &["icl paper: panel summary = ends of plotted series", "icl paper: 'Done' only when all trials are done"],
    );
}

/// A plotted risk point: k, the risk, its standard error (half the height of the +2 SE line above it).
struct RiskPoint {
    k: f64,
    risk: f64,
    se: f64,
}

fn risk_points(shown: &Shown) -> Result<Vec<RiskPoint>, String> {
    let risk = shown.series("risk", "risk").ok_or("no risk curve")?;
    // The +2 SE line is drawn at every k (the −2 SE line is left out where it would not be positive).
    let upper = shown.series("risk", "risk_plus_2se").ok_or("no +2 SE line")?;
    risk.iter()
        .map(|&(k, r)| {
            let hi = upper.iter().find(|p| p.0 == k).ok_or(format!("no +2 SE at k = {k}"))?.1;
            Ok(RiskPoint { k, risk: r, se: (hi - r) / 2.0 })
        })
        .collect()
}

/// b − a > 2 combined standard errors.
fn significantly_below(a: &RiskPoint, b: &RiskPoint) -> bool {
    b.risk - a.risk > 2.0 * (a.se * a.se + b.se * b.se).sqrt()
}

/// The plotted mean weight of each skill at k (skills in legend order).
fn weights_at(shown: &Shown, k: f64) -> Vec<f64> {
    shown
        .data
        .iter()
        .filter(|((f, s), _)| f == "weights" && s.starts_with("weight"))
        .filter_map(|(_, points)| points.iter().find(|p| p.0 == k).map(|p| p.1))
        .collect()
}

fn leading(weights: &[f64]) -> Option<(f64, f64)> {
    weights.iter().enumerate().map(|(i, w)| ((i + 1) as f64, *w)).max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Risk lesson: each shape the live check names is re-derived from the plotted risk and its
/// ±2 SE band (two combined standard errors): bounded efficacy at B only if the risk at B is
/// the lowest plotted and significantly below the risks at k = 0 and at the largest k; early
/// ascent to P only if the risk at P is significantly above both; "only rises" only with no
/// significant fall between any two k; "falls monotonically" only with no significant rise; "no
/// significant change" only if no two k differ significantly. Every "r at k = K" quoted is the
/// plotted risk at K; every skill named as leading has the largest plotted mean weight there; a
/// "best k" line is drawn only with bounded efficacy.
fn icl_risk(shown: &Shown) -> Result<Vec<&'static str>, String> {
    let mut checked = Vec::new();
    let check = &shown.report.check;
    if check.starts_with("Computing") {
        return Ok(checked);
    }
    let points = risk_points(shown)?;
    let at = |k: f64| points.iter().find(|p| p.k == k).ok_or(format!("no plotted risk at k = {k}"));
    let (first, last) = (points.first().ok_or("empty curve")?, points.last().ok_or("empty curve")?);
    let pairs = || points.iter().enumerate().flat_map(|(i, a)| points[i + 1..].iter().map(move |b| (a, b)));
    let significant_rise = pairs().any(|(a, b)| significantly_below(a, b));
    let significant_fall = pairs().any(|(a, b)| significantly_below(b, a));
    // Every "r at k = K" agrees with the plot: risks in the sentences about the risk, mean
    // weights (of the skill the sentence names) in the sentences about weights.
    for sentence in check.split(". ").flat_map(|s| s.split("; ")) {
        let about_weights = sentence.contains("weight");
        for (i, marker) in sentence.match_indices(" at k = ") {
            let value: String = sentence[..i]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '-'))
                .collect();
            let value: String = value.chars().rev().collect();
            let (Ok(quoted), Some(k)) = (value.parse::<f64>(), number_after(&sentence[i + marker.len()..], "")) else {
                continue;
            };
            if sentence[..i].ends_with(&format!("skill {value}")) {
                continue; // "skill γ at k = a…b" names a skill, not a value
            }
            if about_weights {
                // The skill is the last one named before the value.
                let before = &sentence[..i];
                let Some(at) = before.rfind("kill ") else { continue };
                let Some(skill) = number_after(&before[at..], "kill ") else { continue };
                let weights = weights_at(shown, k);
                let plotted =
                    weights.get((skill as usize).wrapping_sub(1)).ok_or(format!("no skill {skill} at k = {k}"))?;
                if !same_shown(quoted, *plotted) {
                    return Err(format!(
                        "quotes a mean weight {quoted} at k = {k}, skill {skill}'s plotted weight is {plotted}"
                    ));
                }
                checked.push("risk: every quoted mean weight is the plotted one");
            } else {
                let p = at(k)?;
                if !same_shown(quoted, p.risk) {
                    return Err(format!("quotes {quoted} at k = {k}, the plotted risk is {}", p.risk));
                }
                checked.push("risk: every quoted risk is the plotted one");
            }
        }
    }
    if let Some(b) = number_after(check, "Bounded efficacy: best at k = ") {
        let best = at(b)?;
        if !(significantly_below(best, first) && significantly_below(best, last)) {
            return Err(format!("bounded efficacy at k = {b}, but {} is not 2 SE below both ends", best.risk));
        }
        if points.iter().any(|p| p.risk < best.risk) {
            return Err(format!("best at k = {b}, but another k has a lower risk"));
        }
        checked.push("risk: bounded efficacy only with a significant dip below both ends");
    }
    if let Some(part) = check.split("Early ascent: the risk rises from ").nth(1) {
        let k = number_after(part.split(" to ").nth(1).unwrap_or(""), " at k = ").ok_or("no peak k")?;
        let peak = at(k)?;
        if !(significantly_below(first, peak) && significantly_below(last, peak)) {
            return Err(format!("early ascent to k = {k}, but {} is not 2 SE above both ends", peak.risk));
        }
        checked.push("risk: early ascent only with a significant rise above both ends");
    }
    if check.starts_with("The risk only rises") {
        if significant_fall || !significant_rise {
            return Err("says the risk only rises".into());
        }
        checked.push("risk: 'only rises' only without a significant fall");
    }
    if check.starts_with("The risk falls monotonically") {
        if significant_rise || !significant_fall {
            return Err("says the risk falls monotonically".into());
        }
        checked.push("risk: 'falls monotonically' only without a significant rise");
    }
    if check.starts_with("The risk is not monotone") {
        if !(significant_rise && significant_fall) {
            return Err("says the risk is not monotone".into());
        }
        checked.push("risk: 'not monotone' only with significant rises and falls");
    }
    if check.starts_with("No significant change") {
        if significant_rise || significant_fall {
            return Err("says no significant change".into());
        }
        checked.push("risk: 'no significant change' only when no two k differ");
    }
    // Skills named as leading.
    for marker in ["the largest mean weight is skill ", "The examples retrieve skill ", "Skill "] {
        for (i, _) in check.match_indices(marker) {
            let rest = &check[i + marker.len()..];
            let Some(skill) = number_after(rest, "") else { continue };
            let k = if marker == "the largest mean weight is skill " {
                number_after(
                    &check[..i].rsplit("at k = ").next().map(|s| format!("at k = {s}")).unwrap_or_default(),
                    "at k = ",
                )
            } else {
                Some(last.k)
            };
            let Some(k) = k else { continue };
            // "at every k" (and retrieval, which says the skill leads throughout) is checked at every k.
            let every = rest.starts_with(&format!("{skill} has the largest mean weight at every k"))
                || marker == "The examples retrieve skill ";
            for k in if every { points.iter().map(|p| p.k).collect() } else { vec![k] } {
                let (leader, weight) = leading(&weights_at(shown, k)).ok_or(format!("no weights at k = {k}"))?;
                if leader != skill {
                    return Err(format!(
                        "names skill {skill} as leading at k = {k}, but skill {leader} has the largest weight {weight}"
                    ));
                }
            }
            checked.push("risk: the skill named leads the plotted mean weights");
        }
    }
    if let Some(rest) = check.split("changes with k: ").nth(1) {
        for run in rest.split("), ") {
            let (Some(skill), Some(from)) = (number_after(run, "skill "), number_after(run, " at k = ")) else {
                continue;
            };
            let to = number_after(run, "…").unwrap_or(from);
            for p in points.iter().filter(|p| p.k >= from && p.k <= to) {
                let (leader, _) = leading(&weights_at(shown, p.k)).ok_or("no weights")?;
                if leader != skill {
                    return Err(format!(
                        "says skill {skill} leads at k = {from}…{to}, but skill {leader} leads at k = {}",
                        p.k
                    ));
                }
            }
            checked.push("risk: each run of a leading skill holds on the plot");
        }
    }
    if let Some(rest) = check.split("The examples retrieve skill ").nth(1) {
        let skill = number_after(rest, "").unwrap_or(0.0) as usize;
        let (w0, wl) = (weights_at(shown, first.k), weights_at(shown, last.k));
        if skill == 0 || wl.get(skill - 1) <= w0.get(skill - 1) {
            return Err(format!("says skill {skill} is retrieved, but its mean weight does not rise"));
        }
    }
    let markers = shown.lab.figures().points();
    let best_marker = markers.iter().any(|p| p.series == "best_k");
    if best_marker && !check.contains("Bounded efficacy") {
        return Err("a 'best k' line is drawn without bounded efficacy".into());
    }
    // The early-ascent line: only with an early ascent, at its peak, with the rise it states.
    if let Some(marker) = markers.iter().find(|p| p.series == "peak_k") {
        let peak = at(marker.x)?;
        if !(significantly_below(first, peak) && significantly_below(last, peak)) {
            return Err(format!("an early-ascent line at k = {} without a significant rise", marker.x));
        }
        let stated = number_after(&marker.legend, ", ").ok_or("no rise stated")?;
        let rise = 100.0 * (peak.risk / first.risk - 1.0);
        if (stated - rise).abs() > 0.5 + 1e-9 {
            return Err(format!("the early-ascent line says {stated} %, the plotted rise is {rise:.2} %"));
        }
        checked.push("risk: the early-ascent line stands at a significant peak and states its rise");
    } else if check.contains("Early ascent") {
        return Err("an early ascent without its line on the figure".into());
    }
    Ok(checked)
}

#[test]
fn icl_risk_claims() {
    // Random states draw at most 1,000 trials and k up to 2^10; the corners reach 20,000 and 2^16.
    let states = sweep("icl-risk", 220, &[("trials", 1000), ("kmax", 10)]);
    assert!(states.len() >= 200, "only {} states", states.len());
    let counts = check_states("icl-risk", &states, icl_risk);
    // The same states part-way, while trials are still arriving ("so far").
    let partial = crate::check_states_within("icl-risk", &states[..60], icl_risk, Some(6));
    assert!(!partial.is_empty());
    assert_reached(
        &counts,
        &[
            "risk: every quoted risk is the plotted one",
            "risk: bounded efficacy only with a significant dip below both ends",
            "risk: early ascent only with a significant rise above both ends",
            "risk: the early-ascent line stands at a significant peak and states its rise",
            "risk: 'only rises' only without a significant fall",
            "risk: the skill named leads the plotted mean weights",
        ],
    );
}
