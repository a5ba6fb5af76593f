// Screenshots of every lesson as a student, a phone user and a presenter see its first screen:
// 1280×800, 375×812 and presenter mode (P) at 1920×1080, after its background work settles.
// Usage: node scripts/screenshots.mjs [out-dir] [fragment …]   (after scripts/build.sh)
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startLab } from '../tests/e2e/harness.mjs';

const [out = 'screenshots', ...given] = process.argv.slice(2);
const LINKS = given.length ? given : [
  '#v=1&view=lora-linear&R=5', '#v=1&view=lora-fnn', '#v=1&view=lora-transformer', '#v=1&view=lora-training&steps=600',
  '#v=1&view=lora-paper&fig=2', '#v=1&view=icl-prompt&k=4', '#v=1&view=icl-risk&trials=1000',
  '#v=1&view=icl-risk&prior=biased&labels=random&kmax=10&trials=1000', '#v=1&view=icl-paper&fig=4',
];
const SIZES = [['desktop', 1280, 800, false], ['phone', 375, 812, false], ['presenter', 1920, 1080, true]];
mkdirSync(out, { recursive: true });
const lab = await startLab();
for (const link of LINKS) {
  // e.g. "icl-risk_prior-biased_kmax-10": the view, then the link's other settings.
  const name = link.slice(1).split('&').filter((kv) => kv !== 'v=1').map((kv) => kv.replace('view=', '').replace('=', '-'))
    .join('_').replace(/[^a-z0-9_.-]+/gi, '-').slice(0, 80);
  for (const [size, width, height, presenter] of SIZES) {
    const { page, context, problems } = await lab.open(link, { viewport: { width, height } });
    await page.waitForSelector('body[data-settled="1"]', { timeout: 20000 }).catch(() => {});
    if (presenter) await page.keyboard.press('p');
    await page.waitForTimeout(300);
    const file = path.join(out, `${name}-${size}.png`);
    await page.screenshot({ path: file });
    if (problems.length) console.error(`${file}: ${problems.join('; ')}`);
    await context.close();
  }
}
await lab.close();
console.log(`wrote ${LINKS.length * SIZES.length} screenshots to ${out}/`);
