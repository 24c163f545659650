import puppeteer, { type Browser, type ElementHandle, type Frame, type Page } from 'puppeteer-core';
import type { ConsoleSim, Generation } from '../../../sim/console';

// Real Chromium against the simulator, addressed by the real AWS URLs as the product's browser is: every host
// mapped to the simulator, its certificate key trusted.

export async function launchForSim(sim: ConsoleSim): Promise<Browser> {
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      `--host-resolver-rules=MAP * ${sim.address}`,
      `--ignore-certificate-errors-spki-list=${sim.spki}`,
    ],
  });
}

/** A page in a browser context of its own that holds a root session of the account. */
export async function rootPage(
  browser: Browser,
  sim: ConsoleSim,
  accountId: string,
  generation: Generation,
): Promise<Page> {
  const context = await browser.createBrowserContext();
  const cookie = sim.openRootSession(accountId, { generation });
  await context.setCookie({ ...cookie, path: '/', secure: true, httpOnly: true, sameSite: 'Lax' });
  return context.newPage();
}

export async function closePage(page: Page): Promise<void> {
  await page.browserContext().close();
}

/** The form control whose <label> reads exactly `text` (as a person finds a field). */
export async function byLabel(page: Page | Frame, text: string): Promise<ElementHandle<Element>> {
  const handle = await page.evaluateHandle((wanted) => {
    const label = [...document.querySelectorAll('label')].find((l) => l.textContent?.trim() === wanted);
    return label?.control ?? null;
  }, text);
  const element = handle.asElement();
  if (!element) throw new Error(`no field labelled "${text}"`);
  return element as ElementHandle<Element>;
}

/** The visible button that reads exactly `text`. */
export async function button(page: Page, text: string): Promise<ElementHandle<HTMLButtonElement>> {
  const handle = await page.evaluateHandle((wanted) => {
    return (
      [...document.querySelectorAll('button')].find(
        (b) => b.textContent?.trim() === wanted && b.getClientRects().length > 0,
      ) ?? null
    );
  }, text);
  const element = handle.asElement();
  if (!element) throw new Error(`no visible button "${text}"`);
  return element as ElementHandle<HTMLButtonElement>;
}

/** Clicks and waits for the page the click leads to. */
export async function clickThrough(page: Page, target: ElementHandle<Element>): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.click()]);
}

export async function headingOf(page: Page): Promise<string | null> {
  return page.$eval('h1', (h1) => h1.textContent);
}

export async function hashOf(page: Page): Promise<string> {
  return page.evaluate(() => location.hash);
}

export async function alertOf(page: Page): Promise<string | null> {
  return page.$eval('[role=alert]', (alert) => alert.textContent);
}

/** Chooses the <option> whose text reads exactly `text` in the select labelled `label`. */
export async function chooseOption(page: Page, label: string, text: string): Promise<void> {
  const select = await byLabel(page, label);
  const chosen = await select.evaluate((element, wanted) => {
    const options = [...(element as HTMLSelectElement).options];
    const option = options.find((o) => o.textContent?.trim() === wanted);
    if (!option) return false;
    (element as HTMLSelectElement).value = option.value;
    element.dispatchEvent(new Event('change', { bubbles: true }));
    return true;
  }, text);
  if (!chosen) throw new Error(`no option "${text}" in "${label}"`);
}

export async function typeInto(page: Page, label: string, text: string): Promise<void> {
  await (await byLabel(page, label)).type(text);
}

/** The element `selector` finds; the test fails when there is none. */
export async function element(page: Page, selector: string): Promise<ElementHandle<Element>> {
  const found = await page.$(selector);
  if (!found) throw new Error(`nothing matches ${selector}`);
  return found;
}
