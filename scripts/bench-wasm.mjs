// Browser benchmark of Adaptation Lab: times the kernels in wasm (headless Chromium) against the
// same kernels natively, and the page's slider-to-redrawn-figure latency. Prints numbers; asserts nothing.
// Usage: node scripts/bench-wasm.mjs   (after scripts/build.sh and with dist/ built)
import { execFileSync } from 'node:child_process';
import { startLab } from '../tests/e2e/harness.mjs';

const native = JSON.parse(execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'native_kernels']).toString());
const lab = await startLab();
const { page, context } = await lab.open();
await page.goto(`${lab.origin}/www/bench.html`);
await page.waitForSelector('body[data-done="1"]', { timeout: 120000 });
const wasm = JSON.parse(await page.textContent('#out'));
await context.close();

console.log('kernel                      native ms    wasm ms   wasm/native');
for (const row of wasm) {
  const base = native.find((n) => n.kernel === row.kernel && n.width === row.width);
  console.log(`${`${row.kernel} D=${row.width}`.padEnd(26)} ${base.ms.toFixed(3).padStart(10)} ${row.ms.toFixed(3).padStart(10)} ${(row.ms / base.ms).toFixed(2).padStart(10)}`);
}

// Latency from a slider event to the redrawn figures (compute + draw + text), on the real page.
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
for (const width of [16, 64]) {
  const { page: p, context: c } = await lab.open(`#v=1&view=lora-linear&D=${width}`);
  for (const [key, label] of [['R', 'rank slider (ranks only)'], ['seed', 'seed (full recompute)']]) {
    const samples = [];
    for (let i = 0; i < 30; i++) {
      samples.push(await p.evaluate(async ([k, step]) => {
        const input = document.querySelector(`[data-key="${k}"]`);
        const next = k === 'R' ? (step % 8) + 1 : step + 100;
        input.value = String(next);
        const started = performance.now();
        input.dispatchEvent(new Event(k === 'R' ? 'input' : 'change'));
        await new Promise((r) => requestAnimationFrame(() => r()));
        return { total: performance.now() - started, render: Number(document.body.dataset.renderMs) };
      }, [key, i]));
    }
    const render = samples.slice(5).map((s) => s.render);
    const frame = samples.slice(5).map((s) => s.total);
    console.log(`D=${width} ${label.padEnd(26)} render median ${median(render).toFixed(1)} ms, p95 ${p95(render).toFixed(1)} ms; to next frame median ${median(frame).toFixed(1)} ms`);
  }
  await c.close();
}
// In-context learning on the page: time to the first risk curve, and to the whole of Figure 6.
{
  const { page: p, context: c } = await lab.open('#v=1&view=icl-risk&d=2');
  await p.waitForSelector('body[data-first-result-ms]');
  // Measured in the page from navigation start: HTML, wasm, and the first Monte Carlo chunk drawn.
  const first = Number(await p.evaluate(() => document.body.dataset.firstResultMs));
  const ready = await p.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd);
  console.log(`ICL risk lesson: first risk curve drawn ${first} ms after navigation (DOM ready at ${ready.toFixed(0)} ms)`);
  const started = Date.now();
  await p.evaluate(() => { location.hash = '#v=1&view=icl-paper&fig=6'; });
  await p.waitForFunction(() => location.hash.includes('fig=6') || location.hash === '#v=1&view=icl-paper');
  await p.waitForSelector('body[data-settled="1"]', { timeout: 120000 });
  console.log(`ICL Figure 6 (five panels, 10,000 trials per point) complete on the page in ${Date.now() - started} ms`);
  await c.close();
}
await lab.close();
