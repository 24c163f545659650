import type { ElementHandle, Page } from 'puppeteer-core';
import { PageNotRecognisedError } from '../../common/errors';
import { type ElementSpec, fill, findNow, press, waitForElement } from '../page-kit';

/**
 * Picks the option of a <select> whose text matches one of `patterns` (regular expression sources, tried in
 * order), as a person choosing from the list would, and tells the page it changed. False when no option matches.
 * Only the texts count: values differ between AWS's generations (a month's value is month − 1 on some).
 */
export async function chooseOption(
  element: ElementHandle<Element>,
  patterns: readonly string[],
): Promise<boolean> {
  return element.evaluate((el, sources) => {
    const select = el as unknown as {
      options: ArrayLike<{ text: string; value: string }>;
      selectedIndex: number;
      dispatchEvent(event: Event): boolean;
    };
    const options = Array.from(select.options);
    for (const source of sources) {
      const pattern = new RegExp(source, 'i');
      const index = options.findIndex((o) => pattern.test(o.text.trim()));
      if (index >= 0) {
        select.selectedIndex = index;
        select.dispatchEvent(new Event('input', { bubbles: true }));
        select.dispatchEvent(new Event('change', { bubbles: true }));
        return true;
      }
    }
    return false;
  }, patterns);
}

const isSelect = (element: ElementHandle<Element>) =>
  element.evaluate((el) => el.tagName.toLowerCase() === 'select');

/** Escapes text for use inside a regular expression source. */
export const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Gives a field its value whatever kind it is: typed into an input, or chosen from a list by the option that
 * reads like it (`choices`: patterns for lists; the value itself, literally, when none are given).
 */
export async function setField(
  page: Page,
  spec: ElementSpec,
  value: string,
  options: { timeoutMs: number; what: string; choices?: readonly string[]; optional?: boolean },
): Promise<boolean> {
  const element = options.optional
    ? await findNow(page.mainFrame(), spec)
    : await waitForElement(page, spec, { timeoutMs: options.timeoutMs, what: options.what });
  if (!element) return false;
  if (await isSelect(element)) {
    const patterns = options.choices ?? [`^${literal(value)}$`];
    if (!(await chooseOption(element, patterns))) {
      // The list's texts are named, never the value (it may be a card's expiry or a phone number).
      throw new PageNotRecognisedError(`None of the choices of ${options.what} fits what I was given.`);
    }
    return true;
  }
  await fill(page, element, value);
  return true;
}

/** Ticks a checkbox or radio found by meaning, unless it is ticked already. False when there is none. */
export async function tick(page: Page, spec: ElementSpec): Promise<boolean> {
  const element = await findNow(page.mainFrame(), spec);
  if (!element) return false;
  const checked = await element.evaluate((el) => (el as unknown as { checked?: boolean }).checked === true);
  if (!checked) await press(page, element);
  return true;
}

/** Presses the button found by meaning, waiting for it up to the deadline. */
export async function pressButton(
  page: Page,
  spec: ElementSpec,
  options: { timeoutMs: number; what: string },
): Promise<void> {
  await press(page, await waitForElement(page, spec, options));
}

/** The visible alert texts of the page, digit runs (a card or phone number) taken out, for people to read. */
export async function alertText(page: Page): Promise<string> {
  const texts = await page.mainFrame().evaluate(() =>
    Array.from(document.querySelectorAll('[role=alert], .error, .alert'))
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.height > 0;
      })
      .map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim())
      .filter(Boolean),
  );
  return [...new Set(texts)]
    .join(' ')
    .replace(/\d[\d\s-]{2,}\d/g, '…')
    .slice(0, 300);
}
