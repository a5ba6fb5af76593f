// End-to-end tests of the in-context-learning lessons: curves appear at once and refine while the
// page stays usable; early ascent and bounded efficacy are read off the curves; presets load.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, canvasHash, canvasColours } from './harness.mjs';

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
  const { page, context } = await lab.open('#v=1&view=icl-risk&prior=regular4&delta=1/81&labels=random&kmax=10&trials=2000');
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
