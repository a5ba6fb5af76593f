//! Claims: every sentence a lesson shows is checked against its numbers over a sweep of states
//! (defaults, every link in the page, the corners of every control, seeded random states).
//!
//! Each rule re-derives a verdict from the numbers the page shows (the report's headline numbers
//! and the figures' plotted data) or from an independent computation in this file, never from
//! the code that wrote the sentence, and compares it with what the sentence says. A test fails
//! with the link of every state whose sentence its numbers contradict.

#![allow(clippy::expect_used)] // a test fails loudly where the lab cannot compute

mod controls;
mod icl;
mod look_for;
mod lora;
mod rules;
mod states;

use std::collections::BTreeMap;

use adaptlab::pages::{Lab, Report};

/// What a lesson's rules see: the lab after all its work, and the report it shows then.
pub struct Shown<'a> {
    pub lab: &'a Lab,
    pub report: &'a Report,
    /// The figures' plotted data: (figure, series) → points (x, y).
    pub data: BTreeMap<(String, String), Vec<(f64, f64)>>,
}

impl Shown<'_> {
    /// A headline number by id (`None` when the page leaves it out).
    pub fn number(&self, id: &str) -> Option<f64> {
        self.report.numbers.iter().find(|n| n.id == id).and_then(|n| n.value)
    }

    /// The points of one plotted series.
    pub fn series(&self, figure: &str, series: &str) -> Option<&Vec<(f64, f64)>> {
        self.data.get(&(figure.to_owned(), series.to_owned()))
    }

    /// Every text the page shows for this state.
    pub fn texts(&self) -> Vec<&str> {
        std::iter::once(self.report.check.as_str())
            .chain(self.report.summaries.iter().map(|(_, t)| t.as_str()))
            .collect()
    }
}

/// The plotted data of the lab's current figures, by (figure, series id); series that share an
/// id (several curves called "risk") are told apart by their legend names, as "risk#2", ….
fn plotted(lab: &Lab) -> BTreeMap<(String, String), Vec<(f64, f64)>> {
    let mut data: BTreeMap<(String, String), Vec<(f64, f64)>> = BTreeMap::new();
    let mut names: BTreeMap<(String, String, String), String> = BTreeMap::new();
    for p in lab.figures().points() {
        let Some(y) = p.y else { continue };
        let figure = p.figure.to_owned();
        let taken = names.values().filter(|n| n.split('#').next() == Some(&p.series)).count();
        let name = names
            .entry((figure.clone(), p.series.clone(), p.legend.clone()))
            .or_insert_with(|| if taken == 0 { p.series.clone() } else { format!("{}#{}", p.series, taken + 1) })
            .clone();
        data.entry((figure, name)).or_default().push((p.x, y));
    }
    data
}

/// The rules of one lesson: each returns the names of the claims it checked in this state, or
/// the first contradiction it found.
pub type Rule = fn(&Shown) -> Result<Vec<&'static str>, String>;

/// Runs the generic rules and `rule` over `states`, both on the first report the page shows and
/// after all background work; returns how often each claim was checked.
pub fn check_states(view: &str, states: &[String], rule: Rule) -> BTreeMap<&'static str, usize> {
    check_states_within(view, states, rule, None)
}

/// All background work, or at most `budget` units of it (for presets whose whole sweep takes
/// minutes: their texts are checked in the partial state the page shows on the way).
fn finish(lab: &mut Lab, budget: Option<usize>) -> Result<Report, String> {
    let Some(budget) = budget else { return lab.compute_all() };
    lab.advance(budget);
    lab.compute()
}

/// `check_states`, stopping the background work after `budget` units when given.
pub fn check_states_within(
    view: &str,
    states: &[String],
    rule: Rule,
    budget: Option<usize>,
) -> BTreeMap<&'static str, usize> {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for state in states {
        let mut lab = Lab::new();
        lab.load(state);
        let first = match lab.compute() {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("#{state}: compute failed: {e}"));
                continue;
            }
        };
        let data = plotted(&lab);
        let shown = Shown { lab: &lab, report: &first, data };
        if let Err(e) = rules::generic(&shown) {
            failures.push(format!("#{state} (first report): {e}"));
        }
        let report = match finish(&mut lab, budget) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("#{state}: compute_all failed: {e}"));
                continue;
            }
        };
        let data = plotted(&lab);
        let shown = Shown { lab: &lab, report: &report, data };
        match rules::generic(&shown).and_then(|mut names| {
            names.extend(rule(&shown)?);
            Ok(names)
        }) {
            Ok(names) => {
                for name in names {
                    *counts.entry(name).or_default() += 1;
                }
            }
            Err(e) => failures.push(format!("#{state}: {e}\n    check: {}", report.check)),
        }
    }
    eprintln!("claims for {view}: {} states", states.len());
    for (name, count) in &counts {
        eprintln!("  {count:>5} × {name}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} states of {view} show a sentence their numbers contradict:\n{}",
        failures.len(),
        states.len(),
        failures.iter().take(12).cloned().collect::<Vec<_>>().join("\n")
    );
    counts
}

/// Asserts that each of `claims` was checked in at least one state (the sweep reaches them).
pub fn assert_reached(counts: &BTreeMap<&'static str, usize>, claims: &[&str]) {
    for claim in claims {
        assert!(counts.get(claim).copied().unwrap_or(0) > 0, "no state of the sweep reached the claim '{claim}'");
    }
}
