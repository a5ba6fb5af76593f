//! The risk trials of `risk.rs` for d ≤ 8 on fixed-size arrays, with no allocation per trial.
//!
//! A trial draws the same random numbers in the same order as `sampler::ContextSource` (the
//! examples one by one for k ≤ d + 1, else the exact Bartlett draw of the statistics; then the
//! query), and computes the same posterior as `posterior::predict_with`, through one Cholesky
//! factor L of A = I + δ_w S and forward solves only:
//! with u_β = L⁻¹w_β, v = L⁻¹b and q = L⁻¹x_q,
//! w_βᵀA⁻¹w_β = ‖u_β‖², w_βᵀA⁻¹b = ⟨u_β, v⟩, ⟨x_q, A⁻¹w_β⟩ = ⟨u_β, q⟩ and ⟨x_q, A⁻¹b⟩ = ⟨v, q⟩.
//! The numbers equal the general path's up to rounding; a trial fails (no finite result) under
//! the same conditions: A not finite or not positive definite, non-finite statistics, query,
//! solves, log-weights, prediction, squared errors or bound.

#![allow(clippy::needless_range_loop)] // indices into matrices, as in the formulas

use rand_distr::{ChiSquared, Distribution};

use super::eigen;
use super::fixed_linalg::{array, cholesky, dot, finite, forward, normal, softmax_in_place, Mat, Vect};
use super::risk_point::{RiskPoint, RiskSetup};
use crate::rng::LabRng;

/// The largest d with fixed-size trials.
const MAX_DIM: usize = 8;

/// Block `trials` trials at context size `k` into `out`, on fixed-size arrays; false (and `out`
/// untouched) when d > 8 or the setup's vectors do not all have the prior's dimension.
pub fn point(setup: &RiskSetup, alpha: usize, k: usize, trials: usize, rng: &mut LabRng, out: &mut RiskPoint) -> bool {
    let d = setup.prior.dim();
    if !(1..=MAX_DIM).contains(&d) {
        return false;
    }
    #[cfg(target_arch = "wasm32")]
    return run::<MAX_DIM>(setup, alpha, d, k, trials, rng, out);
    #[cfg(not(target_arch = "wasm32"))]
    match d {
        1 => run::<1>(setup, alpha, d, k, trials, rng, out),
        2 => run::<2>(setup, alpha, d, k, trials, rng, out),
        3 => run::<3>(setup, alpha, d, k, trials, rng, out),
        4 => run::<4>(setup, alpha, d, k, trials, rng, out),
        5 => run::<5>(setup, alpha, d, k, trials, rng, out),
        6 => run::<6>(setup, alpha, d, k, trials, rng, out),
        7 => run::<7>(setup, alpha, d, k, trials, rng, out),
        8 => run::<8>(setup, alpha, d, k, trials, rng, out),
        _ => false,
    }
}

fn run<const W: usize>(
    setup: &RiskSetup,
    alpha: usize,
    d: usize,
    k: usize,
    trials: usize,
    rng: &mut LabRng,
    out: &mut RiskPoint,
) -> bool {
    let Some(mut trial) = Trials::<W>::new(setup, alpha, d) else { return false };
    trial.point(k, trials, rng, out);
    true
}

/// The constants of a risk curve and the buffers one trial reuses.
struct Trials<const W: usize> {
    /// The dimension d ≤ MAX_DIM.
    d: usize,
    /// μ*, σ_x, the labelling w and σ_ε of the in-context examples.
    mu: Vect<W>,
    sigma_x: f64,
    label_w: Vect<W>,
    noise: f64,
    /// w* and w_α, against which the squared errors are measured.
    task_w: Vect<W>,
    w_alpha: Vect<W>,
    with_bound: bool,
    delta_w: f64,
    var_x: f64,
    var_mu: f64,
    var_w: f64,
    /// Per skill: μ_β, w_β, ln π_β, whether π_β > 0, ‖w_β‖², ‖w_β − w*‖².
    skill_mu: Vec<Vect<W>>,
    skill_w: Vec<Vect<W>>,
    ln_weight: Vec<f64>,
    live: Vec<bool>,
    w_norm2: Vec<f64>,
    spread: Vec<f64>,
    /// Per skill, reused by every trial: L⁻¹w_β, the log-weights, then the weights.
    solved: Vec<Vect<W>>,
    scores: Vec<f64>,
}

/// A context's sufficient statistics (S in full, as the sampler builds it).
struct Context<const W: usize> {
    sum_x: Vect<W>,
    s: Mat<W>,
    b: Vect<W>,
}

impl<const W: usize> Context<W> {
    const ZERO: Self = Context { sum_x: [0.0; W], s: [[0.0; W]; W], b: [0.0; W] };
}

impl<const W: usize> Trials<W> {
    /// d: natively the width itself (a constant: loops of fixed length); in wasm, and in this
    /// file's tests that compare it with the exact instances, the 8-wide instance's stored d.
    fn dim(&self) -> usize {
        if W == MAX_DIM && cfg!(any(target_arch = "wasm32", test)) {
            self.d
        } else {
            W
        }
    }

    fn new(setup: &RiskSetup, alpha: usize, d: usize) -> Option<Self> {
        let prior = &setup.prior;
        let m = prior.skills();
        if prior.mu.len() != m || prior.w.len() != m {
            return None;
        }
        let skill_mu = prior.mu.iter().map(|v| array(v.as_slice(), d)).collect::<Option<Vec<_>>>()?;
        let skill_w = prior.w.iter().map(|v| array(v.as_slice(), d)).collect::<Option<Vec<_>>>()?;
        let task_w = array(setup.task_w.as_slice(), d)?;
        let w_alpha = *skill_w.get(alpha)?;
        let spread = skill_w
            .iter()
            .map(|w| {
                let diff: Vect<W> = std::array::from_fn(|i| w[i] - task_w[i]);
                dot(&diff, &diff, d)
            })
            .collect();
        Some(Trials {
            d,
            mu: array(setup.task_mu.as_slice(), d)?,
            sigma_x: prior.sigma_x,
            label_w: array(setup.label_w.as_slice(), d)?,
            noise: setup.label_noise,
            task_w,
            w_alpha,
            with_bound: setup.with_bound,
            delta_w: prior.delta_w(),
            var_x: prior.sigma_x.powi(2),
            var_mu: prior.sigma_mu.powi(2),
            var_w: prior.sigma_w.powi(2),
            w_norm2: skill_w.iter().map(|w| dot(w, w, d)).collect(),
            ln_weight: prior.weights.iter().map(|p| p.ln()).collect(),
            live: prior.weights.iter().map(|&p| p > 0.0).collect(),
            skill_mu,
            skill_w,
            spread,
            solved: vec![[0.0; W]; m],
            scores: vec![0.0; m],
        })
    }

    fn point(&mut self, k: usize, trials: usize, rng: &mut LabRng, out: &mut RiskPoint) {
        // The χ² laws of the Bartlett diagonal, A_ii² ~ χ²(k − 1 − i), made once per k.
        let dof = k.saturating_sub(1) as f64;
        let chi: [Option<ChiSquared<f64>>; W] =
            std::array::from_fn(|i| if i < self.dim() { ChiSquared::new(dof - i as f64).ok() } else { None });
        let mut ctx = Context::ZERO;
        for _ in 0..trials {
            self.draw(k, &chi, rng, &mut ctx);
            let query = self.input(rng);
            out.attempted += 1;
            match self.trial(k, &ctx, &query) {
                Some((risk, retrieval, bound)) if out.failed == 0 => {
                    out.risk.push(risk);
                    out.retrieval_risk.push(retrieval);
                    if let Some(bound) = bound {
                        out.bound.push(bound);
                    }
                    for (mean, p) in out.weights.iter_mut().zip(&self.scores) {
                        mean.push(*p);
                    }
                }
                Some(_) => {}
                None => {
                    out.failed += 1;
                    out.clear_estimates();
                }
            }
        }
    }

    /// One input x ~ N(μ*, σ_x²I).
    fn input(&self, rng: &mut LabRng) -> Vect<W> {
        let mut x = [0.0; W];
        for i in 0..self.dim() {
            x[i] = self.mu[i] + self.sigma_x * normal(rng);
        }
        x
    }

    /// The statistics of k fresh examples (`sampler::ContextSource::stats`, the same draws).
    fn draw(&self, k: usize, chi: &[Option<ChiSquared<f64>>; W], rng: &mut LabRng, ctx: &mut Context<W>) {
        let d = self.dim();
        if k <= d + 1 {
            *ctx = Context::ZERO;
            for _ in 0..k {
                let x = self.input(rng);
                let y = dot(&x, &self.label_w, d) + self.noise * normal(rng);
                for i in 0..d {
                    ctx.sum_x[i] += x[i];
                    for j in 0..d {
                        ctx.s[i][j] += x[i] * x[j];
                    }
                    ctx.b[i] += x[i] * y;
                }
            }
            return;
        }
        let kf = k as f64;
        let scale = self.sigma_x * kf.sqrt();
        let mut z = [0.0; W];
        for zi in z.iter_mut().take(d) {
            *zi = scale * normal(rng);
        }
        let dof = (k - 1) as f64;
        let mut a = [[0.0; W]; W];
        for i in 0..d {
            let chi2 = chi[i].as_ref().map_or(dof - i as f64, |c| c.sample(rng));
            a[i][i] = chi2.sqrt();
            for j in 0..i {
                a[i][j] = normal(rng);
            }
        }
        let var_x = self.sigma_x.powi(2);
        let mu = &self.mu;
        for i in 0..d {
            for j in 0..d {
                let mut aat = 0.0;
                for l in 0..=i.min(j) {
                    aat += a[i][l] * a[j][l];
                }
                let zz = z[i] * z[j] / kf + aat * var_x;
                ctx.s[i][j] = mu[i] * mu[j] * kf + mu[i] * z[j] + z[i] * mu[j] + zz;
            }
        }
        for i in 0..d {
            ctx.b[i] = dot(&ctx.s[i], &self.label_w, d);
            ctx.sum_x[i] = mu[i] * kf + z[i];
        }
        if self.noise > 0.0 {
            let mut g = [0.0; W];
            for gi in g.iter_mut().take(d) {
                *gi = self.noise * normal(rng);
            }
            let mut l = ctx.s;
            if cholesky(&mut l, d).is_some() {
                for i in 0..d {
                    let mut sum = 0.0;
                    for j in 0..=i {
                        sum += l[i][j] * g[j];
                    }
                    ctx.b[i] += sum;
                }
            } else {
                let noise = eigen::semidefinite_root_times(&ctx.s, &g, d);
                for i in 0..d {
                    ctx.b[i] += noise[i];
                }
            }
        }
    }

    /// The squared errors against w* and w_α and the bound (when asked for), with the weights
    /// left in `scores`; `None` when a number is not finite or A is not positive definite.
    fn trial(&mut self, k: usize, ctx: &Context<W>, query: &Vect<W>) -> Option<(f64, f64, Option<f64>)> {
        let d = self.dim();
        let stats_finite = finite(&ctx.sum_x) && finite(&ctx.b) && ctx.s.iter().all(finite);
        if !(stats_finite && finite(query)) {
            return None;
        }
        let delta_w = self.delta_w;
        let mut l = [[0.0; W]; W];
        for i in 0..d {
            for j in 0..=i {
                l[i][j] = ctx.s[i][j] * delta_w + if i == j { 1.0 } else { 0.0 };
            }
        }
        if !l.iter().all(finite) {
            return None;
        }
        let inv = cholesky(&mut l, d)?;
        let mut v = ctx.b;
        forward(&l, &inv, &mut v, d);
        let mut q = *query;
        forward(&l, &inv, &mut q, d);
        if !(finite(&v) && finite(&q)) {
            return None;
        }
        let n = (k + 1) as f64;
        let x_bar: Vect<W> = std::array::from_fn(|i| (ctx.sum_x[i] + query[i]) / n);
        let mu_scale = 2.0 * (self.var_x + n * self.var_mu);
        for beta in 0..self.skill_w.len() {
            let mut u = self.skill_w[beta];
            forward(&l, &inv, &mut u, d);
            if !finite(&u) {
                return None;
            }
            let diff: Vect<W> = std::array::from_fn(|i| x_bar[i] - self.skill_mu[beta][i]);
            // ℓ^μ_β = −n‖x̄ − μ_β‖² / (2(σ_x² + nσ_μ²)); ℓ^w_β = −(‖w_β‖² − ‖u_β‖² − 2δ_w⟨u_β, v⟩)/(2σ_w²).
            let l_mu = -n * dot(&diff, &diff, d) / mu_scale;
            let l_w = -(self.w_norm2[beta] - dot(&u, &u, d) - 2.0 * delta_w * dot(&u, &v, d)) / (2.0 * self.var_w);
            self.scores[beta] = self.ln_weight[beta] + l_mu + l_w;
            self.solved[beta] = u;
        }
        // Skills with π_β > 0 need a finite or −∞ log-weight, and not all of them −∞.
        let live = || self.scores.iter().zip(&self.live).filter(|(_, &on)| on).map(|(l, _)| *l);
        if live().any(|l| l.is_nan() || l == f64::INFINITY) || live().all(|l| !l.is_finite()) {
            return None;
        }
        softmax_in_place(&mut self.scores);
        let shift = delta_w * dot(&v, &q, d);
        let mut prediction = 0.0;
        for (p, u) in self.scores.iter().zip(&self.solved) {
            prediction += p * (dot(u, &q, d) + shift);
        }
        if !prediction.is_finite() {
            return None;
        }
        let risk = (prediction - dot(query, &self.task_w, d)).powi(2);
        let retrieval = (prediction - dot(query, &self.w_alpha, d)).powi(2);
        let bound = self.with_bound.then(|| {
            // B = ‖x_q‖² Σ_β π̃_β ‖w_β − w*‖² / λ_min(I + δ_w S)².
            // S is a sum of k outer products: for k < d it is singular, λ_min(S) = 0.
            let smallest = if k < d { 0.0 } else { eigen::lambda_min(&ctx.s, d) };
            let lambda = 1.0 + delta_w * smallest.max(0.0);
            let spread: f64 = self.scores.iter().zip(&self.spread).map(|(p, s)| p * s).sum();
            dot(query, query, d) * spread / (lambda * lambda)
        });
        let all_finite = risk.is_finite() && retrieval.is_finite() && bound.is_none_or(f64::is_finite);
        all_finite.then_some((risk, retrieval, bound))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icl::prior;

    /// The wasm builds' single 8-wide instance gives, for every d ≤ 8, the very bits of the
    /// native instance of width d (the page and its workers compute the same curves as
    /// `adaptlab`).
    #[test]
    fn the_wide_instance_gives_the_same_bits_as_the_exact_one() {
        let mut reached = 0;
        for d in 1..=MAX_DIM {
            // Figure 6's prior with noisy labels of another skill (both of `draw`'s branches and
            // the noise's Cholesky factor are reached).
            let (mu, w) = prior::early_ascent_task(d);
            let p = prior::early_ascent(d);
            let label_w = p.w[0].clone();
            let setup = RiskSetup {
                prior: p,
                task_mu: mu,
                task_w: w,
                label_w,
                label_noise: 0.3,
                ks: vec![],
                seed: 3,
                with_bound: true,
            };
            for k in [0, 1, d, d + 1, d + 2, 40] {
                let exact = |rng: &mut LabRng, out: &mut RiskPoint| match d {
                    1 => run::<1>(&setup, 0, d, k, 50, rng, out),
                    2 => run::<2>(&setup, 0, d, k, 50, rng, out),
                    3 => run::<3>(&setup, 0, d, k, 50, rng, out),
                    4 => run::<4>(&setup, 0, d, k, 50, rng, out),
                    5 => run::<5>(&setup, 0, d, k, 50, rng, out),
                    6 => run::<6>(&setup, 0, d, k, 50, rng, out),
                    7 => run::<7>(&setup, 0, d, k, 50, rng, out),
                    _ => run::<8>(&setup, 0, d, k, 50, rng, out),
                };
                let (mut a, mut b) =
                    (RiskPoint::empty(k, setup.prior.skills()), RiskPoint::empty(k, setup.prior.skills()));
                assert!(exact(&mut crate::rng::stream(7, k as u64), &mut a));
                assert!(run::<MAX_DIM>(&setup, 0, d, k, 50, &mut crate::rng::stream(7, k as u64), &mut b));
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "d = {d}, k = {k}");
                reached += usize::from(a.attempted == 50);
            }
        }
        assert_eq!(reached, 6 * MAX_DIM, "every case ran its trials");
    }
}
