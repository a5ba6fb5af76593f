#!/usr/bin/env bash
# Runs every check of Adaptation Lab, fast ones first — exactly what CI runs (.ci/run).
# Installs what is missing first (wasm32 target, wasm-bindgen CLI, npm tools, Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --browser

echo "== format"
cargo fmt --all -- --check
echo "== clippy (native and wasm32)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --workspace --lib --target wasm32-unknown-unknown -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings
echo "== native tests (optimised profile 'ci', shared with the adaptlab binary the browser tests call)"
cargo test --profile ci --workspace
echo "== build: the adaptlab command and the page"
cargo build --profile ci --bin adaptlab
bash scripts/build.sh
echo "== end-to-end tests in Chromium"
ADAPTLAB_BIN=target/ci/adaptlab node --test tests/e2e/
