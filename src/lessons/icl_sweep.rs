//! A set of Monte Carlo risk curves refined together, block by block (`icl::risk`). Blocks are
//! handed out as jobs — to this thread or to Web Workers — and their results are merged in block
//! order per curve whatever order they arrive in, so a seed gives the same numbers with any
//! number of workers.

use crate::icl::risk::{Block, RiskRun, BLOCK_TRIALS};

/// How a sweep's k values are laid out on the x-axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KAxis {
    /// k = 0, 1, 2, … on a linear axis (Figures 9–11).
    Linear,
    /// k = 0, 1, 2, 4, … evenly spaced (the paper's categorical axis; Figures 5, 6, the lesson).
    PowersOfTwo,
    /// k = 0, 1, 3, 7, … (2^j − 1) evenly spaced (Figure 4).
    PowersOfTwoMinusOne,
}

/// One curve of a figure: which panel it goes to, its legend, and its run.
pub struct Curve {
    /// Panel index.
    pub panel: usize,
    /// Legend text.
    pub label: String,
    /// The Monte Carlo run.
    pub run: RiskRun,
}

/// One block of one curve: the unit of work a thread computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockJob {
    /// Curve index.
    pub curve: usize,
    /// Block index within the curve.
    pub block: usize,
    /// Trials in the block (`BLOCK_TRIALS`, or fewer for the last one).
    pub trials: usize,
}

/// A set of curves refined together up to `target_trials` trials per k.
pub struct Sweep {
    /// Panel titles.
    pub panels: Vec<String>,
    /// The curves.
    pub curves: Vec<Curve>,
    /// Trials per k to reach.
    pub target_trials: usize,
    /// How k is laid out on the x-axis.
    pub k_axis: KAxis,
    /// Per curve: the next block to hand out.
    handed: Vec<usize>,
    /// Per curve: computed blocks waiting for the blocks before them, as (block index, block).
    waiting: Vec<Vec<(usize, Block)>>,
}

impl Sweep {
    /// A sweep of `curves` up to `target_trials` trials per k.
    pub fn new(panels: Vec<String>, curves: Vec<Curve>, target_trials: usize, k_axis: KAxis) -> Self {
        let n = curves.len();
        Sweep { panels, curves, target_trials, k_axis, handed: vec![0; n], waiting: vec![Vec::new(); n] }
    }

    /// Blocks per curve.
    fn blocks(&self) -> usize {
        self.target_trials.div_ceil(BLOCK_TRIALS)
    }

    /// Trials in block `block`: full blocks, and the rest in the last one.
    fn block_trials(&self, block: usize) -> usize {
        self.target_trials.saturating_sub(block * BLOCK_TRIALS).min(BLOCK_TRIALS)
    }

    /// Hands out up to `n` jobs, the least refined curve first. When every block is handed out
    /// but some are not back yet, those are handed out again (a worker may have been lost);
    /// a block that comes back twice is merged once.
    pub fn next_jobs(&mut self, n: usize) -> Vec<BlockJob> {
        let mut jobs = Vec::new();
        let blocks = self.blocks();
        while jobs.len() < n {
            // A run none of whose k can give an estimate any more gets no more work.
            let fresh = (0..self.curves.len())
                .filter(|&c| self.handed[c] < blocks && !self.curves[c].run.exhausted())
                .min_by_key(|&c| self.handed[c]);
            let job = match fresh {
                Some(curve) => {
                    self.handed[curve] += 1;
                    BlockJob { curve, block: self.handed[curve] - 1, trials: self.block_trials(self.handed[curve] - 1) }
                }
                None => match self.missing().into_iter().find(|j| !jobs.contains(j)) {
                    Some(job) => job,
                    None => break,
                },
            };
            jobs.push(job);
        }
        jobs
    }

    /// Handed-out blocks not merged and not waiting, in order.
    fn missing(&self) -> Vec<BlockJob> {
        let mut out = Vec::new();
        for (c, curve) in self.curves.iter().enumerate().filter(|(_, curve)| !curve.run.exhausted()) {
            for block in curve.run.blocks()..self.handed[c] {
                if !self.waiting[c].iter().any(|(b, _)| *b == block) {
                    out.push(BlockJob { curve: c, block, trials: self.block_trials(block) });
                }
            }
        }
        out
    }

    /// Computes a job (on any thread: a pure function of the sweep's setup).
    pub fn compute(&self, job: BlockJob) -> Option<Block> {
        Some(self.curves.get(job.curve)?.run.block(job.block, job.trials))
    }

    /// Takes a computed block; merges it, and any waiting ones after it, once its turn comes.
    /// Returns false (and changes nothing) for a job this sweep did not hand out or already has.
    pub fn accept(&mut self, job: BlockJob, block: Block) -> bool {
        let Some(curve) = self.curves.get(job.curve) else { return false };
        let expected = job.block < self.handed[job.curve]
            && job.block >= curve.run.blocks()
            && job.trials == self.block_trials(job.block)
            && block.len() == curve.run.points.len()
            && block.iter().zip(&curve.run.points).all(|(b, p)| b.k == p.k && b.weights.len() == p.weights.len())
            && !self.waiting[job.curve].iter().any(|(b, _)| *b == job.block);
        if !expected {
            return false;
        }
        let waiting = &mut self.waiting[job.curve];
        waiting.push((job.block, block));
        let run = &mut self.curves[job.curve].run;
        while let Some(i) = waiting.iter().position(|(b, _)| *b == run.blocks()) {
            let (_, next) = waiting.swap_remove(i);
            run.merge(&next);
        }
        true
    }

    /// Does up to `units` blocks on this thread.
    pub fn advance(&mut self, units: usize) {
        for _ in 0..units {
            let Some(job) = self.next_jobs(1).pop() else { return };
            if let Some(block) = self.compute(job) {
                self.accept(job, block);
            }
        }
    }

    /// (trials done, trials in all), summed over curves. A run that is `exhausted` (every k had a
    /// trial without a finite result) counts as done: it stops, and `failure` says why.
    pub fn progress(&self) -> (usize, usize) {
        let done =
            self.curves
                .iter()
                .map(|c| {
                    if c.run.exhausted() {
                        self.target_trials
                    } else {
                        (c.run.trials() as usize).min(self.target_trials)
                    }
                })
                .sum();
        (done, self.target_trials * self.curves.len())
    }

    /// Why some points have no estimate, in words, or `None` when every trial so far gave finite
    /// numbers: the k of the first curve with such trials, and whether the sweep stopped.
    pub fn failure(&self) -> Option<String> {
        let curve = self.curves.iter().find(|c| !c.run.failed_ks().is_empty())?;
        let ks: Vec<String> = curve.run.failed_ks().iter().map(usize::to_string).collect();
        let listed = if ks.len() > 6 {
            format!("{}, … {} ({} values of k)", ks[..3].join(", "), ks[ks.len() - 1], ks.len())
        } else {
            ks.join(", ")
        };
        let cause = "for some trials the posterior cannot be computed in double precision (rounding makes I + δ_w S indefinite, or a number overflows: the prior's and the task's scales are too far apart)";
        Some(if curve.run.exhausted() {
            format!("No estimate at any k: {cause}, so the sweep stopped. Bring the σ's and the centres closer to 1.")
        } else {
            format!("No estimate at k = {listed}: {cause}; those points are left out.")
        })
    }
}
