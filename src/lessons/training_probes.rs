//! The training lesson's probe inputs: a few fixed inputs on which the page compares, output by
//! output, the adapted models with the target (the figure `outputs`, a scatter around y = x). The
//! probes are the first `PROBES` of the run's test inputs, so they cost no random draws and leave
//! every other number of the lesson unchanged.

use crate::linalg::Matrix;

/// How many probe inputs the figure shows (each gives D output coordinates).
pub const PROBES: usize = 12;

/// The probe inputs and the outputs that do not change while the run trains.
#[derive(Clone, Debug, PartialEq)]
pub struct Probes {
    /// The inputs, one per column (D × `PROBES`).
    pub inputs: Matrix,
    /// The target's outputs f̄(x) on them (D × `PROBES`).
    pub target: Matrix,
    /// The construction's outputs at the run's rank, when it can be used.
    pub construction: Option<Matrix>,
}

impl Probes {
    /// The first `PROBES` columns of the test inputs `test` (all of them when there are fewer).
    pub fn inputs_from(test: &Matrix) -> Matrix {
        test.columns(0, PROBES.min(test.ncols())).into_owned()
    }
}

/// One series of the figure: (target's output, adapted model's output) for every output
/// coordinate of every probe, probe by probe; pairs with a non-finite output are left out.
pub fn pairs(target: &Matrix, adapted: &Matrix) -> Vec<(f64, f64)> {
    target.iter().zip(adapted.iter()).map(|(&t, &a)| (t, a)).filter(|(t, a)| t.is_finite() && a.is_finite()).collect()
}

/// The mean squared difference between the adapted outputs and the target's over `pairs` (the
/// test MSE's definition, on the probes only); `None` for no pairs.
pub fn mean_squared_difference(pairs: &[(f64, f64)]) -> Option<f64> {
    (!pairs.is_empty()).then(|| pairs.iter().map(|(t, a)| (a - t) * (a - t)).sum::<f64>() / pairs.len() as f64)
}
