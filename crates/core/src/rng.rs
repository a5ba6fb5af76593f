//! Seeded random streams. Every random number the lab shows comes from here, so a seed in the
//! URL state reproduces the same numbers on every machine (ChaCha8 is portable and stable across
//! platforms and crate versions of the same major release).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The lab's random generator.
pub type LabRng = ChaCha8Rng;

/// A generator for `seed`. Distinct uses of randomness within one lesson take draws from the
/// same stream in a fixed, documented order (for LoRA: target first, then frozen layers, as in
/// the paper's code), so changing one setting does not reshuffle unrelated draws.
pub fn seeded(seed: u64) -> LabRng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// An independent stream `stream` of generator `seed` (e.g. model weights on stream 0,
/// calibration inputs on 1, test inputs on 2), so drawing more of one never shifts another.
pub fn stream(seed: u64, stream: u64) -> LabRng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Named streams used across the lessons.
pub mod streams {
    /// Model weights (stream 0 is also what `seeded` returns).
    pub const MODELS: u64 = 0;
    /// Calibration inputs that size the FNN construction's biases.
    pub const CALIBRATION: u64 = 1;
    /// Test inputs on which errors are measured.
    pub const TEST: u64 = 2;
    /// Training batches and adapter initialisation.
    pub const TRAINING: u64 = 3;
    /// Batches of the pretraining that moves a frozen model towards the target.
    pub const PRETRAINING: u64 = 4;
}
