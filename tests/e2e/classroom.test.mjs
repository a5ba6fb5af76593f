// End-to-end tests of the classroom features: share, embed, present, keyboard, export, import,
// the single-file build and the example course page, in Debian's Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startLab, canvasHash, canvasColours, ROOT } from './harness.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

const visible = (page, selector) => page.$$eval(selector, (els) => els.filter((e) => e.offsetParent !== null).length);

test('Copy link gives the exact current state, and that link reproduces the numbers', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear&D=12&R=4&seed=3');
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: lab.origin });
  await page.click('#copy-link');
  await page.waitForFunction(() => document.body.dataset.copiedLink);
  const link = await page.evaluate(() => document.body.dataset.copiedLink);
  assert.equal(link, `${lab.origin}/index.html#v=1&view=lora-linear&D=12&R=4&seed=3`);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  assert.match(await page.textContent('#toolbar-status'), /Link copied/);
  const shown = await page.textContent('#num-optimal');
  const other = await context.newPage();
  await other.goto(link);
  await other.waitForSelector('body[data-ready="1"]');
  assert.equal(await other.textContent('#num-optimal'), shown);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the paper-figure menu and number keys open the presets by link', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear');
  await page.selectOption('#preset-menu', '#v=1&view=icl-paper&fig=6');
  await page.waitForFunction(() => location.hash.includes('view=icl-paper'));
  assert.equal(await page.isVisible('main[data-view="icl-paper"]'), true);
  assert.equal(await page.inputValue('#preset-menu'), '');
  await page.evaluate(() => document.activeElement.blur()); // shortcuts are off while a field has focus
  await page.keyboard.press('2');
  await page.waitForFunction(() => location.hash === '#v=1&view=lora-paper&fig=2');
  assert.equal(await page.inputValue('#paper-fig'), '2');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a navigation is never undone by a redraw that runs before its hashchange', async () => {
  // A preset key or a pasted link sets the address; a redraw of the old state (work under way, a
  // control) can run before the hashchange event. The navigation must still win.
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear&R=2');
  await page.evaluate(() => {
    location.hash = '#v=1&view=lora-fnn&R=3';
    const rank = document.querySelector('#ctl-R');
    rank.value = '4';
    rank.dispatchEvent(new Event('input'));
  });
  await page.waitForFunction(() => document.querySelector('main[data-view="lora-fnn"]').offsetParent !== null);
  assert.equal(await page.evaluate(() => location.hash), '#v=1&view=lora-fnn&R=3');
  assert.equal(await page.inputValue('main[data-view="lora-fnn"] [data-key="R"]'), '3');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an embed link shows one figure with only its whitelisted controls and a link to the full lab', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear&R=5&embed=1&figure=error&controls=R');
  assert.equal(await visible(page, 'figure[data-figure]'), 1);
  assert.equal(await page.isVisible('figure[data-figure="error"] canvas'), true);
  assert.ok(await canvasColours(page, 'error') > 8);
  assert.equal(await page.isVisible('.masthead'), false);
  assert.equal(await page.isVisible('.theorem'), false);
  assert.deepEqual(await page.$$eval('main:not([hidden]) [data-key]', (els) => els.filter((e) => e.offsetParent !== null).map((e) => e.dataset.key)), ['R']);
  assert.equal(await page.getAttribute('#open-full', 'href'), `${lab.origin}/index.html#v=1&view=lora-linear&R=5`);
  // The embed's own control still works.
  const before = await canvasHash(page, 'error');
  await page.focus('#ctl-R');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash.includes('R=6'));
  assert.notEqual(await canvasHash(page, 'error'), before);
  assert.match(await page.evaluate(() => location.hash), /embed=1&figure=error&controls=R$/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the embed dialog writes an iframe snippet for the figure, size and controls chosen', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-fnn&R=3');
  await page.click('main:not([hidden]) figure[data-figure="error"] button:has-text("Embed")');
  assert.equal(await page.isVisible('#embed-dialog'), true);
  for (const box of await page.$$('#embed-controls input')) {
    if (!['R', 'L'].includes(await box.getAttribute('value'))) await box.uncheck();
  }
  await page.selectOption('#embed-size', 'small');
  const snippet = await page.inputValue('#embed-snippet');
  assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/index\.html#v=1&view=lora-fnn&R=3&embed=1&figure=error&controls=L,R" title="Adaptation Lab: [^"]+" width="480" height="420"/);
  await page.keyboard.press('Escape');
  assert.equal(await page.isVisible('#embed-dialog'), false);
  const src = snippet.match(/src="([^"]+)"/)[1];
  const embedded = await context.newPage();
  await embedded.goto(src);
  await embedded.waitForSelector('body.embed[data-ready="1"]');
  assert.equal(await visible(embedded, 'figure[data-figure]'), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the example course page: two independent embeds that report their height and pause off-screen', async () => {
  const context = await lab.browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${lab.origin}/examples/course.html`);
  const lora = page.frameLocator('#embed-lora');
  await lora.locator('body.embed[data-ready="1"]').waitFor();
  // The parent page's one-line listener fitted the iframe to the height the embed reported.
  await page.waitForFunction(() => document.querySelector('#embed-lora').style.height !== '');
  const reported = await page.evaluate(() => parseFloat(document.querySelector('#embed-lora').style.height));
  const content = await lora.locator('html').evaluate((html) => html.getBoundingClientRect().height);
  assert.ok(Math.abs(reported - content) <= 2, `${reported} vs ${content}`);
  // The second embed starts below the fold: it loads, then waits without computing.
  const icl = page.frameLocator('#embed-icl');
  await icl.locator('body[data-ready="1"]').waitFor();
  await icl.locator('body[data-offscreen="1"]').waitFor();
  const parked = await icl.locator('body').evaluate((b) => ({ computing: b.dataset.computing, settled: b.dataset.settled }));
  assert.deepEqual(parked, { computing: '0', settled: undefined });
  // Changing the first embed leaves the second alone.
  const iclHash = await icl.locator('body').evaluate(() => location.hash);
  await lora.locator('#ctl-R').focus();
  await page.keyboard.press('ArrowRight');
  await lora.locator('body').evaluate(() => new Promise((r) => { const t = () => (location.hash.includes('R=4') ? r() : setTimeout(t, 20)); t(); }));
  assert.equal(await icl.locator('body').evaluate(() => location.hash), iclHash);
  // Scrolled into view, it computes and completes.
  await page.locator('#embed-icl').scrollIntoViewIfNeeded();
  await icl.locator('body[data-settled="1"]').waitFor({ timeout: 60000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('presenter mode, the keyboard map and shortcuts, which stay quiet while typing', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear');
  const before = await canvasHash(page, 'error');
  await page.keyboard.press('p');
  assert.equal(await page.evaluate(() => document.body.classList.contains('presenting')), true);
  assert.equal(await page.isVisible('.try'), false);
  assert.notEqual(await canvasHash(page, 'error'), before, 'figures are redrawn larger');
  await page.keyboard.press('p');
  assert.equal(await page.evaluate(() => document.body.classList.contains('presenting')), false);
  await page.keyboard.press('?');
  assert.equal(await page.isVisible('#keys-dialog'), true);
  assert.match(await page.textContent('#keys-dialog'), /Space.*play or pause/s);
  await page.keyboard.press('Escape');
  // Typing "p" and "2" into the seed field edits the field, nothing else.
  await page.fill('#ctl-seed', '');
  await page.type('#ctl-seed', '2p');
  assert.equal(await page.evaluate(() => document.body.classList.contains('presenting')), false);
  assert.equal(await page.evaluate(() => location.hash.includes('view=lora-linear')), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Space pauses and resumes training, the arrow steps it, R restarts it', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-training');
  await page.waitForFunction(() => document.querySelector('main:not([hidden]) progress').value > 0);
  await page.keyboard.press(' ');
  assert.equal(await page.getAttribute('#train-play', 'aria-pressed'), 'false');
  const stopped = await page.evaluate(() => document.querySelector('main:not([hidden]) progress').value);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => document.querySelector('main:not([hidden]) progress').value), stopped, 'paused means no work');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((s) => document.querySelector('main:not([hidden]) progress').value > s, stopped);
  await page.keyboard.press('r');
  await page.waitForFunction((s) => document.querySelector('main:not([hidden]) progress').value < s, stopped);
  await page.keyboard.press(' ');
  assert.equal(await page.getAttribute('#train-play', 'aria-pressed'), 'true');
  assert.deepEqual(problems, []);
  await context.close();
});

async function saved(page, figure, kind) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`main:not([hidden]) figure[data-figure="${figure}"] button[data-export="${kind}"]`),
  ]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

test('export: PNG at 2× with a caption, SVG from the plotting code (loaded on demand), CSV and JSON', async () => {
  const { page, context, problems, transferred } = await lab.open('#v=1&view=lora-linear&R=5');
  const png = await saved(page, 'error', 'png');
  assert.equal(png.name, 'adaptlab-lora-linear-error.png');
  assert.deepEqual([...png.bytes.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  assert.equal(png.bytes.readUInt32BE(16), 1520, 'twice the figure width of 760');
  assert.ok(png.bytes.readUInt32BE(20) > 760, 'the figure plus a caption');
  assert.equal([...transferred.keys()].some((url) => url.includes('pkg-export')), false, 'the SVG writer is not loaded up front');
  const svg = (await saved(page, 'error', 'svg')).bytes.toString();
  assert.ok([...transferred.keys()].some((url) => url.includes('pkg-export/adaptlab_bg.wasm')));
  assert.match(svg, /^<svg[^>]*>\n<title>Adaptation Lab — Error against rank: theory and construction<\/title>/);
  assert.match(svg, /Error against LoRA rank/, 'the figure title drawn by plotters');
  assert.match(svg, /<desc>[^<]*#v=1&amp;view=lora-linear&amp;R=5<\/desc>/);
  assert.ok((svg.match(/<circle/g) || []).length >= 17, 'one circle per measured rank');
  const csv = (await saved(page, 'error', 'csv')).bytes.toString().trim().split('\n');
  assert.equal(csv[0], 'figure,series,x,y,legend');
  assert.ok(csv.length > 30 && csv.slice(1).every((row) => row.startsWith('error,')));
  const optimum = csv.find((row) => row.startsWith('error,optimal_frobenius_sq,5,'));
  assert.ok(optimum, csv.slice(0, 5).join('\n'));
  const shown = Number(await page.getAttribute('#num-optimal', 'data-value'));
  assert.ok(Math.abs(Number(optimum.split(',')[3]) - shown) <= 1e-9 * shown, `${optimum} vs ${shown}`);
  assert.ok(optimum.endsWith(',optimum ‖E − LR_RL(E)‖_F² (Eckart–Young)'), 'the legend name closes the row');
  const state = JSON.parse((await saved(page, 'error', 'json')).bytes.toString());
  assert.equal(state.format, 'adaptlab-state');
  assert.equal(state.fragment, 'v=1&view=lora-linear&R=5');
  assert.equal(state.settings.R, '5');
  assert.deepEqual(problems, []);
  await context.close();
});

test('import: a saved state opens; a broken or hostile file changes nothing and says why', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear&R=6');
  const dir = mkdtempSync(path.join(tmpdir(), 'adaptlab-import-'));
  const file = (name, text) => { const p = path.join(dir, name); writeFileSync(p, text); return p; };
  await page.setInputFiles('#import-state', file('broken.json', '{"format": "adaptlab-state", "fragment": '));
  await page.waitForSelector('#notice:not([hidden])');
  assert.match(await page.textContent('#notice'), /Import failed: broken\.json: the file is not JSON .* Nothing was changed\./);
  assert.equal(await page.evaluate(() => location.hash), '#v=1&view=lora-linear&R=6');
  await page.setInputFiles('#import-state', file('other.json', '{"format": "something-else"}'));
  await page.waitForFunction(() => document.querySelector('#notice').textContent.includes('other.json'));
  assert.match(await page.textContent('#notice'), /"format" must be "adaptlab-state"/);
  const hostile = '{"format":"adaptlab-state","fragment":"v=1&view=lora-fnn&R=<img src=x onerror=alert(1)>"}';
  await page.setInputFiles('#import-state', file('hostile.json', hostile));
  await page.waitForFunction(() => location.hash.includes('view=lora-fnn'));
  await page.waitForSelector('#notice:not([hidden])');
  assert.match(await page.textContent('#notice'), /<img src=x/, 'shown as text');
  assert.equal(await page.$$eval('img[src="x"]', (imgs) => imgs.length), 0, 'never inserted as HTML');
  await page.setInputFiles('#import-state', file('good.json', JSON.stringify({ format: 'adaptlab-state', version: 1, fragment: 'v=1&view=icl-risk&prior=ascent' })));
  await page.waitForFunction(() => location.hash === '#v=1&view=icl-risk&prior=ascent');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the single-file build opens from file:// and draws every lesson with no console errors', async () => {
  const html = path.join(ROOT, 'dist/adaptation-lab.html');
  const gzipped = gzipSync(readFileSync(html), { level: 9 }).length;
  test.diagnostic?.(`single file, gzipped: ${(gzipped / 1024).toFixed(1)} KB`);
  console.log(`# single file, gzipped: ${(gzipped / 1024).toFixed(1)} KB`);
  // The single file inlines the export build (the page's code plus the SVG writer and training):
  // its budget grows with the page's (300 KB since issue 13).
  assert.ok(gzipped < 450 * 1024, `the single file is ${gzipped} bytes gzipped, over its 450 KB budget`);
  const context = await lab.browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
  const problems = [];
  for (const view of ['lora-linear', 'lora-fnn', 'lora-transformer', 'lora-training', 'lora-paper', 'icl-prompt', 'icl-risk', 'icl-paper']) {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`${view}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`${view}: ${e.message}`));
    page.on('request', (r) => { if (!r.url().startsWith('file://') && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) problems.push(`left: ${r.url()}`); });
    await page.goto(`file://${html}#v=1&view=${view}`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
    const figure = await page.$eval('main:not([hidden]) figure[data-figure]:not([hidden])', (f) => f.dataset.figure);
    assert.ok(await canvasColours(page, figure) > 4, `${view}: ${figure} is drawn`);
    if (view === 'lora-linear') {
      const svg = (await saved(page, 'spectrum', 'svg')).bytes.toString();
      assert.match(svg, /Spectrum of the discrepancy/);
    }
    await page.close();
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('dark colours: the toggle switches the page and the figures, and is remembered', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear');
  const light = await canvasHash(page, 'spectrum');
  await page.click('#theme-toggle');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.notEqual(await canvasHash(page, 'spectrum'), light);
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, 'rgb(24, 26, 31)');
  // The click loads the glossary (on the first interaction); a reload would abort that request.
  await page.waitForLoadState('networkidle');
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.deepEqual(problems, []);
  await context.close();
});

test('at phone width (375 px) nothing overflows sideways and the controls are touch-sized', async () => {
  for (const view of ['lora-linear', 'lora-training', 'icl-prompt', 'icl-risk']) {
    const { page, context, problems } = await lab.open(`#v=1&view=${view}`, { viewport: { width: 375, height: 800 }, hasTouch: true, isMobile: true });
    const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${view}: ${overflow}px wider than the screen`);
    const small = await page.$$eval('main:not([hidden]) .controls input, main:not([hidden]) .controls select, main:not([hidden]) .controls button',
      // A visually hidden file input is pressed through its label, which is measured instead.
      (els) => els.map((e) => (e.classList.contains('visually-hidden') ? e.closest('label') : e))
        .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height < 24).map((e) => e.id || e.outerHTML.slice(0, 60)));
    assert.deepEqual(small, [], `${view}: controls too small to touch`);
    const range = await page.$('main:not([hidden]) input[type="range"]');
    const before = await page.evaluate(() => location.hash);
    // A finger drags the slider from its thumb towards the right end. Measured and dragged again
    // if the slider has not moved after two seconds, as a reader would try again: a page still
    // laying out its first screen (a phone's figure fitted to it) can move the slider under the
    // finger between measuring and touching.
    const cdp = await context.newCDPSession(page);
    let moved = false;
    for (let attempt = 0; attempt < 3 && !moved; attempt++) {
      await range.scrollIntoViewIfNeeded();
      const box = await range.boundingBox();
      const fraction = await range.evaluate((r) => (r.value - r.min) / (r.max - r.min));
      const y = box.y + box.height / 2;
      const touch = (type, x) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
      await touch('touchStart', box.x + 8 + (box.width - 16) * fraction);
      for (const f of [0.5, 0.7, 0.85]) await touch('touchMove', box.x + box.width * f);
      await touch('touchEnd');
      moved = await page.waitForFunction((b) => location.hash !== b, before, { timeout: 2000 }).then(() => true, () => false);
    }
    assert.ok(moved, `${view}: three drags did not move the slider`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('"Show data" lists the plotted values, the same numbers as the page', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear&R=5');
  assert.equal(await page.getAttribute('main:not([hidden]) figure[data-figure="error"] canvas', 'aria-label'), 'Error against rank: theory and construction');
  // Opened at once, while the curve may still be computing: the table must follow it to the end.
  await page.click('main:not([hidden]) figure[data-figure="error"] details.data summary');
  await page.waitForSelector('body[data-computing="0"]');
  await page.waitForSelector('main:not([hidden]) figure[data-figure="error"][data-table-complete="1"]');
  // One row per rank, one column per series named as in the legend, four significant digits.
  const columns = await page.$$eval('main:not([hidden]) figure[data-figure="error"] .data-table thead th', (ths) => ths.map((th) => th.textContent));
  const rows = await page.$$eval('main:not([hidden]) figure[data-figure="error"] .data-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(columns[0], 'LoRA rank R (every layer)');
  const column = columns.indexOf('optimum ‖E − LR_RL(E)‖_F² (Eckart–Young)');
  assert.ok(column > 0, columns.join(' | '));
  assert.equal(rows.length, 17, 'ranks 0…16');
  const optimum = rows.find((cells) => cells[0] === '5');
  assert.equal(optimum[column], await page.textContent('#num-optimal'), 'the same four digits as the headline number');
  assert.deepEqual(problems, []);
  await context.close();
});

test('your own matrices open from CSV or JSON, go in the link, match adaptlab solve, and a bad file changes nothing', async () => {
  const { execFileSync } = await import('node:child_process');
  const ADAPTLAB = path.resolve(ROOT, process.env.ADAPTLAB_BIN || 'target/release/adaptlab');
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear&R=1');
  const dir = mkdtempSync(path.join(tmpdir(), 'adaptlab-matrices-'));
  const file = (name, text) => { const p = path.join(dir, name); writeFileSync(p, text); return p; };
  const before = await page.evaluate(() => location.hash);
  await page.setInputFiles('#import-matrices', file('ragged.csv', '1,0\n0,1\n\n1,0\n0\n'));
  await page.waitForSelector('#notice:not([hidden])');
  assert.match(await page.textContent('#notice'), /Import failed: ragged\.csv: cm: frozen\[0\]: row 1 has 1 entries but row 0 has 2 .*Nothing was changed\./);
  assert.equal(await page.evaluate(() => location.hash), before);
  await page.setInputFiles('#import-matrices', file('mine.csv', '3,0,1\n0,2,0\n1,0,1\n\n1,0,0\n0,1,0\n0,0,1\n\n2,1,0\n0,1,0\n0,0,1\n'));
  await page.waitForFunction(() => location.hash.includes('cm='));
  assert.match(await page.evaluate(() => location.hash), /D=3&R=1&q=3&cm=3,0,1;0,2,0;1,0,1\/1,0,0;0,1,0;0,0,1\/2,1,0;0,1,0;0,0,1/);
  // The student's matrices fix D, L and the models: those settings act no more and are hidden.
  for (const id of ['#ctl-D', '#ctl-L', '#ctl-model', '#ctl-seed']) assert.equal(await page.isHidden(id), true, id);
  assert.match(await page.textContent('#matrices-status'), /your matrices/);
  const link = await page.evaluate(() => location.hash);
  const answer = JSON.parse(execFileSync(ADAPTLAB, ['solve'], { input: execFileSync(ADAPTLAB, ['problem', link]) }).toString());
  const shown = Number(await page.getAttribute('#num-optimal', 'data-value'));
  assert.ok(Math.abs(shown - answer.optimal.frobenius ** 2) <= 1e-12 * Math.max(1, shown), `${shown} vs ${answer.optimal.frobenius ** 2}`);
  // The same matrices as the solve JSON give the same link; "Back to generated models" forgets them.
  await page.setInputFiles('#import-matrices', file('mine.json', JSON.stringify({ target: [[3, 0, 1], [0, 2, 0], [1, 0, 1]], frozen: [[[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[2, 1, 0], [0, 1, 0], [0, 0, 1]]] })));
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => location.hash), link);
  await page.click('#forget-matrices');
  await page.waitForFunction(() => !location.hash.includes('cm='));
  assert.equal(await page.isVisible('#ctl-D'), true);
  assert.deepEqual(problems, []);
  await context.close();
});
