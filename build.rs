//! Fingerprints the code that determines the lab's numbers, for the files of computed job results
//! (`adaptlab figure --out`, `--shard`): `ADAPTLAB_SOURCE_HASH` is a 64-bit FNV-1a hash
//! of every Rust source of the workspace (`src/`, `crates/*/src/`) and of `Cargo.lock` (the exact
//! versions of nalgebra, rand, … that the numbers also depend on), taken in sorted path order.
//! Any edit changes it, a comment included: shards computed by different builds are never merged.

use std::path::{Path, PathBuf};

fn main() {
    let mut files = Vec::new();
    for root in ["src", "crates"] {
        println!("cargo:rerun-if-changed={root}");
        collect(Path::new(root), &mut files);
    }
    println!("cargo:rerun-if-changed=Cargo.lock");
    files.push(PathBuf::from("Cargo.lock"));
    files.sort();
    // FNV-1a over (path, 0, contents, 0) of each file.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in &files {
        let contents = std::fs::read(file).unwrap_or_default();
        let path = file.to_string_lossy().replace('\\', "/");
        for byte in path.bytes().chain([0]).chain(contents).chain([0]) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=ADAPTLAB_SOURCE_HASH={hash:016x}");
}

/// Every `.rs` file under `dir` (skipping `target` directories).
fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                collect(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
