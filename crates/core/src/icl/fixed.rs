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

use rand_distr::{ChiSquared, Distribution, StandardNormal};

use super::eigen;
use super::risk::{RiskPoint, RiskSetup};
use crate::rng::LabRng;

type Vect<const D: usize> = [f64; D];
type Mat<const D: usize> = [[f64; D]; D];

/// Block `trials` trials at context size `k` into `out`, on fixed-size arrays; false (and `out`
/// untouched) when d > 8 or the setup's vectors do not all have the prior's dimension.
pub fn point(setup: &RiskSetup, alpha: usize, k: usize, trials: usize, rng: &mut LabRng, out: &mut RiskPoint) -> bool {
    match setup.prior.dim() {
        1 => run::<1>(setup, alpha, k, trials, rng, out),
        2 => run::<2>(setup, alpha, k, trials, rng, out),
        3 => run::<3>(setup, alpha, k, trials, rng, out),
        4 => run::<4>(setup, alpha, k, trials, rng, out),
        5 => run::<5>(setup, alpha, k, trials, rng, out),
        6 => run::<6>(setup, alpha, k, trials, rng, out),
        7 => run::<7>(setup, alpha, k, trials, rng, out),
        8 => run::<8>(setup, alpha, k, trials, rng, out),
        _ => false,
    }
}

fn run<const D: usize>(
    setup: &RiskSetup,
    alpha: usize,
    k: usize,
    trials: usize,
    rng: &mut LabRng,
    out: &mut RiskPoint,
) -> bool {
    let Some(mut trial) = Trials::<D>::new(setup, alpha) else { return false };
    trial.point(k, trials, rng, out);
    true
}

fn array<const D: usize>(v: &[f64]) -> Option<Vect<D>> {
    v.try_into().ok()
}

/// ⟨a, b⟩ summed in nalgebra's order for vectors of dynamic length: eight products in pairs
/// (0 + 4, 1 + 5, 2 + 6, 3 + 7) when there are eight or more, then one by one.
fn dot<const D: usize>(a: &Vect<D>, b: &Vect<D>) -> f64 {
    let mut sum = 0.0;
    let mut start = 0;
    if D >= 8 {
        let p = |i: usize| a[i] * b[i];
        sum += p(0) + p(4);
        sum += p(1) + p(5);
        sum += p(2) + p(6);
        sum += p(3) + p(7);
        start = 8;
    }
    for i in start..D {
        sum += a[i] * b[i];
    }
    sum
}

fn finite<const D: usize>(v: &Vect<D>) -> bool {
    v.iter().all(|x| x.is_finite())
}

fn normal(rng: &mut LabRng) -> f64 {
    StandardNormal.sample(rng)
}

/// L with L Lᵀ = A from A's lower triangle, in place (nalgebra's `Cholesky::new`, left-looking
/// by columns, with each column scaled by the pivot's reciprocal), and the reciprocals of L's
/// diagonal; `None` where a pivot is zero, negative or NaN.
fn cholesky<const D: usize>(a: &mut Mat<D>) -> Option<Vect<D>> {
    let mut inv = [0.0; D];
    for j in 0..D {
        for k in 0..j {
            let factor = a[j][k];
            for i in j..D {
                a[i][j] -= factor * a[i][k];
            }
        }
        let diag = a[j][j];
        if diag.is_nan() || diag <= 0.0 {
            return None;
        }
        let denom = diag.sqrt();
        a[j][j] = denom;
        inv[j] = 1.0 / denom;
        for row in a.iter_mut().skip(j + 1) {
            row[j] *= inv[j];
        }
    }
    Some(inv)
}

/// x = L⁻¹b in place (forward substitution; `inv` holds 1/L_ii).
fn forward<const D: usize>(l: &Mat<D>, inv: &Vect<D>, b: &mut Vect<D>) {
    for i in 0..D {
        let coeff = b[i] * inv[i];
        b[i] = coeff;
        for r in i + 1..D {
            b[r] -= coeff * l[r][i];
        }
    }
}

/// The constants of a risk curve and the buffers one trial reuses.
struct Trials<const D: usize> {
    /// μ*, σ_x, the labelling w and σ_ε of the in-context examples.
    mu: Vect<D>,
    sigma_x: f64,
    label_w: Vect<D>,
    noise: f64,
    /// w* and w_α, against which the squared errors are measured.
    task_w: Vect<D>,
    w_alpha: Vect<D>,
    with_bound: bool,
    delta_w: f64,
    var_x: f64,
    var_mu: f64,
    var_w: f64,
    /// Per skill: μ_β, w_β, ln π_β, whether π_β > 0, ‖w_β‖², ‖w_β − w*‖².
    skill_mu: Vec<Vect<D>>,
    skill_w: Vec<Vect<D>>,
    ln_weight: Vec<f64>,
    live: Vec<bool>,
    w_norm2: Vec<f64>,
    spread: Vec<f64>,
    /// Per skill, reused by every trial: L⁻¹w_β, the log-weights, then the weights.
    solved: Vec<Vect<D>>,
    scores: Vec<f64>,
}

/// A context's sufficient statistics (S in full, as the sampler builds it).
struct Context<const D: usize> {
    sum_x: Vect<D>,
    s: Mat<D>,
    b: Vect<D>,
}

impl<const D: usize> Trials<D> {
    fn new(setup: &RiskSetup, alpha: usize) -> Option<Self> {
        let prior = &setup.prior;
        let m = prior.skills();
        if prior.mu.len() != m || prior.w.len() != m {
            return None;
        }
        let skill_mu = prior.mu.iter().map(|v| array::<D>(v.as_slice())).collect::<Option<Vec<_>>>()?;
        let skill_w = prior.w.iter().map(|v| array::<D>(v.as_slice())).collect::<Option<Vec<_>>>()?;
        let task_w = array::<D>(setup.task_w.as_slice())?;
        let w_alpha = *skill_w.get(alpha)?;
        let spread = skill_w
            .iter()
            .map(|w| {
                let diff: Vect<D> = std::array::from_fn(|i| w[i] - task_w[i]);
                dot(&diff, &diff)
            })
            .collect();
        Some(Trials {
            mu: array::<D>(setup.task_mu.as_slice())?,
            sigma_x: prior.sigma_x,
            label_w: array::<D>(setup.label_w.as_slice())?,
            noise: setup.label_noise,
            task_w,
            w_alpha,
            with_bound: setup.with_bound,
            delta_w: prior.delta_w(),
            var_x: prior.sigma_x.powi(2),
            var_mu: prior.sigma_mu.powi(2),
            var_w: prior.sigma_w.powi(2),
            w_norm2: skill_w.iter().map(|w| dot(w, w)).collect(),
            ln_weight: prior.weights.iter().map(|p| p.ln()).collect(),
            live: prior.weights.iter().map(|&p| p > 0.0).collect(),
            skill_mu,
            skill_w,
            spread,
            solved: vec![[0.0; D]; m],
            scores: vec![0.0; m],
        })
    }

    fn point(&mut self, k: usize, trials: usize, rng: &mut LabRng, out: &mut RiskPoint) {
        // The χ² laws of the Bartlett diagonal, A_ii² ~ χ²(k − 1 − i), made once per k.
        let dof = k.saturating_sub(1) as f64;
        let chi: [Option<ChiSquared<f64>>; D] = std::array::from_fn(|i| ChiSquared::new(dof - i as f64).ok());
        let mut ctx = Context { sum_x: [0.0; D], s: [[0.0; D]; D], b: [0.0; D] };
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
    fn input(&self, rng: &mut LabRng) -> Vect<D> {
        std::array::from_fn(|i| self.mu[i] + self.sigma_x * normal(rng))
    }

    /// The statistics of k fresh examples (`sampler::ContextSource::stats`, the same draws).
    fn draw(&self, k: usize, chi: &[Option<ChiSquared<f64>>; D], rng: &mut LabRng, ctx: &mut Context<D>) {
        if k <= D + 1 {
            *ctx = Context { sum_x: [0.0; D], s: [[0.0; D]; D], b: [0.0; D] };
            for _ in 0..k {
                let x = self.input(rng);
                let y = dot(&x, &self.label_w) + self.noise * normal(rng);
                for i in 0..D {
                    ctx.sum_x[i] += x[i];
                    for j in 0..D {
                        ctx.s[i][j] += x[i] * x[j];
                    }
                    ctx.b[i] += x[i] * y;
                }
            }
            return;
        }
        let kf = k as f64;
        let scale = self.sigma_x * kf.sqrt();
        let z: Vect<D> = std::array::from_fn(|_| scale * normal(rng));
        let dof = (k - 1) as f64;
        let mut a = [[0.0; D]; D];
        for i in 0..D {
            let chi2 = chi[i].as_ref().map_or(dof - i as f64, |c| c.sample(rng));
            a[i][i] = chi2.sqrt();
            for j in 0..i {
                a[i][j] = normal(rng);
            }
        }
        let var_x = self.sigma_x.powi(2);
        let mu = &self.mu;
        for i in 0..D {
            for j in 0..D {
                let mut aat = 0.0;
                for l in 0..=i.min(j) {
                    aat += a[i][l] * a[j][l];
                }
                let zz = z[i] * z[j] / kf + aat * var_x;
                ctx.s[i][j] = mu[i] * mu[j] * kf + mu[i] * z[j] + z[i] * mu[j] + zz;
            }
        }
        for i in 0..D {
            ctx.b[i] = dot(&ctx.s[i], &self.label_w);
            ctx.sum_x[i] = mu[i] * kf + z[i];
        }
        if self.noise > 0.0 {
            let g: Vect<D> = std::array::from_fn(|_| self.noise * normal(rng));
            let mut l = ctx.s;
            if cholesky(&mut l).is_some() {
                for i in 0..D {
                    let mut sum = 0.0;
                    for j in 0..=i {
                        sum += l[i][j] * g[j];
                    }
                    ctx.b[i] += sum;
                }
            } else {
                let noise = eigen::semidefinite_root_times(&ctx.s, &g);
                for i in 0..D {
                    ctx.b[i] += noise[i];
                }
            }
        }
    }

    /// The squared errors against w* and w_α and the bound (when asked for), with the weights
    /// left in `scores`; `None` when a number is not finite or A is not positive definite.
    fn trial(&mut self, k: usize, ctx: &Context<D>, query: &Vect<D>) -> Option<(f64, f64, Option<f64>)> {
        let stats_finite = finite(&ctx.sum_x) && finite(&ctx.b) && ctx.s.iter().all(finite);
        if !(stats_finite && finite(query)) {
            return None;
        }
        let delta_w = self.delta_w;
        let mut l = [[0.0; D]; D];
        for i in 0..D {
            for j in 0..=i {
                l[i][j] = ctx.s[i][j] * delta_w + if i == j { 1.0 } else { 0.0 };
            }
        }
        if !l.iter().all(finite) {
            return None;
        }
        let inv = cholesky(&mut l)?;
        let mut v = ctx.b;
        forward(&l, &inv, &mut v);
        let mut q = *query;
        forward(&l, &inv, &mut q);
        if !(finite(&v) && finite(&q)) {
            return None;
        }
        let n = (k + 1) as f64;
        let x_bar: Vect<D> = std::array::from_fn(|i| (ctx.sum_x[i] + query[i]) / n);
        let mu_scale = 2.0 * (self.var_x + n * self.var_mu);
        for beta in 0..self.skill_w.len() {
            let mut u = self.skill_w[beta];
            forward(&l, &inv, &mut u);
            if !finite(&u) {
                return None;
            }
            let diff: Vect<D> = std::array::from_fn(|i| x_bar[i] - self.skill_mu[beta][i]);
            // ℓ^μ_β = −n‖x̄ − μ_β‖² / (2(σ_x² + nσ_μ²)); ℓ^w_β = −(‖w_β‖² − ‖u_β‖² − 2δ_w⟨u_β, v⟩)/(2σ_w²).
            let l_mu = -n * dot(&diff, &diff) / mu_scale;
            let l_w = -(self.w_norm2[beta] - dot(&u, &u) - 2.0 * delta_w * dot(&u, &v)) / (2.0 * self.var_w);
            self.scores[beta] = self.ln_weight[beta] + l_mu + l_w;
            self.solved[beta] = u;
        }
        // Skills with π_β > 0 need a finite or −∞ log-weight, and not all of them −∞.
        let live = || self.scores.iter().zip(&self.live).filter(|(_, &on)| on).map(|(l, _)| *l);
        if live().any(|l| l.is_nan() || l == f64::INFINITY) || live().all(|l| !l.is_finite()) {
            return None;
        }
        softmax_in_place(&mut self.scores);
        let shift = delta_w * dot(&v, &q);
        let mut prediction = 0.0;
        for (p, u) in self.scores.iter().zip(&self.solved) {
            prediction += p * (dot(u, &q) + shift);
        }
        if !prediction.is_finite() {
            return None;
        }
        let risk = (prediction - dot(query, &self.task_w)).powi(2);
        let retrieval = (prediction - dot(query, &self.w_alpha)).powi(2);
        let bound = self.with_bound.then(|| {
            // B = ‖x_q‖² Σ_β π̃_β ‖w_β − w*‖² / λ_min(I + δ_w S)².
            // S is a sum of k outer products: for k < d it is singular, λ_min(S) = 0.
            let smallest = if k < D { 0.0 } else { eigen::lambda_min(&ctx.s) };
            let lambda = 1.0 + delta_w * smallest.max(0.0);
            let spread: f64 = self.scores.iter().zip(&self.spread).map(|(p, s)| p * s).sum();
            dot(query, query) * spread / (lambda * lambda)
        });
        let all_finite = risk.is_finite() && retrieval.is_finite() && bound.is_none_or(f64::is_finite);
        all_finite.then_some((risk, retrieval, bound))
    }
}

/// `posterior::softmax` in place: exp(ℓ_β − max ℓ)/Σ, weights of −∞ scores exactly 0.
fn softmax_in_place(scores: &mut [f64]) {
    let max = scores.iter().copied().filter(|v| v.is_finite()).fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        let uniform = 1.0 / scores.len().max(1) as f64;
        scores.iter_mut().for_each(|s| *s = uniform);
        return;
    }
    let mut total = 0.0;
    for s in scores.iter_mut() {
        *s = if s.is_finite() { (*s - max).exp() } else { 0.0 };
        total += *s;
    }
    scores.iter_mut().for_each(|s| *s /= total);
}
