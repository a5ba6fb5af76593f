// End-to-end tests of the one-prompt lesson's prompt figure and its pace: the figure of the
// prompt appears beside the weights in the first screen and changes as examples are added; "jump
// to k" lands on k and a bad value changes nothing; the play speed changes how fast examples
// arrive (measured as examples per second over a window, compared between speeds).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, canvasHash, canvasColours, downloadCsv, parseCsv } from './harness.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

const value = (page, id) => page.$eval(id, (el) => Number(el.dataset.value));
const box = (page, selector) => page.$eval(selector, (el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; });
const examplesPlotted = async (page) => parseCsv(await downloadCsv(page, 'prompt')).filter((r) => r.series === 'example').length;

test('the prompt figure appears beside the weights in the first screen and changes as examples are added', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=icl-prompt', { viewport: { width: 1280, height: 800 } });
  await page.waitForFunction(() => document.querySelector('#lesson-icl-prompt .live-check').textContent.length > 0);
  const prompt = 'main:not([hidden]) figure[data-figure="prompt"] canvas';
  assert.equal(await page.isVisible(prompt), true);
  assert.ok(await canvasColours(page, 'prompt') > 8, 'the prompt figure is drawn');
  for (const selector of [prompt, 'main:not([hidden]) figure[data-figure="weights"] canvas']) {
    const b = await box(page, selector);
    assert.ok(b.top >= 0 && b.bottom <= 800 && b.left >= 0 && b.right <= 1280, `${selector} at ${JSON.stringify(b)}`);
  }
  assert.equal(await examplesPlotted(page), 0);
  const before = await canvasHash(page, 'prompt');
  await page.click('#prompt-add');
  await page.waitForFunction(() => location.hash.includes('k=1'));
  assert.notEqual(await canvasHash(page, 'prompt'), before, 'the new example is drawn');
  assert.equal(await examplesPlotted(page), 1);
  await page.click('#prompt-double');
  await page.click('#prompt-double');
  await page.waitForFunction(() => location.hash.includes('k=4'));
  assert.equal(await examplesPlotted(page), 4);
  await page.click('#prompt-reset');
  await page.waitForFunction(() => !location.hash.includes('k='));
  assert.equal(await canvasHash(page, 'prompt'), before, 'start over shows the empty prompt again');
  assert.deepEqual(problems, []);
  await context.close();
});

test('jump to k lands on k; a value the gate would repair changes nothing and says why', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=icl-prompt&k=3');
  await page.fill('#prompt-jump-k', '37');
  await page.press('#prompt-jump-k', 'Enter');
  await page.waitForFunction(() => location.hash.includes('k=37'));
  assert.equal(await value(page, '#prompt-k-shown'), 37);
  assert.equal(await page.inputValue('#prompt-k'), '37', 'the slider follows');
  assert.equal(await examplesPlotted(page), 37);
  const hash = await canvasHash(page, 'prompt');
  for (const [typed, reason] of [['300', 'k = 300 is above the maximum 256'], ['abc', "k = 'abc' is not a whole number"], ['-2', 'k = -2 is below the minimum 0']]) {
    await page.fill('#prompt-jump-k', typed);
    await page.click('#prompt-jump button[type="submit"]');
    await page.waitForSelector('#notice:not([hidden])');
    assert.equal(await page.textContent('#notice .message'), `Jump to k: ${reason}; nothing was changed (k stays 37).`);
    assert.match(await page.evaluate(() => location.hash), /k=37(&|$)/);
    assert.equal(await value(page, '#prompt-k-shown'), 37);
    assert.equal(await canvasHash(page, 'prompt'), hash);
    await page.click('#notice .dismiss');
  }
  await page.fill('#prompt-jump-k', '256');
  await page.press('#prompt-jump-k', 'Enter');
  await page.waitForFunction(() => location.hash.includes('k=256'));
  assert.match(await page.textContent('#lesson-icl-prompt .live-check'), /^Learning: after 256 examples/);
  assert.deepEqual(problems, []);
  await context.close();
});

// Examples added per second while playing at `speed` for about `ms` milliseconds, measured in the page.
async function pace(page, speed, ms) {
  await page.click('#prompt-reset');
  await page.waitForFunction(() => !location.hash.includes('k='));
  await page.selectOption('#prompt-speed', speed);
  const start = await page.evaluate(() => [Number(document.getElementById('prompt-k-shown').dataset.value), performance.now()]);
  await page.click('#prompt-play');
  await page.waitForTimeout(ms);
  await page.click('#prompt-play');
  const end = await page.evaluate(() => [Number(document.getElementById('prompt-k-shown').dataset.value), performance.now()]);
  assert.equal(await page.textContent('#prompt-play'), 'Play');
  // Once paused, the address holds the k shown.
  await page.waitForFunction((k) => location.hash.includes(`k=${k}`), end[0]);
  return (end[0] - start[0]) / ((end[1] - start[1]) / 1000);
}

test('the play speed changes the pace: fast adds examples several times faster than slow', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=icl-prompt');
  assert.equal(await page.inputValue('#prompt-speed'), 'normal');
  const slow = await pace(page, 'slow', 2500);
  const normal = await pace(page, 'normal', 2500);
  const fast = await pace(page, 'fast', 2500);
  console.log(`# examples per second: slow ${slow.toFixed(1)}, normal ${normal.toFixed(1)}, fast ${fast.toFixed(1)}`);
  assert.ok(slow > 0.5 && slow < 4, `slow: ${slow} a second`);
  assert.ok(normal > 2 * slow, `normal ${normal} against slow ${slow}`);
  assert.ok(fast > 2 * normal, `fast ${fast} against normal ${normal}`);
  // Fast reaches 256 examples, and play stops there.
  await page.fill('#prompt-jump-k', '240');
  await page.press('#prompt-jump-k', 'Enter');
  await page.click('#prompt-play');
  await page.waitForFunction(() => location.hash.includes('k=256') && document.body.dataset.playing === '0', null, { timeout: 10000 });
  assert.equal(await page.textContent('#prompt-play'), 'Play');
  assert.deepEqual(problems, []);
  await context.close();
});

test('under reduced motion play starts slow', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=icl-prompt', { reducedMotion: 'reduce' });
  assert.equal(await page.inputValue('#prompt-speed'), 'slow');
  assert.deepEqual(problems, []);
  await context.close();
});
