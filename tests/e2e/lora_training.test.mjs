// End-to-end tests of the live training lesson: it trains, pauses for real, steps and resets; it
// plays at the pace chosen (the same numbers at every pace); after a pause and a change of setting
// the step counter, the progress bar and the figures agree; the Play button says what is true
// through a whole run; the outputs figure follows the run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, canvasHash, canvasColours, downloadCsv } from './harness.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

const steps = (page) => page.$eval('#train-steps-taken', (el) => Number(el.dataset.value));

test('training runs live, pause really stops work, step and reset behave', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-training&D=8&steps=3000&pace=max');
  // Pause from inside the page as soon as 100 steps are done (a click from the test could come
  // after a loaded machine had finished the whole run).
  await page.evaluate(() => new Promise((resolve) => {
    const taken = () => Number(document.getElementById('train-steps-taken').dataset.value);
    const poll = () => (taken() > 100 ? (document.getElementById('train-play').click(), resolve()) : requestAnimationFrame(poll));
    poll();
  }));
  const early = await canvasHash(page, 'loss');
  assert.equal(await page.textContent('#train-play'), 'Play');
  const paused = await steps(page);
  await page.waitForTimeout(400);
  assert.equal(await steps(page), paused, 'no steps while paused');
  assert.ok(paused < 3000);
  await page.click('#train-step');
  assert.equal(await steps(page), paused + 10);
  assert.notEqual(await canvasHash(page, 'loss'), early, 'the loss curve grew');
  await page.click('#train-reset');
  assert.equal(await steps(page), 0);
  await page.click('#train-play');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  assert.equal(await steps(page), 3000);
  const check = await page.textContent('#lesson-lora-training .live-check');
  assert.match(check, /After 3000 Adam steps at R = 4, the trained adapters reach a test MSE of/);
  const test = await page.$eval('#train-test', (el) => Number(el.dataset.value));
  const construction = await page.$eval('#train-construction', (el) => Number(el.dataset.value));
  assert.ok(test > 0 && construction > 0 && Number.isFinite(test));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a linear model trains onto the closed-form optimum that the construction attains', async () => {
  const { page, context } = await lab.open('#v=1&view=lora-training&model=linear&D=6&R=1&lr=1e-2&steps=2000&pace=max');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  const value = (id) => page.$eval(id, (el) => Number(el.dataset.value));
  const [trained, construction, optimum] = [await value('#train-test'), await value('#train-construction'), await value('#train-closed-form')];
  assert.ok(Math.abs(construction - optimum) <= 1e-9 * optimum, 'the construction attains the optimum');
  assert.ok(trained >= optimum * 0.9 && trained < optimum * 1.5, `${trained} vs optimum ${optimum}`);
  await context.close();
});

// Pauses the run from inside the page once `after` steps are done (a click from the test could
// come too late on a loaded machine).
const pauseAfter = (page, after) => page.evaluate((n) => new Promise((resolve) => {
  const taken = () => Number(document.getElementById('train-steps-taken').dataset.value);
  const poll = () => (taken() > n ? (document.getElementById('train-play').click(), resolve()) : requestAnimationFrame(poll));
  poll();
}), after);

// What the page shows about the run's progress: the live check's step, the progress bar, the
// headline number, and the figures' data (the last step plotted; the outputs figure's run).
const state = (page) => page.evaluate(() => {
  const root = document.querySelector('main.lesson:not([hidden])');
  const bar = root.querySelector('.progress');
  const check = root.querySelector('.live-check').textContent;
  return {
    check: check.match(/^Step (\d+) of (\d+)/)?.slice(1).map(Number) ?? check,
    bar: bar.hidden ? 'hidden' : [bar.querySelector('progress').value, bar.querySelector('progress').max, bar.querySelector('span').textContent],
    taken: Number(document.getElementById('train-steps-taken').dataset.value),
    outputs: document.getElementById('train-summary-outputs')?.textContent.match(/after (\d+) steps/)?.[1],
    button: [document.getElementById('train-play').textContent, document.getElementById('train-play').getAttribute('aria-pressed')],
  };
});
const lastPlottedStep = (csv) => Math.max(0, ...csv.split('\n').filter((l) => l.startsWith('loss,training_loss,')).map((l) => Number(l.split(',')[2])));

test('after a pause and a change of setting, the step counter, the progress bar and the figures agree', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-training&pace=max');
  await pauseAfter(page, 300);
  const paused = await state(page);
  assert.ok(paused.taken > 300 && paused.taken < 5000, `paused at ${paused.taken}`);
  assert.deepEqual(paused.check, [paused.taken, 5000]);
  assert.deepEqual(paused.bar, [paused.taken, 5000, `training: step ${paused.taken} of 5000`]);
  assert.equal(lastPlottedStep(await downloadCsv(page, 'loss')), paused.taken);
  // A change of rank while paused: a new run, at step 0 everywhere, still paused.
  await page.$eval('#train-R', (input) => { input.value = '2'; input.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.waitForTimeout(300);
  const changed = await state(page);
  assert.deepEqual([changed.check, changed.bar, changed.taken], [[0, 5000], [0, 5000, 'training: step 0 of 5000'], 0]);
  assert.deepEqual(changed, {
    check: [0, 5000], bar: [0, 5000, 'training: step 0 of 5000'], taken: 0, outputs: '0', button: ['Play', 'false'],
  });
  assert.equal(lastPlottedStep(await downloadCsv(page, 'loss')), 0, 'the loss figure shows no step of the new run');
  // Another control (the pace) changes nothing of the run.
  await page.selectOption('#train-pace', 'fast');
  assert.deepEqual(await state(page), changed);
  await page.click('#train-play');
  await page.waitForFunction(() => Number(document.getElementById('train-steps-taken').dataset.value) > 0);
  const resumed = await state(page);
  assert.equal(resumed.button[0], 'Pause');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the Play button says what is true through a whole run: Pause, Play, Run again', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-training&D=4&steps=400');
  // Every label the button shows, with the run's progress at that moment.
  await page.evaluate(() => {
    window.labels = [];
    const button = document.getElementById('train-play');
    const note = () => window.labels.push({
      text: button.textContent, pressed: button.getAttribute('aria-pressed'),
      taken: Number(document.getElementById('train-steps-taken').dataset.value), settled: document.body.dataset.settled === '1',
    });
    new MutationObserver(note).observe(button, { childList: true, characterData: true, subtree: true, attributes: true });
    note();
  });
  assert.deepEqual((await state(page)).button, ['Pause', 'true'], 'running');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 30000 });
  assert.deepEqual((await state(page)).button, ['Run again', 'false'], 'ended');
  assert.equal(await page.$eval('#train-step', (b) => b.disabled), true, 'nothing left to step');
  // Run again: the same run from step 0, playing.
  const first = await downloadCsv(page, 'loss');
  await page.click('#train-play');
  const again = await state(page);
  assert.ok(again.taken < 400, `restarted at ${again.taken}`);
  assert.deepEqual(again.button, ['Pause', 'true']);
  await pauseAfter(page, 100);
  assert.deepEqual((await state(page)).button, ['Play', 'false'], 'paused');
  await page.click('#train-play');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 30000 });
  assert.equal(await downloadCsv(page, 'loss'), first, 'the same run again, to the bit');
  const labels = await page.evaluate(() => window.labels);
  for (const label of labels) {
    if (label.text === 'Pause') assert.ok(label.taken < 400 && !label.settled && label.pressed === 'true', JSON.stringify(label));
    else if (label.text === 'Run again') assert.ok(label.taken === 400 && label.pressed === 'false', JSON.stringify(label));
    else assert.ok(label.text === 'Play' && label.pressed === 'false' && label.taken < 400, JSON.stringify(label));
  }
  assert.deepEqual(labels.at(-1).text, 'Run again');
  assert.deepEqual(problems, []);
  await context.close();
});

// Steps a second over a window of the run, measured in the page.
const rate = (page, ms) => page.evaluate((window) => new Promise((resolve) => {
  const taken = () => Number(document.getElementById('train-steps-taken').dataset.value);
  const start = [performance.now(), taken()];
  setTimeout(() => resolve((taken() - start[1]) / ((performance.now() - start[0]) / 1000)), window);
}), ms);

test('the pace: watch by default (the loss falls over seconds), fast, and as fast as possible; the page stays responsive', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-training');
  await page.waitForTimeout(300); // the wasm compile and first paint are not the run
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  assert.equal(await page.inputValue('#train-pace'), 'watch');
  await page.waitForFunction(() => Number(document.getElementById('train-steps-taken').dataset.value) > 0);
  const watching = await rate(page, 2000);
  // 200 steps a second (redraws every 40 ms: the count moves in steps of ten).
  assert.ok(watching > 120 && watching < 240, `watch: ${watching} steps a second`);
  assert.ok((await state(page)).taken < 1500, 'five seconds in, the run is far from over');
  assert.equal(await page.evaluate(() => document.body.dataset.settled), undefined);
  await page.selectOption('#train-pace', 'fast');
  assert.match(await page.evaluate(() => location.hash), /pace=fast/, 'the pace is in the link');
  const before = (await state(page)).taken;
  const fast = await rate(page, 1500);
  assert.ok(fast > 2 * watching && fast < 1150, `fast: ${fast} steps a second`);
  assert.ok((await state(page)).taken > before, 'the run went on from where it was');
  // The paced run's tasks, watching and fast: none over 50 ms.
  const longest = Math.max(0, ...await page.evaluate(() => window.longTasks));
  await page.selectOption('#train-pace', 'max');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  assert.equal((await state(page)).taken, 5000);
  console.log(`# watch ${watching.toFixed(0)}, fast ${fast.toFixed(0)} steps a second; longest main-thread task ${longest} ms`);
  assert.ok(longest <= 50, `a main-thread task of ${longest} ms`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a run watched with pauses and pace changes gives the same numbers, to the bit, as one as fast as possible', async () => {
  const link = '#v=1&view=lora-training&D=8&R=3&steps=600';
  const fastest = await lab.open(`${link}&pace=max`);
  await fastest.page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  const expected = [await downloadCsv(fastest.page, 'loss'), await downloadCsv(fastest.page, 'outputs')];
  await fastest.context.close();
  const { page, context, problems } = await lab.open(link);
  await pauseAfter(page, 100);
  await page.waitForTimeout(300);
  await page.click('#train-step');
  await page.selectOption('#train-pace', 'fast');
  await page.click('#train-play');
  await pauseAfter(page, 300);
  await page.selectOption('#train-pace', 'watch');
  await page.click('#train-play');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  assert.deepEqual([await downloadCsv(page, 'loss'), await downloadCsv(page, 'outputs')], expected);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the outputs figure: every probe output against the target, moving as the run trains, with its data', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-training&D=8&R=8&steps=1000');
  await page.waitForSelector('figure[data-figure="outputs"]:not([hidden]) canvas');
  assert.ok(await canvasColours(page, 'outputs') > 4, 'the figure is drawn');
  await pauseAfter(page, 10);
  const early = await canvasHash(page, 'outputs');
  const earlyCsv = await downloadCsv(page, 'outputs');
  await page.click('#train-play');
  await page.waitForFunction(() => Number(document.getElementById('train-steps-taken').dataset.value) > 500);
  assert.notEqual(await canvasHash(page, 'outputs'), early, 'the circles moved');
  const rows = earlyCsv.trim().split('\n').slice(1);
  assert.equal(rows.filter((r) => r.startsWith('outputs,trained_outputs,')).length, 12 * 8, 'twelve probes of eight outputs');
  assert.equal(rows.filter((r) => r.startsWith('outputs,construction_outputs,')).length, 12 * 8);
  // At R = 8 ≥ the threshold the construction is exact: its squares lie on y = x.
  for (const row of rows.filter((r) => r.startsWith('outputs,construction_outputs,'))) {
    const [, , x, y] = row.split(',').map(Number);
    assert.ok(Math.abs(x - y) < 1e-9, row);
  }
  await page.click('figure[data-figure="outputs"] details.data summary');
  await page.waitForSelector('figure[data-figure="outputs"] table.data-table');
  assert.equal(await page.$$eval('figure[data-figure="outputs"] table.data-table tbody tr', (r) => r.length), 96);
  assert.match(await page.textContent('#train-summary-outputs'), /^Outputs on 12 probe inputs, D = 8 coordinates each; mean squared difference from the target's: \S+ for the trained adapters after \d+ steps; \S+ for the construction\.$/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('under reduced motion the run is not animated: computed at full speed, drawn when it ends', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-training&D=8&steps=2000', { reducedMotion: 'reduce' });
  await page.evaluate(() => {
    window.draws = 0;
    document.addEventListener('adaptlab:rendered', () => { window.draws += 1; });
  });
  assert.equal(await page.isVisible('#train-motion'), true);
  await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  assert.equal((await state(page)).taken, 2000);
  assert.ok(await page.evaluate(() => window.draws) <= 2, 'drawn once at the end');
  assert.deepEqual(problems, []);
  await context.close();
});
