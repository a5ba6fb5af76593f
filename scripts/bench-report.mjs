// Adaptation Lab's benchmark report: every kernel natively and in wasm (headless Chromium) with
// the ratio, each lesson's slider-to-redrawn-figure latency and first paint, the time to a full
// paper-figure preset, and the Monte Carlo speed-up from 1 to N Web Workers. Prints a table and
// writes the numbers to bench/report.json. Benchmarks print numbers; tests never assert on time.
//   bash scripts/build.sh && node scripts/bench-report.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLab, ROOT } from '../tests/e2e/harness.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const report = { date: new Date().toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version } };

console.error('timing the kernels natively…');
const native = JSON.parse(execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'native_kernels'], { cwd: ROOT }).toString());
const lab = await startLab();
report.machine.chromium = lab.browser.version();

console.error('timing the kernels in wasm…');
{
  const { page, context } = await lab.open();
  await page.goto(`${lab.origin}/www/bench.html`);
  await page.waitForSelector('body[data-done="1"]', { timeout: 600000 });
  const wasm = JSON.parse(await page.textContent('#out'));
  report.kernels = native.map((n) => {
    const w = wasm.find((row) => row.name === n.name);
    return { name: n.name, unit: n.unit, native_ms: n.ms, wasm_ms: w?.ms ?? null, ratio: w ? w.ms / n.ms : null };
  });
  await context.close();
}

console.error('timing the lessons…');
const LESSONS = ['lora-linear', 'lora-fnn', 'lora-transformer', 'lora-training', 'lora-paper', 'icl-prompt', 'icl-risk', 'icl-paper'];
report.lessons = [];
for (const view of LESSONS) {
  const { page, context } = await lab.open(`#v=1&view=${view}`);
  const firstDraw = Number(await page.evaluate(() => document.body.dataset.firstDrawMs));
  // The lesson's first slider (or its first choice): a change, then the redrawn figures.
  const key = await page.$eval('main:not([hidden]) .controls [data-key]', (e) => e.dataset.key);
  // Tasks over 50 ms while the control moves and the lesson's work runs after it.
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  const samples = [];
  for (let i = 0; i < 25; i++) {
    samples.push(await page.evaluate(async ([k, step]) => {
      const input = document.querySelector(`main:not([hidden]) [data-key="${k}"]`);
      if (input.tagName === 'SELECT') input.selectedIndex = step % input.options.length;
      else input.value = String(Number(input.min) + ((step % 4) + 1) * (Number(input.step) || 1));
      const started = performance.now();
      input.dispatchEvent(new Event(input.tagName === 'SELECT' ? 'change' : 'input'));
      const render = Number(document.body.dataset.renderMs);
      await new Promise((r) => requestAnimationFrame(() => r()));
      return { render, frame: performance.now() - started };
    }, [key, i]));
  }
  const kept = samples.slice(5);
  await page.waitForSelector('body[data-settled="1"]', { timeout: 600000 });
  const longTasks = await page.evaluate(() => window.longTasks);
  const row = {
    view, control: key, first_draw_ms: firstDraw,
    render_median_ms: median(kept.map((s) => s.render)), render_p95_ms: p95(kept.map((s) => s.render)),
    to_next_frame_median_ms: median(kept.map((s) => s.frame)),
    long_tasks: longTasks.length, slowest_task_ms: Math.max(0, ...longTasks),
  };
  report.lessons.push(row);
  await context.close();
}

console.error('timing the paper-figure presets…');
async function preset(fragment, workers) {
  const context = await lab.browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const query = workers === undefined ? '' : `?workers=${workers}`;
  const started = Date.now();
  await page.goto(`${lab.origin}/index.html${query}${fragment}`);
  await page.waitForSelector('body[data-settled="1"]', { timeout: 900000 });
  const ms = Date.now() - started;
  const used = await page.evaluate(() => document.body.dataset.workers ?? '0');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await context.close();
  return { ms, workers: Number(used), cores };
}
report.presets = [];
report.presets.push({ name: 'Training lesson: 5,000 Adam steps, D=16, L=4, target depth 2, rank 4, batch 256 (page, with drawing)', ...(await preset('#v=1&view=lora-training&Lbar=2&L=4&pace=max')) });
report.presets.push({ name: 'LoRA Figure 2 from the finished results that ship with the lab (fetched, taken, drawn)', ...(await preset('#v=1&view=lora-paper&fig=2')) });
report.presets.push({ name: 'LoRA Figure 2 recomputed live (160 constructions and 160 training runs of 5,000 steps), one worker per core', ...(await preset('#v=1&view=lora-paper&fig=2&live=1')) });
report.worker_speedup = [];
// The speed-up from workers, for a training sweep and a Monte Carlo sweep.
for (const [name, fragment, single] of [
  ['LoRA biases figure recomputed live (160 training runs of 5,000 steps)', '#v=1&view=lora-paper&fig=bias&live=1', 0],
  ['ICL Figure 6 (five panels, 10,000 trials per point)', '#v=1&view=icl-paper&fig=6', 1],
]) {
  const alone = await preset(fragment, single);
  report.presets.push({ name: `${name}, ${single ? 'one worker' : "on the page's thread only"}`, ...alone });
  if (single) report.presets.push({ name: `${name}, on the page's thread only`, ...(await preset(fragment, 0)) });
  const all = await preset(fragment);
  report.presets.push({ name: `${name}, one worker per core`, ...all });
  report.worker_speedup.push({ figure: name, baseline: single ? 'one worker' : "the page's thread", baseline_ms: alone.ms, workers: all.workers, n_workers_ms: all.ms, speedup: alone.ms / all.ms });
}
await lab.close();

const out = path.join(ROOT, 'bench/report.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

const f = (x, d = 3) => (x === null || x === undefined ? '—' : x.toFixed(d));
console.log(`Adaptation Lab benchmark report — ${report.machine.cpus} cores (${report.machine.model}), Chromium ${report.machine.chromium}\n`);
console.log(`${'kernel'.padEnd(44)} ${'unit'.padEnd(10)} ${'native ms'.padStart(11)} ${'wasm ms'.padStart(11)} ${'wasm/native'.padStart(11)}`);
for (const k of report.kernels) console.log(`${k.name.padEnd(44)} ${k.unit.padEnd(10)} ${f(k.native_ms, 5).padStart(11)} ${f(k.wasm_ms, 5).padStart(11)} ${f(k.ratio, 2).padStart(11)}`);
console.log(`\n${'lesson'.padEnd(18)} ${'control'.padEnd(9)} ${'first draw'.padStart(11)} ${'render med'.padStart(11)} ${'render p95'.padStart(11)} ${'next frame'.padStart(11)} ${'long tasks'.padStart(11)} ${'slowest'.padStart(8)}   (ms)`);
for (const l of report.lessons) console.log(`${l.view.padEnd(18)} ${l.control.padEnd(9)} ${f(l.first_draw_ms, 0).padStart(11)} ${f(l.render_median_ms, 1).padStart(11)} ${f(l.render_p95_ms, 1).padStart(11)} ${f(l.to_next_frame_median_ms, 1).padStart(11)} ${String(l.long_tasks).padStart(11)} ${f(l.slowest_task_ms, 0).padStart(8)}`);
console.log('');
for (const p of report.presets) console.log(`${p.name}: ${(p.ms / 1000).toFixed(2)} s with ${p.workers} worker(s) on ${p.cores} cores`);
for (const w of report.worker_speedup) console.log(`${w.figure}: ${w.speedup.toFixed(2)}× faster with ${w.workers} workers than with ${w.baseline}`);
console.log(`\nwrote ${path.relative(ROOT, out)}`);
