// How the flows type and click, checked in real Chromium on pages written here (no network).
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { launchChromium } from '../../src/console/chromium';
import { fill, press } from '../../src/console/page-kit';

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchChromium({});
});
afterAll(async () => browser?.close());
beforeEach(async () => {
  page = (await browser.pages())[0] ?? (await browser.newPage());
});

/** What a page that keeps its state from `input` events (as React's forms do) saw. */
const seen = (frame = page.mainFrame()) =>
  frame.evaluate(() => (window as unknown as { seen: Array<{ value: string; trusted: boolean }> }).seen);

const RECORDER = `<script>
window.seen = [];
document.addEventListener('input', (e) => window.seen.push({ value: e.target.value, trusted: e.isTrusted }));
</script>`;

it('replaces what a field held, and the page hears the whole value in a trusted input event', async () => {
  await page.setContent(`<label for="f">Full name</label><input id="f" value="left over">${RECORDER}`);
  const field = await page.$('#f');
  if (!field) throw new Error('no field');
  await fill(page, field, 'Jane Q. Doe-Smith');
  expect(await field.evaluate((el) => (el as HTMLInputElement).value)).toBe('Jane Q. Doe-Smith');
  const events = await seen();
  expect(events.at(-1)).toEqual({ value: 'Jane Q. Doe-Smith', trusted: true });
  // One event for the value, not one per character.
  expect(events.length).toBeLessThanOrEqual(2);
});

it('fills the field it was given even when the click lands on something over it', async () => {
  // A placeholder drawn over the field (not a <label>): a click there does not focus the field.
  await page.setContent(`<div style="position:relative;width:300px">
<input id="card" style="width:280px"><span style="position:absolute;inset:0;background:#fff">Card number</span></div>
<input id="other">${RECORDER}`);
  const other = await page.$('#other');
  await other?.focus();
  const field = await page.$('#card');
  if (!field) throw new Error('no field');
  await fill(page, field, '4111111111111111');
  expect(await field.evaluate((el) => (el as HTMLInputElement).value)).toBe('4111111111111111');
  expect(await other?.evaluate((el) => (el as HTMLInputElement).value)).toBe('');
});

it('fills a field inside a frame (where a CAPTCHA answer goes)', async () => {
  const inner = `<input id="answer" value="old">${RECORDER}`;
  await page.setContent(
    `<p>Security check</p><iframe id="captcha" srcdoc="${inner.replaceAll('"', '&quot;')}"></iframe>`,
  );
  const frame = await (await page.waitForSelector('#captcha'))?.contentFrame();
  if (!frame) throw new Error('no frame');
  const field = await frame.waitForSelector('#answer');
  if (!field) throw new Error('no field');
  await fill(page, field, 'Xk7pQ2');
  expect(await field.evaluate((el) => (el as HTMLInputElement).value)).toBe('Xk7pQ2');
  expect((await seen(frame)).at(-1)).toEqual({ value: 'Xk7pQ2', trusted: true });
});

it('presses a button far down a page that scrolls smoothly, with the mouse', async () => {
  await page.setContent(`<style>html { scroll-behavior: smooth }</style>
<div style="height: 3000px">Terms</div>
<button id="go" type="button">Continue</button>
<script>
window.clicks = [];
document.getElementById('go').addEventListener('click', (e) => window.clicks.push({ trusted: e.isTrusted, x: e.clientX }));
</script>`);
  const button = await page.$('#go');
  if (!button) throw new Error('no button');
  await press(page, button);
  const clicks = await page.evaluate(
    () => (window as unknown as { clicks: Array<{ trusted: boolean; x: number }> }).clicks,
  );
  // A real pointer click (it has a position), not a script's `el.click()`.
  expect(clicks).toHaveLength(1);
  expect(clicks[0]?.trusted).toBe(true);
  expect(clicks[0]?.x).toBeGreaterThan(0);
});

it('accepts a cookie banner over the page first, then presses the button itself', async () => {
  // A cookie banner covering the page is accepted first; then the click lands on the button itself.
  await page.setContent(`<div id="awsccc-cb-content" style="position:fixed;inset:0;background:#fff;z-index:9">
<button type="button" data-id="awsccc-cb-btn-continue" onclick="this.parentElement.remove()">Accept</button></div>
<button id="go" type="button" onclick="window.pressed = true">Continue</button>`);
  const button = await page.$('#go');
  if (!button) throw new Error('no button');
  await press(page, button);
  expect(await page.evaluate(() => (window as unknown as { pressed?: boolean }).pressed)).toBe(true);
});
