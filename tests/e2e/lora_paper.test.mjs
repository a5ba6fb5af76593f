// End-to-end test of the paper-figure presets: each loads from its link, and its figures fill in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, canvasHash, canvasColours, settledCsv } from './harness.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

const done = (page) => page.$eval('#paper-done', (el) => Number(el.dataset.value));

for (const [fig, panels, title] of [['1', 2, /Figure 1/], ['2', 2, /Figure 2/], ['tfn', 2, /transformer/], ['flt', 2, /final layers/], ['bias', 1, /biases/]]) {
  test(`preset fig=${fig} loads from its link and its figures fill in`, async () => {
    const { page, context, problems } = await lab.open(`#v=1&view=lora-paper&fig=${fig}`);
    assert.equal(await page.inputValue('#paper-fig'), fig);
    assert.match(await page.textContent('#lesson-lora-paper [data-summary="description"]'), title);
    assert.ok((await page.textContent('#lesson-lora-paper [data-summary="departures"]')).length > 30);
    assert.equal(await page.isVisible('figure[data-figure="panel-2"]'), panels === 2);
    const before = await canvasHash(page, 'panel-1');
    const startDone = await done(page);
    // One more finished run must change the figure (a run can take seconds on a slow machine).
    await page.waitForFunction((n) => Number(document.getElementById('paper-done').dataset.value) > n, startDone, { timeout: 90000 });
    await page.waitForTimeout(250);
    assert.notEqual(await canvasHash(page, 'panel-1'), before, 'the figure changes as runs complete');
    assert.ok(await canvasColours(page, 'panel-1') > 8);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the preset runs on a pool of Web Workers, and any number of workers gives the same numbers', async () => {
  // The transformer figure's 160 constructions come first (its gradient runs take an hour): read
  // the construction curves once they are complete.
  const constructionsDone = () => Number(document.getElementById('paper-done').dataset.value) >= 160;
  const csvWith = async (workers) => {
    const got = await settledCsv(lab, '#v=1&view=lora-paper&fig=tfn', workers, ['panel-1', 'panel-2'], constructionsDone);
    return { ...got, csv: got.csv.split('\n').filter((line) => line.includes(',series_2,')).join('\n') };
  };
  const alone = await csvWith(0);
  const two = await csvWith(2);
  assert.deepEqual([alone.used, two.used], ['0', '2']);
  assert.equal(alone.csv.split('\n').length, 32, alone.csv);
  assert.equal(two.csv, alone.csv, 'two workers: identical plotted values');
  assert.deepEqual([...alone.problems, ...two.problems], []);
});
