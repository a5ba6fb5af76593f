//! What the risk lesson's curve shows, decided from its numbers with significance, and the
//! sentence that says it. One pure function (`verdict`) takes the curve — k, the risk, its
//! standard error and the mean posterior weights at every k — and another (`sentence`) writes it.
//!
//! "a is significantly below b" means b − a > 2·sqrt(SE_a² + SE_b²) (two combined standard
//! errors). With r₀ the risk at the first k (k = 0), r_L at the largest k, r_B the lowest risk
//! (at k = B, the first such k) and r_P the highest (at k = P):
//!
//! | phrase (start of the live check) | condition |
//! | --- | --- |
//! | `Bounded efficacy: best at k = B.` | r_B is significantly below r₀ and significantly below r_L |
//! | `Early ascent: the risk rises from r₀ at k = 0 to r_P at k = P, then falls to r_L at k = L` | r_P is significantly above r₀ and significantly above r_L |
//! | `The risk only rises:` | neither of the above; some pair k_i < k_j has r_j significantly above r_i and none has r_j significantly below r_i |
//! | `The risk falls monotonically:` | neither of the first two; some pair has a significant fall and none a significant rise |
//! | `No significant change:` | no pair k_i < k_j differs significantly |
//! | `The risk is not monotone:` | otherwise (significant rises and falls, but neither shape above) |
//!
//! When both the first two hold, both sentences are written (bounded efficacy first). The first
//! two name, from the mean weights, the skill with the largest mean weight at B or P ("at k = B
//! the largest mean weight is skill γ's, w"). Every check then says what the weights do, read from
//! the skill with the largest mean weight at each k (`weights_story`):
//! - the same skill γ leads at every k, its weight at the largest k is above 1/2 and significantly
//!   (2 combined SE) above its weight at k = 0: "The examples retrieve skill γ: its mean weight
//!   rises from w₀ at k = 0 to w_L at k = L";
//! - the same skill leads at every k otherwise: "Skill γ has the largest mean weight at every k:
//!   w₀ at k = 0, w_L at k = L";
//! - the leading skill changes: "The skill with the largest mean weight changes with k: skill γ₁
//!   at k = a…b (up to w at k = c), skill γ₂ at …", one entry per run of consecutive k.
//!
//! It ends with "Labels: <label model>; T trials per k" (" so far" while trials are still coming).

use crate::icl::risk::RiskPoint;
use crate::lessons::format::number;

/// One point of a risk curve as the verdict reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct CurvePoint {
    /// k.
    pub k: usize,
    /// The Monte Carlo risk (mean).
    pub risk: f64,
    /// Its standard error.
    pub se: f64,
    /// The mean posterior weight of each skill, with its standard error.
    pub weights: Vec<(f64, f64)>,
}

impl CurvePoint {
    /// The point of a risk run.
    pub fn of(p: &RiskPoint) -> Self {
        CurvePoint {
            k: p.k,
            risk: p.risk.mean(),
            se: p.risk.standard_error(),
            weights: p.weights.iter().map(|w| (w.mean(), w.standard_error())).collect(),
        }
    }
}

/// Whether `a` exceeds `b` by more than two combined standard errors.
pub fn significantly_above(a: (f64, f64), b: (f64, f64)) -> bool {
    a.0 - b.0 > 2.0 * (a.1 * a.1 + b.1 * b.1).sqrt()
}

/// The shape of the curve; indices refer to the points given to `verdict`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Fewer than two points with an estimate.
    Computing,
    /// Bounded efficacy (a significant dip, `best`), early ascent (a significant bump, `peak`), or both.
    Turning {
        /// The lowest point, when it is significantly below the first and the last.
        best: Option<usize>,
        /// The highest point, when it is significantly above the first and the last.
        peak: Option<usize>,
    },
    /// Significant rises between some pair of k, no significant fall.
    OnlyRises,
    /// Significant falls between some pair of k, no significant rise.
    FallsMonotonically,
    /// No pair of k differs significantly.
    NoSignificantChange,
    /// Significant rises and falls, but neither a dip nor a bump against both ends.
    NotMonotone,
}

/// The curve's shape with its landmarks (indices into the points).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The shape.
    pub shape: Shape,
    /// The lowest risk (first such index).
    pub lowest: usize,
    /// The highest risk (first such index).
    pub highest: usize,
}

impl Verdict {
    /// B, the best k, when the curve shows bounded efficacy.
    pub fn best(&self) -> Option<usize> {
        match self.shape {
            Shape::Turning { best, .. } => best,
            _ => None,
        }
    }

    /// P, the peak k, when the curve shows an early ascent.
    pub fn peak(&self) -> Option<usize> {
        match self.shape {
            Shape::Turning { peak, .. } => peak,
            _ => None,
        }
    }
}

/// Decides the curve's shape (see the module's table). `points` are in increasing k.
pub fn verdict(points: &[CurvePoint]) -> Verdict {
    let value = |i: usize| (points[i].risk, points[i].se);
    let n = points.len();
    let lowest = (0..n).min_by(|&a, &b| points[a].risk.total_cmp(&points[b].risk)).unwrap_or(0);
    let highest = (0..n).max_by(|&a, &b| points[a].risk.total_cmp(&points[b].risk).then(b.cmp(&a))).unwrap_or(0);
    if n < 2 {
        return Verdict { shape: Shape::Computing, lowest, highest };
    }
    let (first, last) = (0, n - 1);
    // Bounded efficacy: the best risk is significantly below the risk at k = 0 and at the largest k.
    let best = (significantly_above(value(first), value(lowest)) && significantly_above(value(last), value(lowest)))
        .then_some(lowest);
    // Early ascent: the highest risk is significantly above the risk at k = 0 and at the largest k.
    let peak = (significantly_above(value(highest), value(first)) && significantly_above(value(highest), value(last)))
        .then_some(highest);
    let pairs = || (0..n).flat_map(move |i| (i + 1..n).map(move |j| (i, j)));
    let rises = pairs().any(|(i, j)| significantly_above(value(j), value(i)));
    let falls = pairs().any(|(i, j)| significantly_above(value(i), value(j)));
    let shape = match (best.is_some() || peak.is_some(), rises, falls) {
        (true, _, _) => Shape::Turning { best, peak },
        (false, true, false) => Shape::OnlyRises,
        (false, false, true) => Shape::FallsMonotonically,
        (false, false, false) => Shape::NoSignificantChange,
        (false, true, true) => Shape::NotMonotone,
    };
    Verdict { shape, lowest, highest }
}

/// The skill with the largest mean weight at a point (0-based) and that weight.
fn leading(point: &CurvePoint) -> (usize, f64) {
    point
        .weights
        .iter()
        .enumerate()
        .map(|(b, w)| (b, w.0))
        .fold((0, f64::NEG_INFINITY), |a, b| if b.1 > a.1 { b } else { a })
}

/// "at k = K the largest mean weight is skill γ's, w".
fn weight_at(point: &CurvePoint) -> String {
    let (skill, weight) = leading(point);
    format!("at k = {} the largest mean weight is skill {}'s, {}", point.k, skill + 1, number(weight))
}

/// What the weights say along the curve. When the skill with the largest mean weight is the same
/// at every k: "The examples retrieve skill γ: its mean weight rises from w₀ at k = 0 to w_L at
/// k = L" if w_L > 1/2 and w_L is significantly above w₀ (2 combined SE), else "Skill γ has the
/// largest mean weight at every k: w₀ at k = 0, w_L at k = L". When it changes: "The skill with the
/// largest mean weight changes with k: skill γ₁ at k = a…b (up to w at k = c), skill γ₂ at …", one
/// entry per run of k with the same leading skill.
fn weights_story(points: &[CurvePoint]) -> String {
    let (first, last) = (&points[0], &points[points.len() - 1]);
    // Runs of consecutive k with the same leading skill: (skill, first index, last index).
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let skill = leading(p).0;
        match runs.last_mut() {
            Some(run) if run.0 == skill => run.2 = i,
            _ => runs.push((skill, i, i)),
        }
    }
    if let [(skill, _, _)] = runs[..] {
        let (start, end) = (first.weights[skill], last.weights[skill]);
        return if end.0 > 0.5 && significantly_above(end, start) {
            format!(
                "The examples retrieve skill {}: its mean weight rises from {} at k = {} to {} at k = {}",
                skill + 1,
                number(start.0),
                first.k,
                number(end.0),
                last.k
            )
        } else {
            format!(
                "Skill {} has the largest mean weight at every k: {} at k = {}, {} at k = {}",
                skill + 1,
                number(start.0),
                first.k,
                number(end.0),
                last.k
            )
        };
    }
    let entries: Vec<String> = runs
        .iter()
        .map(|&(skill, from, to)| {
            let top = (from..=to)
                .max_by(|&a, &b| points[a].weights[skill].0.total_cmp(&points[b].weights[skill].0))
                .unwrap_or(from);
            let span = if from == to {
                format!("k = {}", points[from].k)
            } else {
                format!("k = {}…{}", points[from].k, points[to].k)
            };
            format!(
                "skill {} at {span} (up to {} at k = {})",
                skill + 1,
                number(points[top].weights[skill].0),
                points[top].k
            )
        })
        .collect();
    format!("The skill with the largest mean weight changes with k: {}", entries.join(", "))
}

/// The live check: the verdict in words, for a curve labelled with `labels` (the label model's
/// name), with `trials` trials per k (`complete` when the target is reached).
pub fn sentence(points: &[CurvePoint], v: &Verdict, labels: &str, trials: u64, complete: bool) -> String {
    if v.shape == Shape::Computing || points.len() < 2 {
        return "Computing the first trials…".to_owned();
    }
    let (first, last) = (&points[0], &points[points.len() - 1]);
    let r = |p: &CurvePoint| format!("{} at k = {}", number(p.risk), p.k);
    let mut parts = Vec::new();
    match v.shape {
        Shape::Turning { best, peak } => {
            if let Some(b) = best {
                parts.push(format!(
                    "Bounded efficacy: best at k = {}. The risk falls from {} to {}, then rises to {}; both changes exceed 2 standard errors; {}.",
                    points[b].k, r(first), r(&points[b]), r(last), weight_at(&points[b])
                ));
            }
            if let Some(p) = peak {
                parts.push(format!(
                    "Early ascent: the risk rises from {} to {}, then falls to {}; both changes exceed 2 standard errors; {}.",
                    r(first), r(&points[p]), r(last), weight_at(&points[p])
                ));
            }
        }
        Shape::OnlyRises => parts.push(format!(
            "The risk only rises: from {} to {} (highest {}); no later value is significantly below an earlier one.",
            r(first), r(last), r(&points[v.highest])
        )),
        Shape::FallsMonotonically => parts.push(format!(
            "The risk falls monotonically: from {} to {} (lowest {}); no later value is significantly above an earlier one.",
            r(first), r(last), r(&points[v.lowest])
        )),
        Shape::NoSignificantChange => parts.push(format!(
            "No significant change: the risk is {} and {}; no two values differ by more than 2 standard errors.",
            r(first), r(last)
        )),
        Shape::NotMonotone => parts.push(format!(
            "The risk is not monotone: from {} to {}, lowest {}, highest {}.",
            r(first), r(last), r(&points[v.lowest]), r(&points[v.highest])
        )),
        Shape::Computing => {}
    }
    let so_far = if complete { "" } else { " so far" };
    format!("{} {}. Labels: {labels}; {trials} trials per k{so_far}.", parts.join(" "), weights_story(points))
}
