#!/usr/bin/env bash
# Installs, idempotently, everything Adaptation Lab needs to build, serve and test on a fresh
# Debian machine with a Rust toolchain: the wasm32 target, the pinned wasm-bindgen CLI, the npm
# packages (binaryen's wasm-opt, playwright-core, @axe-core/playwright) and, with --browser, Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen = "=…"` pin in Cargo.toml

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  # --locked fails for this CLI (its lockfile names a yanked webpki-roots); default features pull rustls we never use.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --no-default-features --force
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/@axe-core/playwright ] || [ ! -x node_modules/.bin/esbuild ]; then
  # npm's binaryen: Debian's wasm-opt 108 breaks wasm-bindgen's output.
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi
