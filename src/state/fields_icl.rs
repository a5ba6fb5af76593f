//! The URL-state rows of the in-context-learning lessons: the risk lesson, one prompt step by
//! step, and the paper's figures, in the canonical order of their keys in a link.

use super::row::{as_usize, hundredths, hundredths_list, integer, Field, Spec, Value, MAX_SEED};
use super::View;
use crate::lessons::icl::{self as icl_lesson, LabelChoice, PriorChoice};
use crate::lessons::icl_figures::IclFigure;

/// The rows.
pub(super) static FIELDS: &[Field] = &[
    // In-context learning: the risk lesson.
    Field {
        key: "prior",
        label: "prior",
        view: View::IclRisk,
        spec: Spec::Choice {
            options: &["fig6", "ascent", "regular4", "biased", "custom"],
            labels: &[
                "Figure 6 early-ascent prior",
                "a prior with a large early ascent (d = 1)",
                "Regular4 tetrahedron (d = 3, M = 4)",
                "biased-labels setting: Regular4, task at skill 1, label noise 4",
                "your own prior (from a file)",
            ],
        },
        read: |s| {
            Value::Choice(match s.icl_risk.prior {
                PriorChoice::EarlyAscent => "fig6",
                PriorChoice::LargeAscent => "ascent",
                PriorChoice::Regular4 => "regular4",
                PriorChoice::Biased => "biased",
                PriorChoice::Custom => "custom",
            })
        },
        write: |s, v| {
            s.icl_risk.prior = match v {
                Value::Choice("ascent") => PriorChoice::LargeAscent,
                Value::Choice("regular4") => PriorChoice::Regular4,
                Value::Choice("biased") => PriorChoice::Biased,
                Value::Choice("custom") => PriorChoice::Custom,
                _ => PriorChoice::EarlyAscent,
            }
        },
    },
    Field {
        key: "cp",
        label: "custom prior",
        view: View::IclRisk,
        spec: Spec::Text { canonical: crate::lessons::prior_text::canonical },
        read: |s| Value::Text(s.icl_risk.custom.clone()),
        write: |s, v| {
            if let Value::Text(text) = v {
                // A prior that was just given is the one to show.
                if !text.is_empty() && text != s.icl_risk.custom {
                    s.icl_risk.prior = PriorChoice::Custom;
                }
                s.icl_risk.custom = text;
            }
        },
    },
    Field {
        key: "d",
        label: "dimension d (Figure 6 prior)",
        view: View::IclRisk,
        spec: Spec::Choice { options: &["1", "2", "3", "5", "8"], labels: &["1", "2", "3", "5", "8"] },
        read: |s| Value::Choice(["1", "2", "3", "5", "8"][s.icl_risk.dimension.min(4)]),
        write: |s, v| {
            if let Value::Choice(c) = v {
                s.icl_risk.dimension = ["1", "2", "3", "5", "8"].iter().position(|&o| o == c).unwrap_or(0);
            }
        },
    },
    Field {
        key: "delta",
        label: "δ = δ_μ = δ_w (Regular4)",
        view: View::IclRisk,
        spec: Spec::Choice { options: &icl_lesson::DELTAS, labels: &["1/81", "1/9", "1", "9", "81"] },
        read: |s| Value::Choice(icl_lesson::DELTAS[s.icl_risk.delta.min(4)]),
        write: |s, v| {
            if let Value::Choice(c) = v {
                s.icl_risk.delta = icl_lesson::DELTAS.iter().position(|&o| o == c).unwrap_or(0);
            }
        },
    },
    Field {
        key: "r",
        label: "task closeness r (Regular4)",
        view: View::IclRisk,
        spec: Spec::Choice { options: &icl_lesson::CLOSENESS, labels: &["1", "5/3", "2", "3"] },
        read: |s| Value::Choice(icl_lesson::CLOSENESS[s.icl_risk.closeness.min(3)]),
        write: |s, v| {
            if let Value::Choice(c) = v {
                s.icl_risk.closeness = icl_lesson::CLOSENESS.iter().position(|&o| o == c).unwrap_or(2);
            }
        },
    },
    Field {
        key: "labels",
        label: "in-context labels",
        view: View::IclRisk,
        // `random` is y ~ N(0, s²) independent of x (links written before `constant` existed,
        // when `random` meant y ≡ 0, open on the honest random labels); `constant` is y ≡ 0.
        spec: Spec::Choice {
            options: &["correct", "random", "other", "constant"],
            labels: &[
                "correct: y = ⟨x, w*⟩",
                "random: y ~ N(0, s²), independent of x",
                "another skill's function: y = ⟨x, wᵧ⟩",
                "constant: y = 0",
            ],
        },
        read: |s| {
            Value::Choice(match s.icl_risk.labels {
                LabelChoice::Correct => "correct",
                LabelChoice::Random => "random",
                LabelChoice::OtherSkill => "other",
                LabelChoice::Constant => "constant",
            })
        },
        write: |s, v| {
            s.icl_risk.labels = match v {
                Value::Choice("random") => LabelChoice::Random,
                Value::Choice("other") => LabelChoice::OtherSkill,
                Value::Choice("constant") => LabelChoice::Constant,
                _ => LabelChoice::Correct,
            }
        },
    },
    Field {
        key: "ls",
        label: "random labels' spread s",
        view: View::IclRisk,
        spec: Spec::Hundredths { min: icl_lesson::LABEL_SPREAD_RANGE.0, max: icl_lesson::LABEL_SPREAD_RANGE.1 },
        read: |s| Value::Hundredths(s.icl_risk.label_spread),
        write: |s, v| s.icl_risk.label_spread = hundredths(v, 100),
    },
    Field {
        key: "kmax",
        label: "largest k = 2^kmax",
        view: View::IclRisk,
        spec: Spec::Integer { min: 3, max: 16 },
        read: |s| Value::Integer(i64::from(s.icl_risk.max_power)),
        write: |s, v| s.icl_risk.max_power = u32::try_from(integer(v)).unwrap_or(16),
    },
    Field {
        key: "axis",
        label: "risk axis",
        view: View::IclRisk,
        spec: Spec::Choice {
            options: &["linear", "log"],
            labels: &["linear: shows a rise of a few per cent", "logarithmic: shows the fall over decades"],
        },
        read: |s| Value::Choice(if s.icl_risk_log_axis { "log" } else { "linear" }),
        write: |s, v| s.icl_risk_log_axis = v == Value::Choice("log"),
    },
    Field {
        key: "trials",
        label: "trials per k",
        view: View::IclRisk,
        spec: Spec::Integer { min: icl_lesson::TRIALS_RANGE.0, max: icl_lesson::TRIALS_RANGE.1 },
        read: |s| Value::Integer(s.icl_risk.trials as i64),
        write: |s, v| s.icl_risk.trials = as_usize(integer(v)),
    },
    Field {
        key: "seed",
        label: "seed",
        view: View::IclRisk,
        spec: Spec::Integer { min: 0, max: MAX_SEED },
        read: |s| Value::Integer(s.icl_risk.seed as i64),
        write: |s, v| s.icl_risk.seed = u64::try_from(integer(v)).unwrap_or(0),
    },
    // In-context learning: one prompt, step by step.
    Field {
        key: "scenario",
        label: "prior and task",
        view: View::IclPrompt,
        spec: Spec::Choice {
            options: &["misleading", "near", "regular4", "fig6"],
            labels: &[
                "2-D, three skills; inputs like skill 1, function of skill 2",
                "2-D, three skills; a task near skill 1",
                "Regular4 tetrahedron (d = 3), δ = 1/9",
                "Figure 6 early-ascent prior, d = 2",
            ],
        },
        read: |s| {
            use crate::lessons::icl_prompt::Scenario;
            Value::Choice(match s.icl_prompt.scenario {
                Scenario::PlaneMisleading => "misleading",
                Scenario::PlaneNear => "near",
                Scenario::Regular4 => "regular4",
                Scenario::EarlyAscent => "fig6",
            })
        },
        write: |s, v| {
            use crate::lessons::icl_prompt::Scenario;
            s.icl_prompt.scenario = match v {
                Value::Choice("near") => Scenario::PlaneNear,
                Value::Choice("regular4") => Scenario::Regular4,
                Value::Choice("fig6") => Scenario::EarlyAscent,
                _ => Scenario::PlaneMisleading,
            }
        },
    },
    Field {
        key: "centres",
        label: "skill centres",
        view: View::IclPrompt,
        spec: Spec::HundredthsList { min: -200, max: 200 },
        read: |s| Value::HundredthsList(s.icl_prompt.centres.clone()),
        write: |s, v| s.icl_prompt.centres = hundredths_list(v),
    },
    Field {
        key: "pi",
        label: "mixture weights (%)",
        view: View::IclPrompt,
        spec: Spec::IntegerList { min: 1, max: 100 },
        read: |s| Value::IntegerList(s.icl_prompt.weights.clone()),
        write: |s, v| s.icl_prompt.weights = if let Value::IntegerList(list) = v { list } else { Vec::new() },
    },
    Field {
        key: "sy",
        label: "label noise σ_y",
        view: View::IclPrompt,
        spec: Spec::Hundredths { min: 10, max: 1000 },
        read: |s| Value::Hundredths(s.icl_prompt.sigma_y),
        write: |s, v| s.icl_prompt.sigma_y = hundredths(v, 200),
    },
    Field {
        key: "sw",
        label: "spread of functions σ_w",
        view: View::IclPrompt,
        spec: Spec::Hundredths { min: 1, max: 300 },
        read: |s| Value::Hundredths(s.icl_prompt.sigma_w),
        write: |s, v| s.icl_prompt.sigma_w = hundredths(v, 30),
    },
    Field {
        key: "smu",
        label: "spread of input means σ_μ",
        view: View::IclPrompt,
        spec: Spec::Hundredths { min: 1, max: 300 },
        read: |s| Value::Hundredths(s.icl_prompt.sigma_mu),
        write: |s, v| s.icl_prompt.sigma_mu = hundredths(v, 10),
    },
    Field {
        key: "k",
        label: "examples k",
        view: View::IclPrompt,
        spec: Spec::Integer { min: 0, max: crate::lessons::icl_prompt::MAX_EXAMPLES as i64 },
        read: |s| Value::Integer(s.icl_prompt.k as i64),
        write: |s, v| s.icl_prompt.k = as_usize(integer(v)),
    },
    Field {
        key: "seed",
        label: "seed",
        view: View::IclPrompt,
        spec: Spec::Integer { min: 0, max: MAX_SEED },
        read: |s| Value::Integer(s.icl_prompt.seed as i64),
        write: |s, v| s.icl_prompt.seed = u64::try_from(integer(v)).unwrap_or(0),
    },
    // In-context learning: the paper's figures.
    Field {
        key: "fig",
        label: "figure",
        view: View::IclPaper,
        spec: Spec::Choice {
            options: &["4", "5", "6", "9", "10", "11"],
            labels: &[
                "Figure 4 — retrieval versus learning as δ varies",
                "Figure 5 — how close the task is to a skill",
                "Figure 6 — early ascent in five dimensions",
                "Figure 9 — Bayes-optimal curves, Regular4",
                "Figure 10 — Bayes-optimal curves, regular solids",
                "Figure 11 — Bayes-optimal curves, d skills",
            ],
        },
        read: |s| Value::Choice(s.icl_figure.key()),
        write: |s, v| {
            if let Value::Choice(key) = v {
                s.icl_figure = IclFigure::ALL.into_iter().find(|f| f.key() == key).unwrap_or(IclFigure::Six);
            }
        },
    },
];
