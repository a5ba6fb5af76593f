// A panic in the Rust core (a bug) must not leave the page dead. The page's wasm instance is
// discarded and a fresh one starts at the link's state on the next action, without a reload and
// without the "recursive use of an object" cascade; a Web Worker whose wasm panics is replaced
// and its jobs are handed out again. The panics come from the test-only hooks (events no link or
// control can dispatch): `adaptlab:test-panic` and `adaptlab:test-worker-panic`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startLab, canvasColours, settledCsv } from './harness.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

// The CSV a figure's export button downloads.
async function downloadCsv(page, figure) {
  const button = `main:not([hidden]) figure[data-figure="${figure}"] button[data-export="csv"]`;
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return readFileSync(await download.path(), 'utf8');
}

// The console lines a deliberate panic leaves: the panic hook's message and the trap.
const expected = (problem) => /deliberate panic|unreachable|RuntimeError/.test(problem);

// Counts the page's renders, so that a test can wait for the next one.
const countRenders = (page) => page.evaluate(() => {
  window.renders = 0;
  document.addEventListener('adaptlab:rendered', () => { window.renders += 1; });
});

// The shown lesson's state after a render: its view, the banner, the live check and how many
// colours its first figure has (a drawn figure has many).
async function shown(page) {
  const state = await page.evaluate(() => {
    const root = document.querySelector('main.lesson:not([hidden])');
    return {
      view: root.dataset.view,
      banner: document.querySelector('#error-banner').hidden ? '' : document.querySelector('#error-banner').textContent,
      check: root.querySelector('.live-check').textContent,
      figure: root.querySelector('figure[data-figure]:not([hidden])').dataset.figure,
    };
  });
  return { ...state, colours: await canvasColours(page, state.figure) };
}

test('after a panic the next action starts a fresh wasm instance: every lesson opens by link and draws, without a reload', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear&R=5');
  await page.evaluate(() => { window.sameDocument = true; });
  await countRenders(page);
  await page.evaluate(() => document.dispatchEvent(new Event('adaptlab:test-panic')));
  await page.waitForSelector('#error-banner:not([hidden])');
  const banner = await page.textContent('#error-banner');
  assert.match(banner, /Something went wrong: the computation stopped on an internal error \(a bug in Adaptation Lab.*\)\. Your settings are in the link: change a setting or open a lesson to go on\./);
  // Every lesson, by its link in the navigation.
  const links = await page.$$eval('[data-view-link]', (anchors) => anchors.map((a) => a.dataset.viewLink));
  assert.ok(links.length >= 8, `${links.length} lesson links`);
  for (const name of links) {
    const renders = await page.evaluate(() => window.renders);
    await page.click(`[data-view-link="${name}"]`);
    await page.waitForFunction((before) => window.renders > before, renders, { timeout: 20000 });
    const now = await shown(page);
    assert.equal(now.banner, '', `${name}: no error banner`);
    assert.ok(now.check.length > 20, `${name}: the live check says something: ${now.check}`);
    assert.ok(now.colours > 3, `${name}: figure ${now.figure} is drawn (${now.colours} colours)`);
  }
  // A control works too, and the page was never reloaded.
  await page.click('[data-view-link="lora-linear"]');
  await page.focus('#ctl-R');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => location.hash.includes('R=2'));
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'no reload');
  assert.deepEqual(problems.filter((p) => !expected(p)), []);
  assert.equal(problems.some((p) => /recursive use|unsafe aliasing/.test(p)), false);
  await context.close();
});

test('a panic during background work stops it with the message; a setting then starts over, and the curve completes', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-fnn&D=32&L=8&Lbar=2');
  await countRenders(page);
  await page.evaluate(() => document.dispatchEvent(new Event('adaptlab:test-panic')));
  await page.waitForSelector('#error-banner:not([hidden])');
  assert.equal(await page.evaluate(() => document.body.dataset.computing), '0', 'the work in progress stopped');
  await page.focus('#lesson-lora-fnn [data-key="R"]');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  assert.equal(await page.isHidden('#error-banner'), true);
  assert.match(await page.textContent('#lesson-lora-fnn [data-summary="error"]'), /against LoRA rank/);
  assert.doesNotMatch(await page.textContent('#lesson-lora-fnn [data-summary="error"]'), /computed so far/);
  assert.deepEqual(problems.filter((p) => !expected(p)), []);
  await context.close();
});

test('after a panic, an export is an action too: the CSV comes from a fresh instance at the same link', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear&R=2&seed=3');
  const before = await downloadCsv(page, 'error');
  await page.evaluate(() => document.dispatchEvent(new Event('adaptlab:test-panic')));
  await page.waitForSelector('#error-banner:not([hidden])');
  assert.equal(await downloadCsv(page, 'error'), before);
  assert.deepEqual(problems.filter((p) => !expected(p)), []);
  await context.close();
});

test('a Web Worker whose wasm panics is replaced and its jobs are handed out again: the sweep completes with the same numbers', async () => {
  const link = '#v=1&view=icl-risk&kmax=16&trials=20000';
  const reference = await settledCsv(lab, link, 0, ['risk']);
  assert.equal(reference.used, '0');
  const context = await lab.browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${lab.origin}/index.html?workers=2${link}`);
  // As soon as the pool exists: every worker panics on its next job.
  await page.waitForFunction(() => document.body.dataset.workers === '2', null, { timeout: 30000 });
  await page.evaluate(() => document.dispatchEvent(new Event('adaptlab:test-worker-panic')));
  await page.waitForSelector('body[data-settled="1"]', { timeout: 180000 });
  const traps = Number(await page.evaluate(() => document.body.dataset.workerTraps ?? '0'));
  assert.ok(traps >= 1 && traps <= 2, `${traps} workers panicked and were replaced`);
  assert.equal(await page.evaluate(() => document.body.dataset.workers), '2', 'the pool kept its size');
  assert.equal(await page.isHidden('#error-banner'), true, 'fewer than three panics: no message, the workers go on');
  assert.equal(await downloadCsv(page, 'risk'), reference.csv, 'every block merged once, in order');
  assert.deepEqual(problems.filter((p) => !expected(p)), []);
  await context.close();
});
