//! The in-context-learning pages: the risk lesson (one Monte Carlo curve) and the paper's figures
//! (several), refined progressively.

use super::cached::{cached, Keyed};
use super::report::{report, titles_and_look_for, Number, Progress, Report, Status};
use super::work::{Job, JobResult};
use crate::lessons::format::number;
use crate::lessons::icl::{Params, Sweep};
use crate::lessons::icl_figures::{self, IclFigure};
use crate::lessons::icl_verdict::{self, CurvePoint};
use crate::plots::icl::Landmarks;
use crate::plots::{icl as figures, FigureSet};
use crate::state::State;

/// The risk lesson's sweep, for the parameters that made it.
pub type RiskCache = Keyed<Params, Sweep>;

fn risk_cache<'a>(cache: &'a mut Option<RiskCache>, params: &Params) -> &'a mut Sweep {
    cached(cache, params.clone(), || params.sweep())
}

/// What the curve says, in words (`lessons::icl_verdict`: the shape decided from the numbers with
/// two combined standard errors), the best k when the curve shows bounded efficacy, and the
/// headline numbers: risk at k = 0, the highest risk, the risk at the largest k.
fn reading(sweep: &Sweep, params: &Params) -> (String, Landmarks, [Option<f64>; 3]) {
    let Some(curve) = sweep.curves.first() else { return (String::new(), Landmarks::default(), [None; 3]) };
    let points: Vec<CurvePoint> = curve.run.points.iter().filter(|p| p.risk.count() > 1).map(CurvePoint::of).collect();
    let v = icl_verdict::verdict(&points);
    let trials = curve.run.trials();
    let complete = trials as usize >= sweep.target_trials;
    let text = icl_verdict::sentence(&points, &v, &params.labels.name(params.spread()), trials, complete);
    // k whose trials gave no finite numbers have no estimate: say so (alone when nothing is left).
    let text = match sweep.failure() {
        Some(note) if points.len() < 2 => note,
        Some(note) => format!("{text} {note}"),
        None => text,
    };
    let value = |i: usize| points.get(i).map(|p| p.risk);
    let landmarks = Landmarks {
        best_k: v.best().map(|i| points[i].k),
        peak: v.peak().map(|i| (points[i].k, points[i].risk / points[0].risk - 1.0)),
    };
    (text, landmarks, [value(0), value(v.highest), points.last().map(|p| p.risk)])
}

/// The weights figure in words: which skill has the largest mean weight at k = 0 and at the
/// largest k, read from the curve.
fn weights_summary(sweep: &Sweep) -> String {
    let points: Vec<CurvePoint> = sweep
        .curves
        .first()
        .map(|c| c.run.points.iter().filter(|p| p.risk.count() > 1).map(CurvePoint::of).collect())
        .unwrap_or_default();
    let lead = |p: &CurvePoint| {
        let (skill, weight) =
            p.weights.iter().enumerate().fold((0, f64::NEG_INFINITY), |a, (b, w)| if w.0 > a.1 { (b, w.0) } else { a });
        format!("at k = {} is skill {}'s ({})", p.k, skill + 1, number(weight))
    };
    match (points.first(), points.last()) {
        (Some(first), Some(last)) if points.len() > 1 => {
            format!(
                "Mean posterior weight E[π̃_β] of each skill against k. The largest mean weight {}; {}.",
                lead(first),
                lead(last)
            )
        }
        _ => "Mean posterior weight E[π̃_β] of each skill against k.".to_owned(),
    }
}

pub fn compute_risk(cache: &mut Option<RiskCache>, params: &Params, log_axis: bool) -> (Report, FigureSet) {
    let sweep = &*risk_cache(cache, params);
    let (text, landmarks, values) = reading(sweep, params);
    let best_k = landmarks.best_k;
    let (done, total) = sweep.progress();
    let trials = sweep.curves.first().map_or(0, |c| c.run.trials());
    let report = report(
        text,
        match sweep.curves.first() {
            Some(curve) if curve.run.exhausted() => Status::Failed,
            _ if done < total => Status::Approximate,
            _ => Status::Exact,
        },
        vec![
            ("risk", "Monte Carlo risk of the Bayes-optimal in-context predictor against the intended task's function ⟨x, w*⟩, for k = 0, 1, 2, 4, … examples, with ±2 standard errors, the risk against the retrieved skill's function and, for correct labels, the upper bound.".to_owned()),
            ("weights", weights_summary(sweep)),
        ],
        vec![
            Number::of("icl-trials-done", Some(trials as f64)),
            Number::of("icl-risk0", values[0]),
            Number::of("icl-peak", values[1]),
            Number::of("icl-last", values[2]),
            Number::of("icl-best-k", best_k.map(|k| k as f64)),
        ],
    );
    (report, figures::risk_figures(sweep, &landmarks, log_axis))
}

#[cfg(not(target_arch = "wasm32"))]
/// The risk lesson's curve as an `adaptlab solve` problem (`icl-risk`): the same prior, task,
/// label model, k grid, seed and trials per k, so solving it gives the page's curve.
pub fn risk_problem(params: &Params) -> String {
    crate::solve::icl::risk_problem_json(&params.setup(), params.trials).to_string()
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
        .chain(titles_and_look_for(&set, &figure.look_for()))
        .collect();
    let report = report(
        check,
        if done < total { Status::Approximate } else { Status::Exact },
        summaries,
        vec![Number::of("iclfig-done", Some(done as f64)), Number::of("iclfig-total", Some(total as f64))],
    );
    (report, set)
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
    let set = crate::plots::icl_prompt::figures(&step);
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
    (report, set)
}

#[cfg(not(target_arch = "wasm32"))]
/// The one-prompt lesson's current question as an `adaptlab solve` problem (`icl-posterior`): its
/// prior, the examples shown so far and the query; `None` when the page has no posterior either.
pub fn prompt_problem(params: &crate::lessons::icl_prompt::Params) -> Option<String> {
    let step = crate::lessons::icl_prompt::step(params)?;
    Some(crate::solve::icl::posterior_problem_json(&step.prior, &step.examples, &step.query).to_string())
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

/// The sweep's work handed out, computed elsewhere and taken back: a job is a block of trials of
/// one curve.
mod sweep_jobs {
    use crate::lessons::icl::Sweep;
    use crate::pages::work::{Job, JobResult};

    pub fn hand_out(sweep: &mut Sweep, n: usize) -> Vec<Job> {
        sweep.next_jobs(n).into_iter().map(Job::Trials).collect()
    }

    pub fn run(sweep: &Sweep, job: Job) -> Option<JobResult> {
        let Job::Trials(block) = job else { return None };
        sweep.compute(block).map(JobResult::Trials)
    }

    pub fn accept(sweep: &mut Sweep, job: Job, result: JobResult) -> bool {
        match (job, result) {
            (Job::Trials(job), JobResult::Trials(block)) => sweep.accept(job, block),
            _ => false,
        }
    }
}

fn sweep_progress(sweep: &Sweep) -> Progress {
    let (done, total) = sweep.progress();
    Progress { done, total, workers_only: false }
}

/// The risk lesson's page: one Monte Carlo curve, refined by blocks of trials.
#[derive(Default)]
pub struct RiskPage(Option<RiskCache>);

impl super::lesson::Lesson for RiskPage {
    fn capabilities(&self) -> super::report::Capabilities {
        super::report::Capabilities { solvable: true, sweep: true, ..Default::default() }
    }

    fn compute(&mut self, state: &State) -> Result<(Report, FigureSet), String> {
        Ok(compute_risk(&mut self.0, &state.icl_risk, state.icl_risk_log_axis))
    }

    fn advance(&mut self, state: &State, units: usize) -> Progress {
        let sweep = risk_cache(&mut self.0, &state.icl_risk);
        sweep.advance(units);
        sweep_progress(sweep)
    }

    fn progress_text(&self, progress: Progress) -> String {
        format!("trials done: {} of {}", progress.done, progress.total)
    }

    fn reset(&mut self) {
        self.0 = None;
    }

    fn jobs(&mut self, state: &State, n: usize) -> Vec<Job> {
        sweep_jobs::hand_out(risk_cache(&mut self.0, &state.icl_risk), n)
    }

    fn run_job(&mut self, state: &State, job: Job) -> Option<JobResult> {
        sweep_jobs::run(risk_cache(&mut self.0, &state.icl_risk), job)
    }

    fn accept(&mut self, state: &State, job: Job, result: JobResult) -> bool {
        sweep_jobs::accept(risk_cache(&mut self.0, &state.icl_risk), job, result)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn problem_json(&self, state: &State) -> Option<String> {
        Some(risk_problem(&state.icl_risk))
    }
}

/// The in-context-learning paper figures' page: several curves, refined by blocks of trials.
#[derive(Default)]
pub struct FigurePage(Option<FigureCache>);

impl super::lesson::Lesson for FigurePage {
    fn capabilities(&self) -> super::report::Capabilities {
        super::report::Capabilities { sweep: true, ..Default::default() }
    }

    fn compute(&mut self, state: &State) -> Result<(Report, FigureSet), String> {
        Ok(compute_figure(&mut self.0, state.icl_figure))
    }

    fn advance(&mut self, state: &State, units: usize) -> Progress {
        let sweep = figure_cache(&mut self.0, state.icl_figure);
        sweep.advance(units);
        sweep_progress(sweep)
    }

    fn progress_text(&self, progress: Progress) -> String {
        format!("trials done: {} of {}", progress.done, progress.total)
    }

    fn reset(&mut self) {
        self.0 = None;
    }

    fn jobs(&mut self, state: &State, n: usize) -> Vec<Job> {
        sweep_jobs::hand_out(figure_cache(&mut self.0, state.icl_figure), n)
    }

    fn run_job(&mut self, state: &State, job: Job) -> Option<JobResult> {
        sweep_jobs::run(figure_cache(&mut self.0, state.icl_figure), job)
    }

    fn accept(&mut self, state: &State, job: Job, result: JobResult) -> bool {
        sweep_jobs::accept(figure_cache(&mut self.0, state.icl_figure), job, result)
    }
}

/// The one-prompt lesson's page: recomputed at every step, nothing cached; Play adds examples,
/// and the skill centres of the 2-D prior can be dragged on the functions figure.
pub struct PromptPage;

impl super::lesson::Lesson for PromptPage {
    fn capabilities(&self) -> super::report::Capabilities {
        super::report::Capabilities {
            play: super::report::Play::Setting { key: "k" },
            solvable: true,
            handles: Some("functions"),
            ..Default::default()
        }
    }

    fn compute(&mut self, state: &State) -> Result<(Report, FigureSet), String> {
        Ok(compute_prompt(&state.icl_prompt))
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn problem_json(&self, state: &State) -> Option<String> {
        prompt_problem(&state.icl_prompt)
    }
}
