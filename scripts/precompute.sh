#!/usr/bin/env bash
# Regenerates the finished results that ship with Adaptation Lab (www/results/): every run of each
# LoRA paper preset whose full computation takes minutes on the page, computed natively by the
# lab's own code on every core (`adaptlab figure --out`), with the preset's own seeds. Each file
# names the link state and the code version that computed it. About 11 minutes on two cores
# (Figure 1: 101 s, Figure 2: 140 s, final layers: 342 s, biases: 82 s).
# `tests/shipped_results.rs` and `tests/e2e/shipped.test.mjs` recompute a sample of every file's
# runs (natively and in Chromium) and fail when the code no longer gives the same numbers: then
# run this script and commit the files.
#   bash scripts/precompute.sh [--threads N]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --profile ci --bin adaptlab
mkdir -p www/results
for preset in 1 2 flt bias; do
  started=$(date +%s)
  target/ci/adaptlab figure "#v=1&view=lora-paper&fig=$preset" --out "www/results/lora-paper-$preset.json" "$@"
  echo "lora-paper-$preset.json: $(( $(date +%s) - started )) s"
done
