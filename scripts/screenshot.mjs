// Takes the README's screenshot of the real page in headless Chromium: docs/screenshot.png.
// Usage: node scripts/screenshot.mjs [fragment] [output.png] [width]   (after scripts/build.sh)
import { startLab } from '../tests/e2e/harness.mjs';

const [fragment = '#v=1&view=lora-linear&R=5', output = 'docs/screenshot.png', width = '1100'] = process.argv.slice(2);
const lab = await startLab();
const { page, context, problems } = await lab.open(fragment, { viewport: { width: Number(width), height: 900 } });
await page.evaluate(() => { document.querySelector('.notes').open = true; });
await page.screenshot({ path: output, fullPage: true });
if (problems.length) console.error(problems.join('\n'));
await context.close();
await lab.close();
console.log(`wrote ${output}`);
