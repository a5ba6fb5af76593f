//! The in-context-learning pages: the risk lesson (one Monte Carlo curve) and the paper's figures
//! (several), refined progressively.

use super::{cached, report, Keyed, Number, Progress, Report, Status};
use crate::lessons::format::number;
use crate::lessons::icl::{LabelChoice, Params, Sweep};
use crate::lessons::icl_figures::{self, IclFigure};
use crate::plots::{icl as figures, FigureSet};

/// The risk lesson's sweep, for the parameters that made it.
pub type RiskCache = Keyed<Params, Sweep>;

fn risk_cache<'a>(cache: &'a mut Option<RiskCache>, params: &Params) -> &'a mut Sweep {
    cached(cache, params.clone(), || Sweep::single(params))
}

/// What the curve says, in words: early ascent, bounded efficacy, or plain decrease.
fn reading(sweep: &Sweep, labels: LabelChoice) -> (String, Option<usize>, [Option<f64>; 4]) {
    let Some(curve) = sweep.curves.first() else { return (String::new(), None, [None; 4]) };
    let points: Vec<_> = curve.run.points.iter().filter(|p| p.risk.count() > 1).collect();
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return ("Computing the first trials…".into(), None, [None; 4]);
    };
    let peak = points.iter().max_by(|a, b| a.risk.mean().total_cmp(&b.risk.mean())).copied().unwrap_or(first);
    let best = points.iter().min_by(|a, b| a.risk.mean().total_cmp(&b.risk.mean())).copied().unwrap_or(last);
    let se = |p: &crate::icl::risk::RiskPoint| p.risk.standard_error();
    let trials = curve.run.trials();
    let text = if labels != LabelChoice::Correct {
        let biased = if labels == LabelChoice::Random {
            "random labels (w = 0)"
        } else {
            "labels from another skill's function"
        };
        if best.k < last.k && last.risk.mean() - best.risk.mean() > 2.0 * (se(best).powi(2) + se(last).powi(2)).sqrt() {
            format!(
                "Bounded efficacy: with {biased}, the risk against the intended task falls from {} at k = 0 to its best, {} at k = {}, then rises to {} at k = {}: the inputs retrieve the right skill, but the wrong labels eventually teach the wrong function ({trials} trials per k).",
                number(first.risk.mean()), number(best.risk.mean()), best.k, number(last.risk.mean()), last.k
            )
        } else {
            format!(
                "With {biased}, the risk goes from {} at k = 0 to {} at k = {} ({trials} trials per k so far).",
                number(first.risk.mean()),
                number(last.risk.mean()),
                last.k
            )
        }
    } else if peak.k > 0 && peak.risk.mean() - first.risk.mean() > 2.0 * (se(peak).powi(2) + se(first).powi(2)).sqrt() {
        format!(
            "Early ascent: the risk rises from {} at k = 0 to {} at k = {} before it falls to {} at k = {}. A few examples whose inputs look like skill {} retrieve it, although its function is wrong (retrieval mode); only many examples let task learning take over ({trials} trials per k).",
            number(first.risk.mean()), number(peak.risk.mean()), peak.k, number(last.risk.mean()), last.k, curve.run.retrieved_skill() + 1
        )
    } else {
        format!(
            "The risk falls from {} at k = 0 to {} at k = {}; the weight of the skill the inputs point to, skill {}, is {} at k = {} ({trials} trials per k so far).",
            number(first.risk.mean()), number(last.risk.mean()), last.k, curve.run.retrieved_skill() + 1,
            number(last.weights[curve.run.retrieved_skill()].mean()), last.k
        )
    };
    let best_k = (labels != LabelChoice::Correct).then_some(best.k);
    (text, best_k, [Some(first.risk.mean()), Some(peak.risk.mean()), Some(last.risk.mean()), Some(best.k as f64)])
}

pub fn compute_risk(cache: &mut Option<RiskCache>, params: &Params) -> (Report, FigureSet) {
    let sweep = &*risk_cache(cache, params);
    let (text, best_k, values) = reading(sweep, params.labels);
    let (done, total) = sweep.progress();
    let trials = sweep.curves.first().map_or(0, |c| c.run.trials());
    let report = report(
        text,
        if done < total { Status::Approximate } else { Status::Exact },
        vec![
            ("risk", "Monte Carlo risk of the Bayes-optimal in-context predictor against the number of examples k (0, 1, 2, 4, …), with ±2 standard errors, the risk against the retrieved skill and, for correct labels, the upper bound.".to_owned()),
            ("weights", "Mean posterior weight E[π̃_β] of each skill against k: retrieval concentrates it on the skill the inputs point to; at very large k it settles on the skills closest to the true task.".to_owned()),
        ],
        vec![
            Number::of("icl-trials-done", Some(trials as f64)),
            Number::of("icl-risk0", values[0]),
            Number::of("icl-peak", values[1]),
            Number::of("icl-last", values[2]),
            Number::of("icl-best-k", best_k.map(|k| k as f64)),
        ],
    );
    (report, figures::risk_figures(sweep, best_k))
}

pub fn advance_risk(cache: &mut Option<RiskCache>, params: &Params, units: usize) -> Progress {
    let sweep = risk_cache(cache, params);
    sweep.advance(units);
    let (done, total) = sweep.progress();
    Progress { done, total, workers_only: false }
}

/// A paper figure's sweep.
pub type FigureCache = Keyed<IclFigure, Sweep>;

fn figure_cache(cache: &mut Option<FigureCache>, figure: IclFigure) -> &mut Sweep {
    cached(cache, figure, || icl_figures::sweep(figure))
}

pub fn compute_figure(cache: &mut Option<FigureCache>, figure: IclFigure) -> (Report, FigureSet) {
    let sweep = &*figure_cache(cache, figure);
    let (done, total) = sweep.progress();
    let check = if done < total {
        format!("Computing: {done} of {total} trials done; the curves refine as trials arrive.")
    } else {
        format!("Done: {} curves, {} trials per point.", sweep.curves.len(), sweep.target_trials)
    };
    let set = figures::paper_figures(sweep, figure);
    let summaries: Vec<(&'static str, String)> = set
        .figures
        .iter()
        .map(|(key, f)| {
            let text = match f {
                crate::plots::Figure::Curve(c) => format!(
                    "{}: {}.",
                    c.title,
                    c.series
                        .iter()
                        .filter(|s| !s.label.is_empty() && s.key != "upper_bound")
                        .filter_map(|s| Some(format!(
                            "{} from {} to {}",
                            s.label,
                            number(s.points.first()?.1),
                            number(s.points.last()?.1)
                        )))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                _ => String::new(),
            };
            (*key, text)
        })
        .chain([("description", figure.description().to_owned()), ("departures", figure.departures().to_owned())])
        .collect();
    let report = report(
        check,
        if done < total { Status::Approximate } else { Status::Exact },
        summaries,
        vec![Number::of("iclfig-done", Some(done as f64)), Number::of("iclfig-total", Some(total as f64))],
    );
    (report, set)
}

pub fn advance_figure(cache: &mut Option<FigureCache>, figure: IclFigure, units: usize) -> Progress {
    let sweep = figure_cache(cache, figure);
    sweep.advance(units);
    let (done, total) = sweep.progress();
    Progress { done, total, workers_only: false }
}

/// The one-prompt lesson: cheap enough to recompute at every step.
pub fn compute_prompt(params: &crate::lessons::icl_prompt::Params) -> (Report, FigureSet) {
    let Some(step) = crate::lessons::icl_prompt::step(params) else {
        return (
            report("The posterior could not be computed.".into(), Status::Failed, Vec::new(), Vec::new()),
            FigureSet::default(),
        );
    };
    let weights = step
        .posterior
        .weights
        .iter()
        .enumerate()
        .map(|(b, w)| format!("skill {}: {}", b + 1, number(*w)))
        .collect::<Vec<_>>()
        .join(", ");
    let report = report(
        step.mode(),
        if step.learned_fraction() > 0.8 { Status::Exact } else { Status::Approximate },
        vec![
            ("weights", format!("Posterior weights after {} examples: {weights}.", step.examples.len())),
            ("functions", format!("The skills' functions have moved {} % of the way from their pretrained centres to the task's function w* (averaged with the weights π̃).", step.learned_percent())),
        ],
        vec![
            Number::of("prompt-k-shown", Some(step.examples.len() as f64)),
            Number::of("prompt-prediction", Some(step.posterior.prediction)),
            Number::of("prompt-truth", Some(step.truth)),
            Number::of("prompt-leading", Some((step.leading_skill() + 1) as f64)),
            Number::of("prompt-learned", Some(step.learned_fraction())),
        ],
    );
    (report, crate::plots::icl_prompt::figures(&step))
}

/// Dragging the 2-D prior's skill centres on the weight-space figure. Positions are device
/// pixels of a drawing `size` = (width, height) drawn at `scale`, as the page draws it.
pub mod drag {
    use crate::lessons::icl_prompt::{default_centres, Params, PLANE_SKILLS};
    use crate::plots::icl_prompt::WeightSpace;
    use crate::plots::{Figure, FigureSet, Theme};

    /// How close (in CSS pixels) a pointer must be to a centre to pick it up.
    const REACH: f64 = 16.0;
    /// Centres stay within ±2 (the state's range) in each coordinate.
    const LIMIT: f64 = 2.0;

    fn space(figures: &FigureSet) -> Option<&WeightSpace> {
        match figures.get("functions") {
            Some(Figure::WeightSpace(space)) if space.fixed_extent.is_some() => Some(space),
            _ => None,
        }
    }

    /// The skill whose centre is nearest to the pointer, within reach; `None` when the lesson's
    /// centres are not draggable.
    pub fn centre_at(figures: &FigureSet, pointer: (f64, f64), size: (u32, u32), scale: f64) -> Option<usize> {
        let space = space(figures)?;
        let frame = space.frame(size.0, size.1, &Theme { scale, dark: false });
        let distance = |c: &(f64, f64)| {
            let (x, y) = frame.to_pixel(*c);
            (x - pointer.0).hypot(y - pointer.1)
        };
        let (index, nearest) = space.centres.iter().map(distance).enumerate().min_by(|a, b| a.1.total_cmp(&b.1))?;
        (nearest <= REACH * scale).then_some(index)
    }

    /// The `centres` setting (hundredths, as in a link) after moving skill `index` to the
    /// pointer; `None` when nothing can be moved.
    pub fn moved(
        figures: &FigureSet,
        params: &Params,
        index: usize,
        pointer: (f64, f64),
        size: (u32, u32),
        scale: f64,
    ) -> Option<String> {
        let space = space(figures)?;
        if index >= PLANE_SKILLS || !(pointer.0.is_finite() && pointer.1.is_finite()) {
            return None;
        }
        let (x, y) = space.frame(size.0, size.1, &Theme { scale, dark: false }).to_weights(pointer.0, pointer.1);
        let mut centres =
            if params.centres.len() == 2 * PLANE_SKILLS { params.centres.clone() } else { default_centres() };
        centres[2 * index] = (x.clamp(-LIMIT, LIMIT) * 100.0).round() as i64;
        centres[2 * index + 1] = (y.clamp(-LIMIT, LIMIT) * 100.0).round() as i64;
        Some(centres.iter().map(|n| format!("{}", *n as f64 / 100.0)).collect::<Vec<_>>().join(","))
    }
}

/// The current view's Monte Carlo sweep (the risk lesson's or a paper figure's), built if needed.
pub fn sweep<'a>(
    risk: &'a mut Option<RiskCache>,
    figure: &'a mut Option<FigureCache>,
    state: &crate::state::State,
) -> Option<&'a mut Sweep> {
    match state.view {
        crate::state::View::IclRisk => Some(risk_cache(risk, &state.icl_risk)),
        crate::state::View::IclPaper => Some(figure_cache(figure, state.icl_figure)),
        _ => None,
    }
}
