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
