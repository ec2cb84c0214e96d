/**
 * `npm run screenshot -- <file.html> <out.png> [width]`: a full-page PNG of a local HTML file (a report) in headless
 * Chromium, e.g. the README's picture of the demo's report. Needs Chromium (`bash scripts/install-chromium.sh`).
 */
import path from 'node:path';
import { JudgeflowError } from '../src/errors';
import { runMain } from '../src/run-main';
import { launchChromium } from '../tools/chromium';

await runMain(async () => {
  const [html, png, width = '1366'] = process.argv.slice(2);
  if (!html || !png) throw new JudgeflowError('usage: npm run screenshot -- <file.html> <out.png> [width]');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: Number(width), height: 900 } });
    await page.goto(`file://${path.resolve(html)}`);
    await page.screenshot({ path: png, fullPage: true });
    console.log(`wrote ${png}`);
  } finally {
    await browser.close();
  }
});
