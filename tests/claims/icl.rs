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
