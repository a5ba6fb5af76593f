//! How much work `adaptlab solve` accepts and how it reports progress. Each kind estimates its
//! problem's cost from the checked sizes *before* computing anything; a problem over `MAX_WORK`
//! is refused unless the caller allows large problems (`adaptlab solve --allow-large`), and one
//! over `PROGRESS_WORK` reports progress in tenths through the caller's callback.
//!
//! The unit is a calibrated "operation": about 10¹⁰ of them per second natively on the machines
//! that ran the lab's benchmarks (a 256×256, 16-layer linear problem is 1.0·10¹⁰ and took 0.75 s;
//! an N = 2,048 transformer sequence through 8 blocks of 16 heads is 2.8·10¹¹ and took 28 s). The
//! estimates are upper bounds to within a factor of about three.

use super::SolveError;
use crate::lessons::format::number;

/// The most operations solved without `--allow-large`: about twenty seconds (the page's largest
/// problems, e.g. a risk curve of 20,000 trials in d = 16 with 16 skills, stay below it).
pub const MAX_WORK: f64 = 2e11;
/// Problems estimated above this many operations (a few seconds) report progress.
pub const PROGRESS_WORK: f64 = 3e10;

/// A problem's admission and progress reporting.
pub struct Work<'a> {
    allow_large: bool,
    report: Option<&'a mut dyn FnMut(&str)>,
    /// Whether this problem reports progress (estimated above `PROGRESS_WORK`).
    verbose: bool,
    /// Tenths of the work reported so far.
    shown: u32,
}

impl Default for Work<'_> {
    /// The default limits, without progress reports.
    fn default() -> Self {
        Work { allow_large: false, report: None, verbose: false, shown: 0 }
    }
}

impl<'a> Work<'a> {
    /// Limits as asked (`allow_large`: no upper limit), with progress sentences sent to `report`.
    pub fn new(allow_large: bool, report: &'a mut dyn FnMut(&str)) -> Self {
        Work { allow_large, report: Some(report), verbose: false, shown: 0 }
    }

    /// Admits a problem of about `operations` described by `what` (its sizes, for the message),
    /// or refuses it when it is over `MAX_WORK` and large problems are not allowed.
    pub fn admit(&mut self, operations: f64, what: &str) -> Result<(), SolveError> {
        let seconds = operations / 1e10;
        if operations > MAX_WORK && !self.allow_large {
            return Err(SolveError::TooLarge(format!(
                "{what} needs about {} operations (roughly {} s), over the limit of {} (about {} s); pass --allow-large to solve it anyway",
                number(operations),
                number(seconds.round().max(1.0)),
                number(MAX_WORK),
                number(MAX_WORK / 1e10)
            )));
        }
        if operations > PROGRESS_WORK {
            self.verbose = true;
            self.say(&format!(
                "{what}: about {} operations (roughly {} s)",
                number(operations),
                number(seconds.round())
            ));
        }
        Ok(())
    }

    /// Reports that `done` of `total` parts are finished, once per tenth, for large problems.
    pub fn progress(&mut self, done: usize, total: usize) {
        let tenth = (done.saturating_mul(10) / total.max(1)) as u32;
        if self.verbose && tenth > self.shown && done < total {
            self.shown = tenth;
            self.say(&format!("{done} of {total} done"));
        }
    }

    /// Reports a phase of a large problem ("building the adapters").
    pub fn phase(&mut self, text: &str) {
        if self.verbose {
            self.say(text);
        }
    }

    fn say(&mut self, text: &str) {
        if let Some(report) = self.report.as_mut() {
            report(text);
        }
    }
}
