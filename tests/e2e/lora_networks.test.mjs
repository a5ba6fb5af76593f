// End-to-end tests of the ReLU-network and transformer lessons.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startLab, canvasHash, canvasColours, ROOT } from './harness.mjs';

// The adaptlab binary to cross-check against (scripts/test.sh builds it with the 'ci' profile).
const ADAPTLAB = path.resolve(ROOT, process.env.ADAPTLAB_BIN || 'target/release/adaptlab');
let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

const value = (page, id) => page.$eval(id, (el) => Number(el.dataset.value));
const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300);

// The command line rebuilds the same seeded problem from the link natively; the page computed it in wasm.
async function solveDownloaded(page) {
  const fragment = await page.evaluate(() => location.hash);
  const problem = execFileSync(ADAPTLAB, ['problem', fragment], { maxBuffer: 1 << 26 });
  return JSON.parse(execFileSync(ADAPTLAB, ['solve'], { input: problem, maxBuffer: 1 << 26 }).toString());
}

test('the ReLU-network lesson fills its curve progressively and agrees with adaptlab solve', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-fnn&Lbar=2&L=5&R=6');
  assert.equal(await page.isVisible('#lesson-lora-fnn'), true);
  assert.equal(await page.isHidden('#lesson-lora-linear'), true);
  await page.waitForSelector('body[data-settled="1"]');
  assert.ok(await canvasColours(page, 'error') > 8);
  // max_i and E_i are written with real subscripts (textContent reads them inline).
  assert.match(await page.textContent('#lesson-lora-fnn .live-check'), /M = ⌊L\/L̄⌋ = ⌊5\/2⌋ = 2, so the threshold is ⌈maxi rank\(Ei\)\/M⌉ = ⌈16\/2⌉ = 8\. R = 6 < 8/);
  assert.deepEqual(await page.$$eval('#lesson-lora-fnn .live-check sub', (subs) => subs.slice(0, 2).map((s) => s.textContent)), ['i', 'i']);
  const answer = await solveDownloaded(page);
  assert.deepEqual(answer.groups, [[1, 2], [3, 4, 5]]);
  assert.equal(answer.threshold_rank, await value(page, '#fnn-threshold'));
  assert.ok(close(answer.mse_test, await value(page, '#fnn-mse-test')), `${answer.mse_test}`);
  assert.ok(close(answer.mse_calibration, await value(page, '#fnn-mse-calibration')));
  assert.deepEqual(problems, []);
  await context.close();
});

test('the ReLU-network lesson is exact at the threshold and the output-ReLU toggle changes the numbers', async () => {
  const { page, context } = await lab.open('#v=1&view=lora-fnn&R=8');
  assert.ok(await value(page, '#fnn-mse-calibration') < 1e-20);
  assert.match(await page.textContent('#lesson-lora-fnn .live-check'), /every group matches its target layer exactly/);
  const before = await value(page, '#fnn-mse-test');
  await page.focus('#fnn-relu');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => location.hash.includes('relu=0'));
  const after = await value(page, '#fnn-mse-test');
  assert.notEqual(after, before);
  await context.close();
});

test('a pretrained frozen transformer (made on a worker) lowers the error below ⌈D/2⌉, stays exact above, and agrees with adaptlab', async () => {
  const random = await lab.open('#v=1&view=lora-transformer&D=8&R=2');
  await random.page.waitForSelector('body[data-settled="1"]');
  const randomMse = await value(random.page, '#tfn-mse');
  await random.context.close();
  const { page, context, problems } = await lab.open('#v=1&view=lora-transformer&D=8&R=2&frozen=pretrained');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 120000 });
  assert.ok(Number(await page.evaluate(() => document.body.dataset.workers)) > 0, 'the page build pretrains on a worker');
  const pretrainedMse = await value(page, '#tfn-mse');
  assert.ok(pretrainedMse < randomMse, `pretrained ${pretrainedMse} vs random ${randomMse}`);
  // The command line pretrains natively by the same code: the same model, the same error.
  const answer = await solveDownloaded(page);
  assert.ok(close(answer.mse, pretrainedMse), `${answer.mse} vs ${pretrainedMse}`);
  await page.$eval('#tfn-R', (el) => { el.value = '4'; el.dispatchEvent(new Event('input')); });
  await page.waitForFunction(() => !location.hash.includes('R=2')); // R = 4 is the default, left out
  await page.waitForSelector('body[data-settled="1"]');
  assert.ok(await value(page, '#tfn-mse') < 1e-20);
  assert.match(await page.textContent('#lesson-lora-transformer .live-check'), /R = 4 ≥ 4/);
  assert.deepEqual(problems, []);
  await context.close();
  // Without workers the page build says what it cannot do here, and draws no NaN.
  const alone = await lab.browser.newContext();
  const solo = await alone.newPage();
  await solo.goto(`${lab.origin}/index.html?workers=0#v=1&view=lora-transformer&D=8&frozen=pretrained`);
  await solo.waitForFunction(() => /background worker/.test(document.querySelector('#lesson-lora-transformer .live-check').textContent));
  // The error it cannot compute here is left out (no dash in its place).
  assert.equal(await solo.textContent('#tfn-mse'), '');
  assert.equal(await solo.isHidden('#tfn-mse'), true);
  await alone.close();
});

test('the transformer lesson drops to zero at ⌈D/2⌉ and agrees with adaptlab solve', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-transformer&D=8&R=3');
  await page.waitForSelector('body[data-settled="1"]');
  assert.ok(await value(page, '#tfn-mse') > 1e-6);
  const answer = await solveDownloaded(page);
  assert.equal(answer.threshold_rank, 4);
  assert.ok(close(answer.mse, await value(page, '#tfn-mse')));
  const hash = await canvasHash(page, 'error');
  const slider = await page.$('#tfn-R');
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => !location.hash.includes('R=3'));
  assert.equal(await page.inputValue('#tfn-R'), '4');
  assert.ok(await value(page, '#tfn-mse') < 1e-20);
  assert.notEqual(await canvasHash(page, 'error'), hash);
  assert.match(await page.textContent('#lesson-lora-transformer .live-check'), /R = 4 ≥ 4/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('navigation switches lessons, marks the current one, and settings of another lesson are reported as unused', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear&R=5');
  await page.click('[data-view-link="lora-transformer"]');
  await page.waitForSelector('#lesson-lora-transformer', { state: 'visible' });
  assert.match(await page.evaluate(() => location.hash), /^#v=1&view=lora-transformer/);
  assert.equal(await page.getAttribute('[data-view-link="lora-transformer"]', 'aria-current'), 'page');
  await page.click('[data-view-link="lora-fnn"]');
  await page.waitForSelector('#lesson-lora-fnn', { state: 'visible' });
  assert.equal(await page.isHidden('#lesson-lora-transformer'), true);
  assert.equal(await page.getAttribute('[data-view-link="lora-transformer"]', 'aria-current'), null);
  assert.match(await page.title(), /ReLU network/);
  const notice = await lab.open('#v=1&view=lora-fnn&q=3');
  assert.match(await notice.page.textContent('#notice'), /ignored 'q', which this lesson does not use/);
  await notice.context.close();
  assert.deepEqual(problems, []);
  await context.close();
});
