// The landing page's lesson thumbnails: each lesson's main figure, drawn by the lab itself at
// half resolution and saved as a small JPEG (www/thumbs/N.jpg, N = the lesson's number). They
// load after the page (lazily, outside the first-load budget). Run after scripts/build.sh, then
// build again to copy them into dist/:  node scripts/thumbnails.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { startLab, ROOT } from '../tests/e2e/harness.mjs';

const LESSONS = [
  '#v=1&view=lora-linear&R=5', '#v=1&view=lora-fnn', '#v=1&view=lora-transformer', '#v=1&view=lora-training&steps=1500&pace=max',
  '#v=1&view=lora-paper&fig=2', '#v=1&view=icl-prompt&k=4', '#v=1&view=icl-risk&trials=2000',
  '#v=1&view=icl-risk&prior=ascent&trials=2000', '#v=1&view=icl-risk&prior=biased&labels=random&kmax=10&trials=2000',
  '#v=1&view=icl-paper&fig=4',
];
const out = path.join(ROOT, 'www/thumbs');
mkdirSync(out, { recursive: true });
const lab = await startLab();
for (const [index, link] of LESSONS.entries()) {
  const { page, context } = await lab.open(link, { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 0.5 });
  await page.waitForSelector('body[data-settled="1"]', { timeout: 120000 }).catch(() => {});
  const canvas = await page.$('main:not([hidden]) .stage > figure canvas');
  const file = path.join(out, `${index + 1}.jpg`);
  writeFileSync(file, await canvas.screenshot({ type: 'jpeg', quality: 70 }));
  await context.close();
}
await lab.close();
console.log(`wrote ${LESSONS.length} thumbnails to ${out}/`);
