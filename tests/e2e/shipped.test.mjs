// The finished results that ship with the lab (www/results/, scripts/precompute.sh): a slow LoRA
// paper preset opens complete from its file and says where its numbers come from; "Recompute live"
// (live=1, in the link) computes every run again on the page; the file loads only when such a
// preset opens; a sample of every file's runs recomputed by the page's wasm gives the shipped
// numbers; a file that does not load leaves a working page that computes live and says why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startLab, ROOT } from './harness.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

const FILES = { 1: 'lora-paper-1.json', 2: 'lora-paper-2.json', flt: 'lora-paper-flt.json', bias: 'lora-paper-bias.json' };
const shippedFile = (file) => JSON.parse(readFileSync(path.join(ROOT, 'www/results', file)).toString());
const NON_FINITE = { NaN: NaN, inf: Infinity, '-inf': -Infinity };
const value = (v) => (typeof v === 'number' ? v : NON_FINITE[v]);
const text = (page, selector) => page.textContent(`main.lesson:not([hidden]) ${selector}`);
const number = (page, id) => page.$eval(`#${id}`, (el) => Number(el.dataset.value));

test('a slow preset opens complete from its shipped results and says so; "Recompute live" computes it on the page', async () => {
  for (const [fig, file] of Object.entries(FILES)) {
    const shipped = shippedFile(file);
    const { page, context, problems, transferred } = await lab.open(`#v=1&view=lora-paper&fig=${fig}`);
    await page.waitForSelector('body[data-settled="1"]', { timeout: 30000 });
    const check = await text(page, '.live-check');
    assert.ok(check.startsWith(`Done: all ${shipped.jobs} runs, median over 5 seeds per point.`), check);
    assert.ok(check.includes(`Computed in advance by this lab's own code (build ${shipped.code_version})`), check);
    assert.deepEqual([await number(page, 'paper-done'), await number(page, 'paper-total')], [shipped.jobs, shipped.jobs]);
    assert.ok([...transferred.keys()].some((url) => url.endsWith(`/www/results/${file}`)), `${file} was fetched`);
    assert.equal(await page.isVisible('#paper-live'), true);
    assert.equal(await page.isChecked('#paper-live'), false);
    if (fig === '2') {
      // Recompute live: the link says so, and every run starts again on this page.
      await page.check('#paper-live');
      await page.waitForFunction(() => location.hash === '#v=1&view=lora-paper&fig=2&live=1');
      await page.waitForFunction(() => document.querySelector('main.lesson:not([hidden]) .live-check').textContent.startsWith('Computing: '));
      assert.ok(await number(page, 'paper-done') < shipped.jobs);
      assert.equal(await page.isVisible('main.lesson:not([hidden]) .progress'), true);
      assert.ok(!(await text(page, '.live-check')).includes('in advance'));
      // And back: the shipped results again, complete.
      await page.uncheck('#paper-live');
      await page.waitForFunction(() => document.querySelector('main.lesson:not([hidden]) .live-check').textContent.includes('Computed in advance'));
      assert.equal(await number(page, 'paper-done'), shipped.jobs);
    }
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('the shipped results load only when a preset that uses them opens', async () => {
  const { page, context, problems, transferred } = await lab.open('#v=1&view=lora-paper&fig=tfn');
  await page.waitForTimeout(1000);
  for (const view of ['lora-linear', 'icl-risk']) {
    await page.evaluate((v) => { location.hash = `#v=1&view=${v}`; }, view);
    await page.waitForSelector(`main.lesson[data-view="${view}"]:not([hidden])`);
  }
  await page.waitForTimeout(500);
  assert.deepEqual([...transferred.keys()].filter((url) => url.includes('/results/')), []);
  // The transformer figure ships nothing: no "Recompute live" there.
  await page.evaluate(() => { location.hash = '#v=1&view=lora-paper&fig=tfn'; });
  await page.waitForSelector('main.lesson[data-view="lora-paper"]:not([hidden])');
  assert.equal(await page.isVisible('#paper-live'), false);
  assert.deepEqual(problems, []);
  await context.close();
});

// The first, middle and last run of each file (the constructions come first, the gradient runs
// last), each computed by a fresh instance of the page's wasm at the preset's live link, as a
// Web Worker computes it. Equal to 1e-6 relative, or both at rounding level (below 1e-12, where a
// construction is exact): the file was computed natively, whose matrix kernels use fused
// multiply-adds where the processor has them (wasm never does), and 5,000 Adam steps of an
// eight-layer model grow those last-bit differences to about 2.4e-7 relative (the final-layers
// preset's last run). A change to what the code computes moves the numbers far more.
test("a sample of every shipped file's runs, recomputed by the page's wasm, gives the shipped numbers", async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear');
  const compared = [];
  for (const file of Object.values(FILES)) {
    const shipped = shippedFile(file);
    const positions = [0, Math.floor(shipped.jobs / 2), shipped.jobs - 1];
    const got = await page.evaluate(async ([fragment, wanted]) => {
      const glue = await import(new URL('www/pkg/adaptlab.js', location.href));
      await glue.default({ module_or_path: new URL('www/pkg/adaptlab_bg.wasm', location.href) });
      return wanted.map((position) => {
        const fresh = new glue.Lab();
        fresh.load(`#${fragment}&live=1`);
        const numbers = [...fresh.run_job(Uint32Array.from([2, position, 0, 0]))];
        fresh.free();
        return numbers.map((x) => (Number.isNaN(x) ? 'NaN' : x));
      });
    }, [shipped.fragment, positions]);
    positions.forEach((position, i) => {
      const expected = shipped.results[position][1].map(value);
      const actual = got[i].map(value);
      const same = (a, b) => (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b))
        || (Math.abs(a) < 1e-12 && Math.abs(b) < 1e-12);
      assert.ok(actual.length === expected.length && actual.every((a, j) => same(a, expected[j])),
        `${file} run ${position}: the page computes ${actual}, the file holds ${expected}: run scripts/precompute.sh`);
      compared.push(`${file}#${position}`);
    });
  }
  assert.equal(compared.length, 12, compared.join(' '));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a results file that does not load leaves a working page that computes live and says why', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/www/results/*.json', (route) => route.fulfill({ status: 404, body: 'not here' }));
  await page.goto(`${lab.origin}/index.html#v=1&view=lora-paper&fig=2`);
  await page.waitForFunction(() => document.querySelector('main.lesson:not([hidden]) .live-check').textContent.startsWith('Computing: '), null, { timeout: 30000 });
  const check = await text(page, '.live-check');
  assert.match(check, /The finished results that ship with the lab could not be used: lora-paper-2\.json did not load \(404\)\. They are computed here instead\./);
  await page.waitForFunction(() => Number(document.getElementById('paper-done').dataset.value) > 0, null, { timeout: 60000 });
  assert.equal(await page.isHidden('#error-banner'), true);
  assert.deepEqual(errors, []);
  await context.close();
});
