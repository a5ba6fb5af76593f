//! The finished results that ship with the lab (`www/results/`, made by `scripts/precompute.sh`),
//! built into the command line so that `adaptlab report` and `render` open a slow preset as the
//! page does. The page fetches the same files on demand instead (they are not part of its wasm).

use crate::results_file::Results;

/// Every file that ships, by name.
const FILES: [(&str, &str); 4] = [
    ("lora-paper-1.json", include_str!("../www/results/lora-paper-1.json")),
    ("lora-paper-2.json", include_str!("../www/results/lora-paper-2.json")),
    ("lora-paper-flt.json", include_str!("../www/results/lora-paper-flt.json")),
    ("lora-paper-bias.json", include_str!("../www/results/lora-paper-bias.json")),
];

/// The names of the files that ship.
pub fn files() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(name, _)| *name)
}

/// The results in shipped file `file`, read and checked as any results file is.
pub fn results(file: &str) -> Result<Results, String> {
    let (_, text) =
        FILES.iter().find(|(name, _)| *name == file).ok_or_else(|| format!("no file {file} ships with the lab"))?;
    Results::parse(text, file).map_err(|e| e.to_string())
}
