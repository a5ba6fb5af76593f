#!/usr/bin/env bash
# Builds the lab into dist/ (for any static host: one minified module, the page's wasm) and dist/adaptation-lab.html (one self-contained
# file that works from file://). Two wasm builds: the page's, and the export build with the SVG
# writer (feature svg-export), which the page loads on the first SVG export and the single file
# inlines as its only build. Assumes scripts/setup.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."

# wasm-bindgen glue, then npm's binaryen (not Debian's, which breaks wasm-bindgen's table exports).
bindgen() { # <cargo target dir and profile> <out dir> <wasm-opt level>
  rm -rf "$2"
  # --experimental-reset-state-function: __wbg_reset_state() gives the page a fresh instance of the
  # same compiled module after a Rust panic has aborted the old one (www/main.js).
  wasm-bindgen --target web --no-typescript --experimental-reset-state-function --out-dir "$2" "$1/adaptlab.wasm"
  node_modules/.bin/wasm-opt --generate-global-effects $3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd --strip-producers --strip-target-features \
    "$2/adaptlab_bg.wasm" -o "$2/adaptlab_bg.wasm"
}

# The page's build leaves out transformer training (feature transformer-training), which the Web
# Workers run from the export build.
cargo build --profile page --target wasm32-unknown-unknown --lib --no-default-features
# The page's build for size (-Oz: its mathematics is in the numerical crates, built at opt-level 3).
# A fresh instance's memory is zero-filled (a reset after a panic instantiates the module anew,
# www/main.js), and Rust's stack sits below its data, growing down from 1 MB, so nothing lives in
# the lowest kilobyte: binaryen may drop zero bytes from the data and fold low addresses (2.6 KB
# gzipped). binaryen's own inlining is skipped: rustc has inlined what pays (the numerical crates at
# opt-level 3), and binaryen's second round only copied bodies (11 KB gzipped).
bindgen target/wasm32-unknown-unknown/page www/pkg "-Oz --converge --zero-filled-memory --low-memory-unused --skip-pass=inlining-optimizing"
# A separate target directory, so the two feature sets do not rebuild each other.
cargo build --release --target wasm32-unknown-unknown --lib --features svg-export --target-dir target/export
bindgen target/export/wasm32-unknown-unknown/release www/pkg-export -O3

rm -rf dist
mkdir -p dist/www
# The page's HTML without its indentation (each line's leading blanks; the line breaks stay, so
# the text reads the same).
sed 's/^[[:space:]]*//' index.html > dist/index.html
cp www/*.svg www/bench.html dist/www/
# The landing page's lesson thumbnails (made by scripts/thumbnails.mjs from a built page).
mkdir -p www/thumbs && cp -r www/thumbs dist/www/
cp -r www/pkg www/pkg-export dist/www/
# The finished results of the slow paper presets, fetched when one opens (scripts/precompute.sh).
cp -r www/results dist/www/
# The page's modules and the wasm glue as minified modules: the page's, the worker's, and the
# export actions split off to load on first use (the export build stays a separate file too).
node_modules/.bin/esbuild www/main.js www/worker.js --bundle --splitting --minify --format=esm --target=es2022 \
  --external:./pkg-export/adaptlab.js --outdir=dist/www --chunk-names=chunk-[hash] --log-level=warning
node_modules/.bin/esbuild www/style.css --minify --outfile=dist/www/style.css --log-level=warning
mkdir -p dist/examples && cp examples/course.html dist/examples/
node scripts/single-file.mjs dist/adaptation-lab.html
echo "built dist/ ($(du -sh dist | cut -f1)); page wasm $(gzip -9c dist/www/pkg/adaptlab_bg.wasm | wc -c) B gzipped"
