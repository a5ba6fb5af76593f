// Takes the README's screenshot of the real page in headless Chromium: docs/screenshot.png, the
// first screen a student sees at 1280×800.
// Usage: node scripts/screenshot.mjs [fragment] [output.png] [width] [height]   (after scripts/build.sh)
import { startLab } from '../tests/e2e/harness.mjs';

const [fragment = '#v=1&view=lora-linear&R=7', output = 'docs/screenshot.png', width = '1280', height = '800'] = process.argv.slice(2);
const lab = await startLab();
const { page, context, problems } = await lab.open(fragment, { viewport: { width: Number(width), height: Number(height) } });
await page.waitForSelector('body[data-settled="1"]', { timeout: 20000 }).catch(() => {});
await page.screenshot({ path: output });
if (problems.length) console.error(problems.join('\n'));
await context.close();
await lab.close();
console.log(`wrote ${output}`);
