//! How a link is repaired: the cross-field rules applied after every parse or change (ranks
//! within D, L > L̄, a custom prior or matrices only when given), and the notices that say what
//! was ignored, repeated or changed, summarised past `MAX_NOTICES`.

use super::fields::field;
use super::values::{shown, value_text};
use super::State;
use crate::lessons::icl as icl_lesson;
use crate::lessons::lora_linear::ModelKind;

/// Notices past this many are summarised in one sentence (a link can carry thousands of keys).
pub const MAX_NOTICES: usize = 10;

/// The first `MAX_NOTICES` notices and, when there are more, one sentence counting the rest.
pub(super) fn summarised(mut notices: Vec<String>) -> Vec<String> {
    if notices.len() > MAX_NOTICES + 1 {
        let rest = notices.len() - MAX_NOTICES;
        notices.truncate(MAX_NOTICES);
        notices.push(format!("… and {rest} more repairs."));
    }
    notices
}

/// One notice for the ignored keys of a kind ("unknown", or "which this lesson does not use"):
/// each named when there are at most three, else the first three and a count.
pub(super) fn ignored(keys: &[&str], kind: &str, notices: &mut Vec<String>) {
    let mut distinct: Vec<&str> = Vec::new();
    for key in keys {
        if !distinct.contains(key) {
            distinct.push(key);
        }
    }
    let named = |keys: &[&str]| keys.iter().map(|k| format!("'{}'", shown(k))).collect::<Vec<_>>().join(", ");
    let sentence = match (distinct.len(), kind) {
        (0, _) => return,
        (1, "unknown") => format!("ignored the unknown setting {}.", named(&distinct)),
        (n, "unknown") if n <= 3 => format!("ignored the unknown settings {}.", named(&distinct)),
        (n, "unknown") => format!("ignored {n} unknown settings ({}, …).", named(&distinct[..3])),
        (n, _) if n <= 3 => format!("ignored {}, {kind}.", named(&distinct)),
        (n, _) => format!("ignored {n} settings {kind} ({}, …).", named(&distinct[..3])),
    };
    notices.push(sentence);
}

/// A notice for each setting of the lesson (and `view`) given more than once: the last value
/// given is the one used.
pub(super) fn repeated(pairs: &[(String, String)], state: &State, notices: &mut Vec<String>) {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for (key, _) in pairs {
        match seen.iter_mut().find(|(k, _)| k == key) {
            Some((_, count)) => *count += 1,
            None => seen.push((key, 1)),
        }
    }
    for (key, count) in seen.into_iter().filter(|&(_, count)| count > 1) {
        let used = match key {
            "view" => Some(state.view.key().to_owned()),
            _ => field(state.view, key).map(|f| value_text(&(f.read)(state))),
        };
        match used {
            Some(value) => notices.push(format!(
                "{} was given {count} times; using the last, {} = {}.",
                shown(key),
                shown(key),
                shown(&value)
            )),
            None if key == "v" || state.display.knows(key) => {
                notices.push(format!("{} was given {count} times; the last one was used.", shown(key)))
            }
            None => {}
        }
    }
}

/// Cross-field rules, applied after every parse or change.
pub(super) fn normalise(state: &mut State, notices: &mut Vec<String>) {
    let f = &mut state.lora_fnn;
    if f.rank > f.width {
        notices.push(format!("R = {} exceeds D = {}; using R = {}.", f.rank, f.width, f.width));
        f.rank = f.width;
    }
    // The target must be smaller than the frozen model: L > L̄.
    if f.depth <= f.target_depth {
        notices.push(format!("L = {} must exceed L̄ = {}; using L = {}.", f.depth, f.target_depth, f.target_depth + 1));
        f.depth = f.target_depth + 1;
    }
    let g = &mut state.lora_training;
    if g.rank > g.width {
        notices.push(format!("R = {} exceeds D = {}; using R = {}.", g.rank, g.width, g.width));
        g.rank = g.width;
    }
    // A linear model has one target layer whatever L̄ says (L ≥ 2 by the table's range).
    if g.model == crate::lessons::lora_training::ModelKind::Relu && g.depth <= g.target_depth {
        notices.push(format!("L = {} must exceed L̄ = {}; using L = {}.", g.depth, g.target_depth, g.target_depth + 1));
        g.depth = g.target_depth + 1;
    }
    let t = &mut state.lora_transformer;
    if t.rank > t.width {
        notices.push(format!("R = {} exceeds D = {}; using R = {}.", t.rank, t.width, t.width));
        t.rank = t.width;
    }
    let risk = &mut state.icl_risk;
    if risk.prior == icl_lesson::PriorChoice::Custom && risk.custom.is_empty() {
        notices
            .push("prior = custom needs a prior of your own (open one with “Open a prior…”); showing fig6.".to_owned());
        risk.prior = icl_lesson::PriorChoice::EarlyAscent;
    }
    let prompt = &mut state.icl_prompt;
    let skills = crate::lessons::icl_prompt::PLANE_SKILLS;
    if !prompt.centres.is_empty() && prompt.centres.len() != 2 * skills {
        notices.push(format!(
            "centres needs {} numbers (x and y of {skills} skills), not {}; using the default centres.",
            2 * skills,
            prompt.centres.len()
        ));
        prompt.centres.clear();
    }
    if !prompt.weights.is_empty() && prompt.weights.len() != skills {
        notices.push(format!("pi needs {skills} weights, not {}; using equal weights.", prompt.weights.len()));
        prompt.weights.clear();
    }
    // The student's own matrices fix the width and the depth.
    if let Ok(custom) = crate::lessons::matrices_text::parse(&state.lora_linear.custom) {
        let p = &mut state.lora_linear;
        p.width = custom.target.nrows();
        p.depth = custom.frozen.len();
    }
    let p = &mut state.lora_linear;
    // A rank above D adds nothing (rank(ΔW) ≤ D), and q ≤ D for a D×D perturbation.
    if p.rank > p.width {
        notices.push(format!("R = {} exceeds D = {}; using R = {}.", p.rank, p.width, p.width));
        p.rank = p.width;
    }
    if p.perturbation_rank > p.width {
        // q only matters for the low-rank target; elsewhere it is clamped quietly.
        if p.model == ModelKind::LowRank {
            notices.push(format!("q = {} exceeds D = {}; using q = {}.", p.perturbation_rank, p.width, p.width));
        }
        p.perturbation_rank = p.width;
    }
    if let Some(ranks) = &mut p.layer_ranks {
        if ranks.len() != p.depth {
            let fix =
                if ranks.len() < p.depth { format!("padded with R = {}", p.rank) } else { "shortened".to_owned() };
            notices.push(format!(
                "{} per-layer ranks were given for L = {} layers; the list was {fix}.",
                ranks.len(),
                p.depth
            ));
            ranks.resize(p.depth, p.rank);
        }
        for r in ranks.iter_mut().filter(|r| **r > p.width) {
            notices.push(format!("a per-layer rank of {r} exceeds D = {}; using {}.", p.width, p.width));
            *r = p.width;
        }
    }
}
