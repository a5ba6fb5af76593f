// End-to-end tests of the in-context-learning lessons: curves appear at once and refine while the
// page stays usable; early ascent and bounded efficacy are read off the curves; presets load.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLab, canvasHash, canvasColours, settledCsv, downloadCsv, parseCsv, ROOT } from './harness.mjs';

// The adaptlab binary to cross-check against (scripts/test.sh builds it with the 'ci' profile).
const ADAPTLAB = path.resolve(ROOT, process.env.ADAPTLAB_BIN || 'target/release/adaptlab');
let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

const value = (page, id) => page.$eval(id, (el) => Number(el.dataset.value));
// wasm and native floats may differ in the last bits (their exp and log), nothing more.
const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300);

// The page's link as `adaptlab problem`, solved natively: the problem and the answer.
async function solveShown(page) {
  const fragment = await page.evaluate(() => location.hash);
  assert.equal(await page.textContent('#cli-solve'), `adaptlab problem '${fragment}' | adaptlab solve`);
  // The command is in the "For researchers" fold at the end of the lesson, closed at first.
  assert.equal(await page.isVisible('#cli-solve'), false, 'closed until a researcher opens it');
  await page.click('#researchers > summary');
  assert.equal(await page.isVisible('#cli-solve'), true, 'the page shows the command');
  const problem = execFileSync(ADAPTLAB, ['problem', fragment], { maxBuffer: 1 << 26 });
  const answer = JSON.parse(execFileSync(ADAPTLAB, ['solve'], { input: problem, maxBuffer: 1 << 26 }).toString());
  return { problem: JSON.parse(problem.toString()), answer };
}

// The native `adaptlab render` CSV of a link, parsed.
function renderedCsv(fragment) {
  const dir = mkdtempSync(path.join(tmpdir(), 'adaptlab-render-'));
  try {
    execFileSync(ADAPTLAB, ['render', fragment, '--svg', path.join(dir, 'f.svg'), '--csv', path.join(dir, 'f.csv')]);
    return parseCsv(readFileSync(path.join(dir, 'f.csv'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true });
  }
}

function assertCloseAll(got, expected, what) {
  assert.equal(got.length, expected.length, `${what}: ${got.length} values, expected ${expected.length}`);
  got.forEach((g, i) => assert.ok(close(g, expected[i]), `${what}[${i}]: page ${g}, adaptlab ${expected[i]}`));
}

test('the one-prompt lesson shows what adaptlab problem | adaptlab solve computes: prediction and posterior weights', async () => {
  for (const fragment of ['#v=1&view=icl-prompt&k=12&seed=3', '#v=1&view=icl-prompt&scenario=regular4&k=40&seed=5']) {
    const { page, context, problems } = await lab.open(fragment);
    await page.waitForSelector('body[data-settled="1"]');
    const { problem, answer } = await solveShown(page);
    assert.equal(problem.kind, 'icl-posterior');
    assert.equal(problem.context.x.length, await value(page, '#prompt-k-shown'), 'the context is the examples shown');
    assert.ok(close(await value(page, '#prompt-prediction'), answer.prediction), `prediction ${answer.prediction}`);
    const bars = parseCsv(await downloadCsv(page, 'weights')).filter((r) => r.series === 'posterior_weight');
    assert.deepEqual(bars.map((r) => r.x), answer.posterior_weights.map((_, b) => b + 1));
    assertCloseAll(bars.map((r) => r.y), answer.posterior_weights, `${fragment} posterior weights`);
    assert.equal(await value(page, '#prompt-leading'), 1 + answer.posterior_weights.indexOf(Math.max(...answer.posterior_weights)));
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test("the risk lesson's Monte Carlo curve is what adaptlab problem | adaptlab solve computes with the same seed", async () => {
  const { page, context, problems } = await lab.open('#v=1&view=icl-risk&prior=biased&labels=random&ls=1.5&kmax=8&trials=500&seed=3');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  const { problem, answer } = await solveShown(page);
  assert.deepEqual([problem.kind, problem.seed, problem.trials, problem.labels.noise], ['icl-risk', 3, 500, 1.5]);
  assert.deepEqual(answer.k, [0, 1, 2, 4, 8, 16, 32, 64, 128, 256]);
  const rows = parseCsv(await downloadCsv(page, 'risk') + (await downloadCsv(page, 'weights')).replace(/^[^\n]*\n/, ''));
  const series = (figure, key, legend = null) => rows.filter((r) => r.figure === figure && r.series === key && (legend === null || legend(r.legend)));
  const risk = series('risk', 'risk');
  assert.deepEqual(risk.map((r) => r.x), answer.k, 'a risk value at every k');
  assertCloseAll(risk.map((r) => r.y), answer.risk, 'risk');
  assertCloseAll(series('risk', 'risk_plus_2se').map((r) => r.y), answer.risk.map((r, i) => r + 2 * answer.se[i]), 'risk + 2 SE');
  answer.mean_posterior_weights[0].forEach((_, b) => {
    const weights = series('weights', 'weight', (legend) => legend === `skill ${b + 1}` || legend.startsWith(`skill ${b + 1} `));
    assert.deepEqual(weights.map((r) => r.x), answer.k);
    assertCloseAll(weights.map((r) => r.y), answer.mean_posterior_weights.map((w) => w[b]), `skill ${b + 1}'s mean weight`);
  });
  assert.equal(await value(page, '#icl-trials-done'), 500);
  assert.ok(close(await value(page, '#icl-risk0'), answer.risk[0]));
  assert.ok(close(await value(page, '#icl-last'), answer.risk.at(-1)));
  assert.deepEqual(problems, []);
  await context.close();
});

test('the risk curve appears at once and refines as trials stream in', async () => {
  // Opened from the landing page, so that every drawn state's trials are recorded as the page
  // draws them (a poll from the test can miss the partial curves of a fast machine).
  const { page, context, problems } = await lab.open('');
  await page.evaluate(() => {
    window.drawnTrials = [];
    document.addEventListener('adaptlab:rendered', () => window.drawnTrials.push(Number(document.getElementById('icl-trials-done').dataset.value)));
    location.hash = '#v=1&view=icl-risk&trials=20000';
  });
  await page.waitForFunction(() => Number(document.getElementById('icl-trials-done').dataset.value) > 0);
  const early = Math.min(...await page.evaluate(() => window.drawnTrials.filter((t) => t > 0)));
  const hash = await canvasHash(page, 'risk');
  // The page answers input while trials stream in.
  await page.selectOption('#icl-d', '2');
  await page.waitForFunction(() => location.hash.includes('d=2'));
  await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  assert.equal(await value(page, '#icl-trials-done'), 20000);
  assert.ok(early < 20000, `the first curve came before all trials (${early})`);
  assert.notEqual(await canvasHash(page, 'risk'), hash);
  assert.ok(await canvasColours(page, 'weights') > 8);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the large-ascent prior shows early ascent in numbers and words', async () => {
  const { page, context } = await lab.open('#v=1&view=icl-risk&prior=ascent&kmax=12&trials=2000');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  const [start, peak, last] = [await value(page, '#icl-risk0'), await value(page, '#icl-peak'), await value(page, '#icl-last')];
  assert.ok(peak > 2.5 * start, `peak ${peak} vs start ${start}`);
  assert.ok(last < start);
  assert.match(await page.textContent('#lesson-icl-risk .live-check'), /^Early ascent: the risk rises from/);
  await context.close();
});

test('random labels give a U-shaped risk with a finite best k', async () => {
  const { page, context } = await lab.open('#v=1&view=icl-risk&prior=biased&labels=random&kmax=10&trials=2000');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  const best = await value(page, '#icl-best-k');
  assert.ok(best > 0 && best < 1024, `best k = ${best}`);
  assert.match(await page.textContent('#lesson-icl-risk .live-check'), /^Bounded efficacy/);
  await context.close();
});

// Each figure's k grid: Figure 4's prefix lengths 2^j − 1, Figures 5 and 6's 0, 1, 2, 4, …, and
// Figures 9–11's k = 0…31; and how many curves each panel draws.
const powers = (n) => [0, ...Array.from({ length: n + 1 }, (_, j) => 2 ** j)];
const FIGURES = [
  ['4', 2, Array.from({ length: 8 }, (_, j) => 2 ** j - 1), [5, 5]],
  ['5', 3, powers(8), [3, 3, 3]],
  ['6', 6, powers(16), [1, 1, 1, 1, 1, 5]],
  ['9', 2, Array.from({ length: 32 }, (_, k) => k), [5, 5]],
  ['10', 2, Array.from({ length: 32 }, (_, k) => k), [5, 5]],
  ['11', 2, Array.from({ length: 32 }, (_, k) => k), [5, 5]],
];
for (const [fig, panels, ks, curves] of FIGURES) {
  test(`ICL figure ${fig} loads from its link and fills in: a value at every k of every curve, the native values`, async () => {
    const fragment = `#v=1&view=icl-paper&fig=${fig}`;
    const { page, context, problems } = await lab.open(fragment);
    assert.equal(await page.inputValue('#iclfig-fig'), fig);
    const visible = await page.$$eval('#lesson-icl-paper figure', (els) => els.filter((e) => !e.hidden).length);
    assert.equal(visible, panels);
    const total = await value(page, '#iclfig-total');
    await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
    assert.equal(await value(page, '#iclfig-done'), total, 'every trial was computed');
    assert.ok(await canvasColours(page, 'panel-1') > 8);
    const shown = [];
    for (let p = 1; p <= panels; p++) shown.push(...parseCsv(await downloadCsv(page, `panel-${p}`)));
    // Every curve (a risk or weight series, by its legend) has a finite value at every k.
    for (let p = 1; p <= panels; p++) {
      const main = shown.filter((r) => r.figure === `panel-${p}` && (r.series === 'risk' || r.series === 'weight_retrieved'));
      const legends = [...new Set(main.map((r) => r.legend))];
      assert.equal(legends.length, curves[p - 1], `panel ${p}: ${legends}`);
      for (const legend of legends) {
        const curve = main.filter((r) => r.legend === legend);
        assert.deepEqual(curve.map((r) => r.x), ks, `panel ${p}, ${legend}: a value at every k`);
        assert.ok(curve.every((r) => Number.isFinite(r.y) && r.y >= 0), `panel ${p}, ${legend}`);
      }
    }
    // And the same values as the command line's render of the same link (same seeds, natively).
    const native = renderedCsv(fragment);
    assert.equal(shown.length, native.length, 'the same rows as adaptlab render');
    shown.forEach((r, i) => {
      const n = native[i];
      assert.deepEqual([r.figure, r.series, r.x, r.legend], [n.figure, n.series, n.x, n.legend], `row ${i}`);
      assert.ok(r.y === n.y || close(r.y, n.y), `${r.figure} ${r.legend} k = ${r.x}: page ${r.y}, adaptlab ${n.y}`);
    });
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('adding examples one at a time moves the weights, then the functions', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=icl-prompt');
  assert.match(await page.textContent('#lesson-icl-prompt .live-check'), /^No examples yet/);
  const bars = await canvasHash(page, 'weights');
  await page.click('#prompt-add');
  await page.waitForFunction(() => location.hash.includes('k=1'));
  assert.notEqual(await canvasHash(page, 'weights'), bars, 'the weights moved');
  for (let i = 0; i < 3; i++) await page.click('#prompt-add');
  await page.waitForFunction(() => location.hash.includes('k=4'));
  assert.match(await page.textContent('#lesson-icl-prompt .live-check'), /^Retrieving skill 1: .* although its function is not the task's/);
  assert.equal(await value(page, '#prompt-leading'), 1);
  for (let i = 0; i < 6; i++) await page.click('#prompt-double');
  await page.waitForFunction(() => location.hash.includes('k=256'));
  assert.match(await page.textContent('#lesson-icl-prompt .live-check'), /^Learning: after 256 examples/);
  assert.ok(await value(page, '#prompt-learned') > 0.8);
  assert.deepEqual(problems, []);
  await context.close();
});

test('dragging a skill centre with the mouse or a finger moves that skill and changes the posterior', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=icl-prompt&k=4');
  const canvasSelector = 'main:not([hidden]) figure[data-figure="functions"] canvas';
  await page.locator(canvasSelector).scrollIntoViewIfNeeded();
  // Where the figure puts a weight-space point, from its fixed layout (10 px margin, 30 px title,
  // 50 px y labels, 40 px x labels, a square view of half-height 2.4), in CSS pixels.
  const toCss = (point) => page.$eval(canvasSelector, (canvas, [x, y]) => {
    const s = Number(canvas.dataset.scale);
    const [left, top] = [Math.round(10 * s) + Math.round(50 * s), Math.round(10 * s) + Math.round(30 * s)];
    const [right, bottom] = [canvas.width - Math.round(10 * s), canvas.height - Math.round(10 * s) - Math.round(40 * s)];
    const half = 2.4;
    const aspect = (right - left) / (bottom - top);
    const px = left + (x + half * aspect) / (2 * half * aspect) * (right - left);
    const py = top + (half - y) / (2 * half) * (bottom - top);
    const box = canvas.getBoundingClientRect();
    return [box.left + px * box.width / canvas.width, box.top + py * box.height / canvas.height];
  }, point);
  const before = { hash: await canvasHash(page, 'functions'), leading: await page.textContent('#prompt-leading'), prediction: await page.textContent('#prompt-prediction') };
  const [fromX, fromY] = await toCss([-Math.sqrt(3) / 2, -0.5]);
  const [toX, toY] = await toCss([1.0, 1.5]);
  await page.mouse.move(fromX, fromY);
  await page.mouse.down();
  for (let i = 1; i <= 5; i++) await page.mouse.move(fromX + (toX - fromX) * i / 5, fromY + (toY - fromY) * i / 5);
  await page.mouse.up();
  await page.waitForFunction(() => location.hash.includes('centres='));
  const centres = (await page.evaluate(() => location.hash)).match(/centres=([^&]+)/)[1].split(',').map(Number);
  assert.ok(Math.abs(centres[2] - 1.0) <= 0.03 && Math.abs(centres[3] - 1.5) <= 0.03, `skill 2 moved to ${centres.slice(2, 4)}`);
  assert.deepEqual(centres.slice(0, 2), [0, 1], 'skill 1 stays');
  assert.notEqual(await canvasHash(page, 'functions'), before.hash);
  assert.notEqual(await page.textContent('#prompt-prediction'), before.prediction);
  // The inputs show the new centre, and a finger drags skill 3 the same way.
  assert.equal(await page.inputValue('[data-list="centres"] label:nth-child(3) input'), String(centres[2]));
  const [tx, ty] = await toCss([Math.sqrt(3) / 2, -0.5]);
  const [ux, uy] = await toCss([0.5, -1.5]);
  const cdp = await context.newCDPSession(page);
  const touch = (type, x, y) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
  await touch('touchStart', tx, ty);
  for (let i = 1; i <= 4; i++) await touch('touchMove', tx + (ux - tx) * i / 4, ty + (uy - ty) * i / 4);
  await touch('touchEnd');
  await page.waitForFunction(() => /centres=0,1,1,1.5,0.5,-1.5/.test(location.hash) || /centres=0,1,1,1.5,0.4\d?,-1.5/.test(location.hash), null, { timeout: 5000 }).catch(() => {});
  const after = (await page.evaluate(() => location.hash)).match(/centres=([^&]+)/)[1].split(',').map(Number);
  assert.ok(Math.abs(after[4] - 0.5) <= 0.03 && Math.abs(after[5] + 1.5) <= 0.03, `skill 3 moved to ${after.slice(4, 6)}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a pool of Web Workers computes the risk curves, and any number of workers gives the same numbers', async () => {
  const csvWith = (workers) => settledCsv(lab, '#v=1&view=icl-risk&prior=ascent&trials=1000', workers, ['risk']);
  const alone = await csvWith(0);
  const two = await csvWith(2);
  const three = await csvWith(3);
  assert.deepEqual([alone.used, two.used, three.used], ['0', '2', '3']);
  assert.ok(alone.csv.split('\n').length > 30);
  assert.equal(two.csv, alone.csv, 'two workers: identical plotted values');
  assert.equal(three.csv, alone.csv, 'three workers: identical plotted values');
  assert.deepEqual([...alone.problems, ...two.problems, ...three.problems], []);
});

test('a prior of your own opens from a JSON file, travels in the link, and a bad one changes nothing', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'adaptlab-prior-'));
  const file = (name, data) => { const p = path.join(dir, name); writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data)); return p; };
  const prior = { weights: [0.3, 0.7], mu: [[1], [-1]], w: [[-1], [1]], sigma_x: 1, sigma_y: 0.5, sigma_mu: 0.5, sigma_w: 0.5 };
  const { page, context, problems } = await lab.open('#v=1&view=icl-risk&trials=200');
  const before = await page.evaluate(() => location.hash);
  await page.setInputFiles('#import-prior', file('bad.json', { ...prior, mu: [[1, 2], [-1]] }));
  await page.waitForSelector('#notice:not([hidden])');
  assert.match(await page.textContent('#notice'), /Import failed: bad\.json: cp: prior\.mu\[1\]: .* Nothing was changed\./);
  assert.equal(await page.evaluate(() => location.hash), before);
  await page.setInputFiles('#import-prior', file('prior.json', { kind: 'icl-risk', prior, task: { mu: [0.5], w: [1] } }));
  await page.waitForFunction(() => location.hash.includes('prior=custom'));
  const link = await page.evaluate(() => location.hash);
  assert.match(link, /cp=pi:0\.3,0\.7;mu:1\/-1;w:-1\/1;sx:1;sy:0\.5;smu:0\.5;sw:0\.5;tmu:0\.5;tw:1/);
  assert.equal(await page.inputValue('#icl-prior'), 'custom');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  // The same link opened afresh shows the same curve.
  const other = await context.newPage();
  await other.goto(`${lab.origin}/index.html${link}`);
  await other.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  assert.equal(await other.textContent('main:not([hidden]) .live-check'), await page.textContent('main:not([hidden]) .live-check'));
  assert.equal(await canvasHash(other, 'risk'), await canvasHash(page, 'risk'));
  assert.deepEqual(problems, []);
  await context.close();
});
