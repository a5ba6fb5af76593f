// Shared set-up for the end-to-end tests: serves dist/ on a free localhost port and opens pages
// in Debian's Chromium through playwright-core, recording console errors, page errors, failed
// requests and every request that would leave the page's origin.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
    server.on('error', reject);
  });
}

export async function startLab() {
  const port = await freePort();
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', path.join(ROOT, 'dist')],
    { stdio: 'ignore' });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${origin}/index.html`)).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  return {
    origin,
    browser,
    async open(fragment = '', options = {}) {
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true, ...options });
      const page = await context.newPage();
      const problems = [];
      const transferred = new Map();
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
      page.on('request', (r) => {
        const url = r.url();
        if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`left origin: ${url}`);
      });
      page.on('response', (r) => transferred.set(r.url(), r));
      await page.goto(`${origin}/index.html${fragment}`);
      await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
      return { page, context, problems, transferred };
    },
    async close() {
      await browser.close();
      server.kill();
    },
  };
}

// A short hash of a canvas's pixels, to tell whether a figure changed.
export async function canvasHash(page, figure) {
  return page.evaluate((name) => {
    const canvas = document.querySelector(`main:not([hidden]) figure[data-figure="${name}"] canvas`);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 2166136261;
    for (let i = 0; i < data.length; i += 7) hash = Math.imul(hash ^ data[i], 16777619) >>> 0;
    return hash;
  }, figure);
}

// How many distinct colours a canvas shows (a blank canvas has one).
export async function canvasColours(page, figure) {
  return page.evaluate((name) => {
    const canvas = document.querySelector(`main:not([hidden]) figure[data-figure="${name}"] canvas`);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 13) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  }, figure);
}

// Opens `fragment` with `?workers=N`, waits until its work is done, and returns the number of
// workers used, the CSV export of each named figure (joined) and any console or page errors.
// `ready`: a page function that says when to read (default: every run has settled).
export async function settledCsv(lab, fragment, workers, figures, ready = () => document.body.dataset.settled === '1') {
  const context = await lab.browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${lab.origin}/index.html?workers=${workers}${fragment}`);
  await page.waitForFunction(ready, null, { timeout: 120000 });
  // The pool reports its size once loaded, which a quick sweep can outrun.
  await page.waitForFunction(() => document.body.dataset.workers !== undefined, null, { timeout: 30000 });
  const used = await page.evaluate(() => document.body.dataset.workers);
  const csv = [];
  for (const figure of figures) csv.push(await downloadCsv(page, figure));
  await context.close();
  return { used, csv: csv.join('\n'), problems };
}

// The CSV the figure's export button downloads (`figure,series,x,y,legend`).
export async function downloadCsv(page, figure) {
  const button = `main:not([hidden]) figure[data-figure="${figure}"] button[data-export="csv"]`;
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return (await import('node:fs')).readFileSync(await download.path(), 'utf8');
}

// The rows of a `figure,series,x,y,legend` CSV (RFC 4180: quoted fields, doubled quotes) as
// objects with x and y as numbers (y null for a marker), header left out.
export function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [header, ...body] = rows;
  if (header.join(',') !== 'figure,series,x,y,legend') throw new Error(`not the lab's CSV: ${header}`);
  return body.map(([figure, series, x, y, legend]) => ({ figure, series, x: Number(x), y: y === '' ? null : Number(y), legend }));
}
