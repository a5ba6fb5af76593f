// End-to-end tests of the in-context-learning lessons: curves appear at once and refine while the
// page stays usable; early ascent and bounded efficacy are read off the curves; presets load.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, canvasHash, canvasColours, settledCsv } from './harness.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

const value = (page, id) => page.$eval(id, (el) => Number(el.dataset.value));

test('the risk curve appears at once and refines as trials stream in', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=icl-risk&trials=20000');
  await page.waitForFunction(() => Number(document.getElementById('icl-trials-done').dataset.value) > 0);
  const early = await value(page, '#icl-trials-done');
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

for (const [fig, panels] of [['4', 2], ['5', 3], ['6', 6], ['9', 2], ['11', 2]]) {
  test(`ICL figure ${fig} loads from its link and fills in`, async () => {
    const { page, context, problems } = await lab.open(`#v=1&view=icl-paper&fig=${fig}`);
    assert.equal(await page.inputValue('#iclfig-fig'), fig);
    const visible = await page.$$eval('#lesson-icl-paper figure', (els) => els.filter((e) => !e.hidden).length);
    assert.equal(visible, panels);
    const total = await value(page, '#iclfig-total');
    await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
    assert.equal(await value(page, '#iclfig-done'), total, 'every trial was computed');
    assert.ok(await canvasColours(page, 'panel-1') > 8);
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
