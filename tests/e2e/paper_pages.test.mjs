// End-to-end tests of the two "paper's figures" lessons as a reader meets them: each panel titled
// as the paper's, "What to look for" written for the figure on show, "Show data" as a readable
// wide table, no dash for a number that does not apply, only the settings in effect (on the
// page and in an export's caption), and the command line in one "For researchers" fold.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startLab, downloadCsv, parseCsv } from './harness.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

// Each paper figure's link and how many panels it shows.
const FIGURES = [
  ['#v=1&view=lora-paper&fig=1', 2], ['#v=1&view=lora-paper&fig=2', 2], ['#v=1&view=lora-paper&fig=tfn', 2],
  ['#v=1&view=lora-paper&fig=flt', 2], ['#v=1&view=lora-paper&fig=bias', 1],
  ['#v=1&view=icl-paper&fig=4', 2], ['#v=1&view=icl-paper&fig=5', 3], ['#v=1&view=icl-paper&fig=6', 6],
  ['#v=1&view=icl-paper&fig=9', 2], ['#v=1&view=icl-paper&fig=10', 2], ['#v=1&view=icl-paper&fig=11', 2],
];
const GENERIC = /^(left panel|right panel|panel \d|the figure|the second panel)$/i;

// What the visible lesson shows: its figures' headings and canvas names, and its bullets.
const shown = (page) => page.evaluate(() => {
  const root = document.querySelector('main.lesson:not([hidden])');
  const figures = [...root.querySelectorAll('figure[data-figure]')].filter((f) => !f.hidden);
  return {
    titles: figures.map((f) => f.querySelector('h2, h3').textContent),
    canvases: figures.map((f) => f.querySelector('canvas').getAttribute('aria-label')),
    buttons: figures.map((f) => f.querySelector('button[data-export="png"]').getAttribute('aria-label')),
    bullets: [...root.querySelectorAll('.look-for li')].filter((li) => li.offsetParent !== null).map((li) => li.textContent),
  };
});

test('every paper figure titles its own panels, distinct, and says what to look for in it', async () => {
  const { page, context, problems } = await lab.open(FIGURES[0][0]);
  const seenBullets = new Set();
  let previous = '';
  for (const [fragment, panels] of FIGURES) {
    await page.evaluate((f) => { location.hash = f; }, fragment);
    // Rendered: the first panel's title has changed from the previous figure's.
    // (The address may drop a default, e.g. fig=6, so the title is what tells.)
    await page.waitForFunction((before) => {
      const heading = document.querySelector('main.lesson:not([hidden]) figure[data-figure="panel-1"] h2');
      return heading !== null && heading.textContent !== before && heading.textContent !== 'The figure';
    }, previous);
    await page.waitForTimeout(100);
    const { titles, canvases, buttons, bullets } = await shown(page);
    assert.equal(titles.length, panels, `${fragment}: ${titles.join(' | ')}`);
    assert.equal(new Set(titles).size, panels, `${fragment}: distinct titles: ${titles.join(' | ')}`);
    for (const title of titles) {
      assert.ok(title.length > 12 && !GENERIC.test(title), `${fragment}: '${title}'`);
      assert.match(title, /against/, `${fragment}: '${title}' says what is plotted`);
    }
    previous = titles[0];
    assert.deepEqual(canvases, titles, 'each canvas is named by its title');
    assert.deepEqual(buttons, titles.map((t) => `Save this figure as a PNG image at twice its size, with a caption: ${t}`));
    assert.ok(bullets.length >= 1 && bullets.length <= 3, `${fragment}: ${bullets.length} bullets`);
    for (const bullet of bullets) {
      assert.ok(!seenBullets.has(bullet), `${fragment}: '${bullet}' is another figure's too`);
      seenBullets.add(bullet);
    }
  }
  assert.deepEqual(problems, []);
  await context.close();
});

// Significant digits of a number as the table writes it (2.5e-7 → 2; 0.04123 → 4; 127 → 3).
const significant = (text) => text.replace(/^[−-]/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length;

test('"Show data" is a wide table: one row per k, one column per legend entry, four significant digits', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=icl-paper&fig=11');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 120000 });
  const figure = 'main:not([hidden]) figure[data-figure="panel-1"]';
  await page.click(`${figure} details.data summary`);
  await page.waitForSelector(`${figure}[data-table-complete="1"]`);
  const table = await page.$eval(`${figure} .data-table`, (t) => ({
    heads: [...t.tHead.rows[0].cells].map((c) => [c.tagName, c.scope, c.textContent]),
    rows: [...t.tBodies[0].rows].map((r) => [...r.cells].map((c) => [c.tagName, c.scope, c.textContent])),
  }));
  const csv = parseCsv(await downloadCsv(page, 'panel-1'));
  const legends = [...new Set(csv.map((r) => r.legend))];
  const ks = [...new Set(csv.map((r) => r.x))];
  assert.deepEqual(table.heads.map((h) => h.slice(0, 2)), Array(legends.length + 1).fill(['TH', 'col']));
  assert.deepEqual(table.heads.map((h) => h[2]), ['number of in-context examples k', ...legends], 'named as in the legend');
  assert.ok(table.heads.every((h) => !/_|^$/.test(h[2])), 'no machine names');
  assert.equal(table.rows.length, ks.length, 'one row per k');
  for (const [i, row] of table.rows.entries()) {
    assert.deepEqual(row[0].slice(0, 2), ['TH', 'row'], 'the k heads its row');
    assert.equal(Number(row[0][2]), ks[i]);
    assert.equal(row.length, legends.length + 1);
    for (const [j, legend] of legends.entries()) {
      const text = row[j + 1][2];
      const exact = csv.find((r) => r.legend === legend && r.x === ks[i]).y;
      assert.ok(significant(text) <= 4, `'${text}' has more than four significant digits`);
      assert.ok(Math.abs(Number(text) - exact) <= 5.001e-4 * Math.abs(exact), `${legend} at k = ${ks[i]}: ${text} for ${exact}`);
    }
  }
  // The CSV keeps full precision.
  assert.ok(csv.some((r) => String(r.y).replace(/^0\.0*/, '').length > 8), 'the CSV has the full digits');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wide table scrolls inside its own box on a phone; the ±2 SE columns are named', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=icl-paper&fig=4', { viewport: { width: 375, height: 812 } });
  const figure = 'main:not([hidden]) figure[data-figure="panel-1"]';
  await page.click(`${figure} details.data summary`);
  await page.waitForSelector(`${figure} .data-table`);
  const heads = await page.$$eval(`${figure} .data-table thead th`, (ths) => ths.map((th) => th.textContent));
  assert.ok(heads.includes('δ = 1/81 + 2 SE'), heads.join(' | '));
  assert.match(await page.textContent(`${figure} .table-notes`), /SE: the standard error of the Monte Carlo mean/);
  assert.ok(heads.every((h) => h !== ''), 'every column has a heading');
  const sizes = await page.$eval(`${figure} .table-wrap`, (wrap) => ({
    page: document.documentElement.scrollWidth, inner: wrap.scrollWidth, box: wrap.clientWidth,
  }));
  assert.ok(sizes.page <= 375, `the page is ${sizes.page} px wide`);
  assert.ok(sizes.inner > sizes.box, `the table (${sizes.inner} px) scrolls in its box (${sizes.box} px)`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a number that does not apply is left out, never shown as a dash', async () => {
  for (const fragment of ['#v=1&view=lora-fnn&Lbar=2&L=4', '#v=1&view=icl-risk&kmax=6&trials=400', '#v=1&view=lora-paper&fig=2', '#v=1&view=icl-paper&fig=11']) {
    const { page, context, problems } = await lab.open(fragment);
    await page.waitForTimeout(1500);
    const numbers = await page.$$eval('main.lesson:not([hidden]) td[id]', (cells) => cells.map((c) => ({
      id: c.id, text: c.textContent, visible: c.offsetParent !== null, value: c.dataset.value,
    })));
    assert.ok(numbers.length > 0);
    for (const n of numbers) {
      assert.ok(!n.text.includes('—'), `${fragment}: #${n.id} shows '${n.text}'`);
      assert.equal(n.visible, n.value !== '', `${fragment}: #${n.id} is shown exactly when it has a value`);
    }
    assert.ok(!(await page.textContent('main.lesson:not([hidden])')).includes(' — (it'), 'no dash for a missing number in the texts');
    assert.deepEqual(problems, []);
    await context.close();
  }
  // The L̄ = 1 bound does not apply with L̄ = 2: its row is hidden.
  const { page, context } = await lab.open('#v=1&view=lora-fnn&Lbar=2&L=4');
  assert.equal(await page.isHidden('#fnn-bound'), true);
  await context.close();
});

test('only the settings in effect are shown, and an export caption names only those', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=icl-risk&prior=fig6&kmax=6&trials=200');
  const box = (key) => page.$eval(`main.lesson:not([hidden]) [data-key="${key}"]`, (el) => el.closest('.control, .list-control').hidden);
  assert.equal(await box('d'), false, 'the dimension acts for the early-ascent prior');
  assert.equal(await box('delta'), true, 'δ does not act for it');
  assert.equal(await box('ls'), true, "the random labels' spread does not act for correct labels");
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60000 }),
    page.click('main:not([hidden]) figure[data-figure="risk"] button[data-export="svg"]'),
  ]);
  const svg = readFileSync(await download.path()).toString();
  const desc = /<desc>([^<]*)<\/desc>/.exec(svg)[1];
  assert.match(desc, /dimension d \(Figure 6 prior\) = 1/);
  for (const absent of ['δ = δ', 'task closeness', "spread s", 'custom prior', '—']) assert.ok(!desc.includes(absent), `'${absent}' in: ${desc}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the command line is in one "For researchers" fold after the lesson, closed, with this view\'s commands', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=icl-paper&fig=11');
  assert.equal(await page.$eval('#researchers', (d) => d.open), false);
  assert.equal(await page.isVisible('#cli-report'), false, 'students are not confronted with it');
  await page.click('#researchers > summary');
  const link = "'#v=1&view=icl-paper&fig=11'";
  assert.equal(await page.textContent('#cli-report'), `adaptlab report ${link}`);
  assert.equal(await page.textContent('#cli-render'), `adaptlab render ${link} --svg figures.svg --csv series.csv`);
  assert.match(await page.textContent('#cli-figure'), /^adaptlab figure '#v=1&view=icl-paper&fig=11' --threads \d+ --svg figures\.svg --csv series\.csv$/);
  assert.equal(await page.isVisible('#cli-figure'), true);
  assert.equal(await page.isVisible('#cli-solve'), false, 'a paper figure has no single problem to solve');
  // The fold follows the lesson: below its last section.
  const below = await page.evaluate(() => {
    const lesson = document.querySelector('main.lesson:not([hidden])').getBoundingClientRect();
    return document.getElementById('researchers').getBoundingClientRect().top >= lesson.bottom - 1;
  });
  assert.equal(below, true);
  // The landing page has no command line.
  await page.evaluate(() => { location.hash = ''; });
  await page.waitForSelector('#landing:not([hidden])');
  assert.equal(await page.isVisible('#researchers'), false);
  assert.deepEqual(problems, []);
  await context.close();
});
