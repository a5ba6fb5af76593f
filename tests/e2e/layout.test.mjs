// Layout: the figure comes first. At 1280×800 every lesson and every tour stop shows its main
// figure (with the live check) within the first screen; presenter mode gives the figure at least
// half of a 1920×1080 projector and keeps it on a 1280×720 one; at 375 px nothing scrolls
// sideways (lessons, the landing page, the tour, dialogs) and every figure is at least 240 px
// tall. Also: the landing page, the tour's controls and predictions, and "Try this" links.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startLab, ROOT } from './harness.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

const LESSONS = [
  '#v=1&view=lora-linear', '#v=1&view=lora-fnn', '#v=1&view=lora-transformer', '#v=1&view=lora-training',
  '#v=1&view=lora-paper', '#v=1&view=icl-prompt', '#v=1&view=icl-risk', '#v=1&view=icl-risk&prior=ascent',
  '#v=1&view=icl-risk&prior=biased&labels=random&kmax=10', '#v=1&view=icl-paper',
];
const TOUR_STOPS = 15; // tour::stops().len(); the test below also reads it from the page

// The box of the lesson's main figure, the live check and the main control, in CSS pixels.
const boxes = (page) => page.evaluate(() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height }; };
  const main = document.querySelector('main.lesson:not([hidden])');
  return {
    figure: box(main.querySelector('.stage > figure')),
    check: box(main.querySelector('.live-check')),
    control: box(main.querySelector('.control.main')),
    viewport: { width: innerWidth, height: innerHeight },
  };
});
const within = (b, v) => b.top >= 0 && b.bottom <= v.height && b.left >= 0 && b.right <= v.width && b.height > 0;
const rendered = (page) => page.waitForFunction(() => document.querySelector('main.lesson:not([hidden]) .live-check')?.textContent.length > 0);

test('at 1280×800 every lesson opens on its question, main figure, main control and live check', async () => {
  for (const link of LESSONS) {
    const { page, context, problems } = await lab.open(link, { viewport: { width: 1280, height: 800 } });
    await rendered(page);
    const b = await boxes(page);
    assert.ok(within(b.figure, b.viewport), `${link}: figure at ${JSON.stringify(b.figure)}`);
    assert.ok(within(b.check, b.viewport), `${link}: live check at ${JSON.stringify(b.check)}`);
    assert.ok(within(b.control, b.viewport), `${link}: main control at ${JSON.stringify(b.control)}`);
    assert.ok(b.figure.height >= 300, `${link}: figure only ${b.figure.height} px tall`);
    // Measured, not asserted: when the first figure was drawn, since navigation.
    console.log(`# ${link}: first figure drawn at ${await page.evaluate(() => document.body.dataset.firstDrawMs)} ms`);
    assert.deepEqual(problems, [], link);
    await context.close();
  }
});

test('at 1280×800 every tour stop shows its main figure in the first screen, asked and answered', async () => {
  const { page, context, problems } = await lab.open('#tour=1', { viewport: { width: 1280, height: 800 } });
  await page.waitForSelector('#tour h2');
  const count = await page.evaluate(() => Number(document.querySelector('.tour-progress').textContent.split('/')[1]));
  assert.equal(count, TOUR_STOPS);
  let predictions = 0;
  for (let n = 1; n <= count; n++) {
    for (const answer of ['', '&answer']) {
      await page.evaluate((hash) => { location.hash = hash; }, `#tour=${n}${answer}`);
      await page.waitForFunction((progress) => document.querySelector('.tour-progress')?.textContent === progress, `${n} / ${count}`);
      await rendered(page);
      const asks = await page.evaluate(() => document.querySelector('#tour .predict') !== null);
      if (answer && !asks) continue;
      if (asks && !answer) predictions += 1;
      const b = await boxes(page);
      assert.ok(within(b.figure, b.viewport), `tour ${n}${answer}: figure at ${JSON.stringify(b.figure)}`);
      if (answer || !asks) assert.ok(within(b.check, b.viewport), `tour ${n}${answer}: live check at ${JSON.stringify(b.check)}`);
    }
  }
  assert.ok(predictions >= 4, `${predictions} stops ask for a prediction`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the tour: progress, ← → and buttons, a prediction veils the figure until "Show me" reveals its state', async () => {
  const { page, context, problems } = await lab.open('#tour=2', { viewport: { width: 1280, height: 800 } });
  await page.waitForSelector('#tour .predict');
  assert.equal(await page.textContent('.tour-progress'), `2 / ${TOUR_STOPS}`);
  assert.equal(await page.evaluate(() => document.body.classList.contains('predicting')), true);
  assert.equal(await page.isVisible('main.lesson:not([hidden]) .live-check'), false, 'the live check would give the answer away');
  assert.equal(await page.isDisabled('#tour .show-me'), true, 'commit first');
  await page.click('#tour .choices button:nth-child(2)');
  await page.click('#tour .show-me');
  await page.waitForFunction(() => location.hash === '#tour=2&answer');
  await page.waitForSelector('#tour .answer');
  await page.waitForFunction(() => document.querySelector('main.lesson:not([hidden]) output[data-for="R"]').textContent === '8');
  assert.equal(await page.evaluate(() => document.body.classList.contains('predicting')), false);
  assert.equal(await page.isVisible('main.lesson:not([hidden]) .live-check'), true);
  assert.match(await page.textContent('main.lesson:not([hidden]) .live-check'), /exactly/);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash === '#tour=3');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => location.hash === '#tour=2');
  await page.click('#tour .tour-nav button:last-child');
  await page.waitForFunction(() => location.hash === '#tour=3');
  assert.deepEqual(problems, []);
  await context.close();
});

test('presenter mode: the figure takes at least half of 1920×1080, and fits 1280×720 with the live check', async () => {
  for (const [width, height, share] of [[1920, 1080, 0.5], [1280, 720, 0.35]]) {
    for (const link of [...LESSONS, '#tour=2&answer', '#tour=11']) {
      const { page, context, problems } = await lab.open(link, { viewport: { width, height } });
      await rendered(page);
      await page.keyboard.press('p');
      await page.waitForFunction(() => document.body.classList.contains('presenting'));
      await page.waitForTimeout(100);
      const b = await boxes(page);
      const area = (b.figure.width * b.figure.height) / (width * height);
      assert.ok(area >= share, `${link} at ${width}×${height}: the figure takes ${(area * 100).toFixed(0)} %`);
      assert.ok(within(b.figure, b.viewport), `${link} at ${width}×${height}: figure at ${JSON.stringify(b.figure)}`);
      assert.ok(within(b.check, b.viewport), `${link} at ${width}×${height}: live check at ${JSON.stringify(b.check)}`);
      assert.deepEqual(problems, [], link);
      await context.close();
    }
  }
});

test('at 375 px nothing scrolls sideways and every figure is at least 240 px tall', async () => {
  const wide = (page) => page.evaluate(() => document.documentElement.scrollWidth);
  for (const link of ['', '#tour=2', ...LESSONS]) {
    const { page, context, problems } = await lab.open(link, { viewport: { width: 375, height: 812 } });
    if (link) await rendered(page);
    assert.ok(await wide(page) <= 375, `${link || 'landing'}: the page is ${await wide(page)} px wide`);
    const heights = await page.$$eval('main:not([hidden]) figure:not([hidden]) canvas', (els) => els.map((el) => el.getBoundingClientRect().height));
    for (const h of heights) assert.ok(h >= 240, `${link}: a figure ${h} px tall`);
    if (link === '#v=1&view=lora-linear') {
      for (const open of ['#keys-open', 'main:not([hidden]) .stage > figure .figure-tools button[aria-haspopup="dialog"]']) {
        await page.click(open);
        const dialog = await page.evaluate(() => { const d = document.querySelector('dialog[open]'); return d.scrollWidth <= d.clientWidth && d.getBoundingClientRect().right <= innerWidth; });
        assert.ok(dialog, `${open}: the dialog overflows`);
        assert.ok(await wide(page) <= 375, `${open}: the page is ${await wide(page)} px wide with the dialog open`);
        await page.keyboard.press('Escape');
      }
    }
    assert.deepEqual(problems, [], link);
    await context.close();
  }
});

test('the bare address is the landing page: two results, ten numbered lessons, the tour; under 300 KB gzipped', async () => {
  const { page, context, problems, transferred } = await lab.open('', { viewport: { width: 1280, height: 800 } });
  assert.equal(await page.isVisible('#landing'), true);
  assert.equal(await page.$$eval('main.lesson:not([hidden])', (els) => els.length), 0);
  const cards = await page.$$eval('#landing .cards .card-title', (els) => els.map((el) => el.textContent));
  assert.equal(cards.length, 10);
  cards.forEach((title, i) => assert.match(title, new RegExp(`^${i + 1} · `)));
  await page.waitForLoadState('networkidle');
  let first = 0, thumbs = 0;
  for (const url of transferred.keys()) {
    const bytes = gzipSync(readFileSync(path.join(ROOT, 'dist', new URL(url).pathname)), { level: 9 }).length;
    if (new URL(url).pathname.includes('/thumbs/')) thumbs += bytes; else first += bytes;
  }
  console.log(`# landing page, gzipped: ${(first / 1024).toFixed(1)} KB, and ${(thumbs / 1024).toFixed(1)} KB of thumbnails`);
  assert.ok(first < 300 * 1024, `${first} bytes`);
  await page.click('#landing .cards a >> nth=1');
  await page.waitForFunction(() => location.hash.includes('view=lora-fnn'));
  await rendered(page);
  assert.match(await page.textContent('main.lesson:not([hidden]) .next-lesson'), /Next: 3 · Transformers/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a "Try this" link at the bottom of a lesson brings the changed figure into view', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear', { viewport: { width: 1280, height: 800 } });
  await rendered(page);
  await page.click('main:not([hidden]) .try a >> nth=0');
  await page.waitForFunction(() => location.hash.includes('R=7'));
  await rendered(page);
  await page.waitForFunction(() => window.scrollY === 0);
  const b = await boxes(page);
  assert.ok(within(b.figure, b.viewport), `figure at ${JSON.stringify(b.figure)}`);
  assert.deepEqual(problems, []);
  await context.close();
});
