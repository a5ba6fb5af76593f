#!/usr/bin/env bash
# Builds the lab into dist/: the Rust core for wasm32, its wasm-bindgen glue, wasm-opt, and the
# static page (index.html + www/). Assumes scripts/setup.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --target wasm32-unknown-unknown --lib
rm -rf www/pkg
wasm-bindgen --target web --no-typescript --out-dir www/pkg target/wasm32-unknown-unknown/release/adaptlab.wasm
# npm's binaryen (not Debian's, which breaks wasm-bindgen's table exports).
node_modules/.bin/wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  www/pkg/adaptlab_bg.wasm -o www/pkg/adaptlab_bg.wasm

rm -rf dist
mkdir -p dist/www
cp index.html dist/
cp www/*.js www/*.css dist/www/
cp www/bench.html dist/www/
cp -r www/pkg dist/www/pkg
echo "built dist/ ($(du -sh dist | cut -f1))"
