// Loads the dashboard in Debian's headless chromium, waits until the Sankey shows the expected node labels and the
// decision performance panel the expected texts, keeps a screenshot, and fails on any console error or page error.
// Usage:
//   node dashboard-check.mjs <url> <screenshot.png> <expected Sankey label>... [--performance=<expected text>]...
// Prints one JSON line: {"ok", "consoleErrors", "missing", "texts", "performanceMissing", ...}.
import { chromium } from 'playwright-core';

const [url, screenshot, ...rest] = process.argv.slice(2);
const PERFORMANCE = '--performance=';
const expected = rest.filter((a) => !a.startsWith(PERFORMANCE));
const expectedPerformance = rest.filter((a) => a.startsWith(PERFORMANCE)).map((a) => a.substring(PERFORMANCE.length));
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run']
});
const errors = [];
let result;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  page.on('console', (m) => { if (m.type() === 'error') { errors.push(m.text()); } });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push('request failed: ' + r.url()));
  await page.goto(url, { waitUntil: 'networkidle' });
  let texts = [];
  let missing = expected;
  let performanceText = '';
  let performanceMissing = expectedPerformance;
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    texts = await page.$$eval('#sankey text', (els) => els.map((e) => e.textContent));
    missing = expected.filter((label) => !texts.some((t) => t.includes(label)));
    // The panel's bar chart labels (SVG text) and its table.
    performanceText = (await page.$$eval('#performance text', (els) => els.map((e) => e.textContent))).join(' | ')
      + ' | ' + await page.textContent('#performance-panel');
    performanceMissing = expectedPerformance.filter((t) => !performanceText.includes(t));
    if (missing.length === 0 && performanceMissing.length === 0) { break; }
    await page.waitForTimeout(250);
  }
  const funnelTexts = await page.$$eval('#funnel text', (els) => els.map((e) => e.textContent));
  const status = await page.textContent('#status');
  await page.screenshot({ path: screenshot, fullPage: true });
  result = {
    ok: missing.length === 0 && performanceMissing.length === 0 && errors.length === 0,
    consoleErrors: errors, missing, texts, funnelTexts, status, performanceMissing, performanceText
  };
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
