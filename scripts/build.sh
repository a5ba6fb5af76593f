#!/usr/bin/env bash
# Builds the lab into dist/ (for any static host: one minified module, the page's wasm) and dist/adaptation-lab.html (one self-contained
# file that works from file://). Two wasm builds: the page's, and the export build with the SVG
# writer (feature svg-export), which the page loads on the first SVG export and the single file
# inlines as its only build. Assumes scripts/setup.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."

# wasm-bindgen glue, then npm's binaryen (not Debian's, which breaks wasm-bindgen's table exports).
bindgen() { # <cargo target dir> <out dir>
  rm -rf "$2"
  wasm-bindgen --target web --no-typescript --out-dir "$2" "$1/wasm32-unknown-unknown/release/adaptlab.wasm"
  node_modules/.bin/wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$2/adaptlab_bg.wasm" -o "$2/adaptlab_bg.wasm"
}

cargo build --release --target wasm32-unknown-unknown --lib
bindgen target www/pkg
# A separate target directory, so the two feature sets do not rebuild each other.
cargo build --release --target wasm32-unknown-unknown --lib --features svg-export --target-dir target/export
bindgen target/export www/pkg-export

rm -rf dist
mkdir -p dist/www
cp index.html dist/
cp www/*.css www/*.svg www/bench.html dist/www/
cp -r www/pkg www/pkg-export dist/www/
# The page's modules and the wasm glue as one minified module (the export build stays a
# separate file, imported on the first SVG export).
node_modules/.bin/esbuild www/main.js www/worker.js --bundle --minify --format=esm --target=es2022 \
  --external:./pkg-export/adaptlab.js --outdir=dist/www --log-level=warning
mkdir -p dist/examples && cp examples/course.html dist/examples/
node scripts/single-file.mjs dist/adaptation-lab.html
echo "built dist/ ($(du -sh dist | cut -f1)); page wasm $(gzip -9c dist/www/pkg/adaptlab_bg.wasm | wc -c) B gzipped"
