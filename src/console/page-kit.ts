import type { ElementHandle, Frame, Page } from 'puppeteer-core';
import { BrowserError, PageNotRecognisedError } from '../common/errors';
import {
  dismissCookieBanner,
  type ElementSpec,
  findElement,
  maskSecrets,
  type PageSigns,
  scrubbedHtml,
  signsHold,
  unmaskSecrets,
} from './in-page';

export type { ElementSpec, PageSigns };

/** One kind of page a flow knows, by its signs. */
export interface PageKind<K extends string = string> {
  kind: K;
  signs: PageSigns;
}

/**
 * A script for the page around `body`. Bundlers may wrap functions with a naming helper (`__name`) that does not
 * exist in the page: the wrapper defines a no-op one, and `findElement` for the code that looks elements up.
 */
export function inPageScript(body: string): string {
  return `(() => { const __name = (f) => f; const findElement = ${findElement.toString()}; ${body} })()`;
}

/** One of the in-page functions called with `args` (`findElement` itself may be one of them). */
export function script(fn: (...args: never[]) => unknown, ...args: unknown[]): string {
  const list = args.map((a) => (a === findElement ? 'findElement' : JSON.stringify(a))).join(', ');
  return inPageScript(`return (${fn.toString()})(${list});`);
}

/** Runs one of the in-page functions in a frame. */
export function runInFrame<T>(frame: Frame, fn: (...args: never[]) => T, ...args: unknown[]): Promise<T> {
  return frame.evaluate(script(fn, ...args)) as Promise<T>;
}

/**
 * Asks `probe` until it gives a value, up to the deadline (undefined then): for states spread over several frames
 * that no single in-page wait can watch. Polling what the page shows, never waiting for time itself.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The document went away under a script (the page navigated): look again in the next one. */
export const isGoneContext = (error: unknown) =>
  error instanceof Error &&
  /Execution context was destroyed|Cannot find context|detached|navigat|not attached|Node is/i.test(
    error.message,
  );

/** A page Chromium closed (it crashed, or was killed) is the browser's failure, retried by the runner. */
export function assertOpen(page: Page): void {
  if (page.isClosed() || page.mainFrame().detached)
    throw new BrowserError('Chromium closed the page under the step.');
}

/**
 * Waits until the page is one of `kinds` (the first in order whose signs hold) and says which, or throws
 * PageNotRecognisedError at the deadline. Condition polling in the page, never a fixed sleep; a cookie banner in
 * the way is accepted on the way.
 */
export async function recognise<K extends string>(
  page: Page,
  kinds: readonly PageKind<K>[],
  options: {
    timeoutMs: number;
    expecting: string;
    /**
     * The kind just acted on: while the page is still first of all that kind, it is the old page, not an answer.
     * (Leaving the kind out would let a later kind match the old page: a failed call's page still shows its PIN.)
     */
    unless?: K | undefined;
  },
): Promise<K> {
  const deadline = Date.now() + options.timeoutMs;
  const signs = kinds.map((k) => k.signs);
  const stale = kinds.flatMap((k, i) =>
    options.unless !== undefined && k.kind === options.unless ? [i] : [],
  );
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    try {
      await runInFrame(page.mainFrame(), dismissCookieBanner);
      const handle = await page.mainFrame().waitForFunction(
        inPageScript(
          `const holds = ${signsHold.toString()}; const all = ${JSON.stringify(signs)};
           const i = all.findIndex((s) => holds(s, findElement));
           return i >= 0 && !${JSON.stringify(stale)}.includes(i) ? i + 1 : 0;`,
        ),
        { polling: 100, timeout: left },
      );
      const index = (await handle.jsonValue()) as number;
      await handle.dispose();
      const found = kinds[index - 1];
      if (found) return found.kind;
    } catch (error) {
      assertOpen(page);
      if (isGoneContext(error)) continue;
      if (error instanceof Error && error.name === 'TimeoutError') break;
      throw error;
    }
  }
  throw new PageNotRecognisedError(
    `The page at ${where(page)} is not one I know (expected ${options.expecting}).`,
  );
}

/** The kinds to wait for after acting on `last`: any but that one (its page is still there until it moves on). */
export function afterActingOn<K extends string>(
  kinds: readonly PageKind<K>[],
  last: K | undefined,
): PageKind<K>[] {
  return kinds.filter((k) => k.kind !== last);
}

/** The page's address for people: host and path, no query (tokens live there). */
export function where(page: Page): string {
  try {
    const url = new URL(page.url());
    return `${url.host}${url.pathname}`;
  } catch {
    return 'an unknown address';
  }
}

/** Waits for an element by meaning in `frame` (default: the main frame), up to the deadline. */
export async function waitForElement(
  page: Page,
  spec: ElementSpec,
  options: { timeoutMs: number; what: string; frame?: Frame },
): Promise<ElementHandle<Element>> {
  const frame = options.frame ?? page.mainFrame();
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    try {
      const handle = await frame.waitForFunction(script(findElement, spec), { polling: 100, timeout: left });
      const element = handle.asElement();
      if (element) return element as ElementHandle<Element>;
      await handle.dispose();
    } catch (error) {
      assertOpen(frame.page());
      if (isGoneContext(error)) continue;
      if (error instanceof Error && error.name === 'TimeoutError') break;
      throw error;
    }
  }
  throw new PageNotRecognisedError(`I could not find ${options.what} on the page at ${where(page)}.`);
}

/** The element now, or undefined: for optional parts of a page (a skip button, a root-user choice). */
export async function findNow(frame: Frame, spec: ElementSpec): Promise<ElementHandle<Element> | undefined> {
  const handle = await frame.evaluateHandle(script(findElement, spec));
  const element = handle.asElement();
  if (element) return element as ElementHandle<Element>;
  await handle.dispose();
  return undefined;
}

/** Clicks like a person: a banner over the page is accepted first, the element scrolled into view. */
export async function press(page: Page, element: ElementHandle<Element>): Promise<void> {
  await runInFrame(page.mainFrame(), dismissCookieBanner);
  await element.click();
}

/**
 * Replaces a field's value as a paste does: clicked (as a person would, and the user activation a frame's field
 * needs), then focused, its text selected and replaced by the value in one editing command. The page gets the
 * trusted `input` event typing gives, which is what AWS's forms listen to, without two browser round trips per
 * character. Focused by the element itself, not by where the click landed: a page whose layout moves after a
 * choice (the country changes the address fields) must not get the value in the field next to it. The edit runs
 * inside the page, so a page that navigates meanwhile fails the call at once (the flow looks at the new page)
 * rather than leaving an input command unanswered. The value is never logged.
 */
export async function fill(page: Page, element: ElementHandle<Element>, value: string): Promise<void> {
  await runInFrame(page.mainFrame(), dismissCookieBanner);
  await element.click();
  const edited = await element.evaluate((el, text) => {
    const field = el as unknown as { focus(): void; select?: () => void; value: string };
    field.focus();
    field.select?.();
    // The editing command is what typing and pasting go through: trusted `beforeinput` and `input` events.
    return text ? document.execCommand('insertText', false, text) : document.execCommand('delete');
  }, value);
  if (edited) return;
  // A field the editing command cannot reach (not a text field): typed key by key, as before.
  await element.evaluate((el) => {
    (el as unknown as { value: string }).value = '';
  });
  await element.type(value);
}

/** Masks secrets in every frame, runs `take`, then takes the masks away again. */
export async function withSecretsMasked<T>(page: Page, take: () => Promise<T>): Promise<T> {
  // Every frame, cross-origin ones included (a CAPTCHA's answer field lives in one).
  const frames = page.frames();
  await Promise.all(frames.map((f) => runInFrame(f, maskSecrets).catch(() => 0)));
  try {
    return await take();
  } finally {
    await Promise.all(frames.map((f) => runInFrame(f, unmaskSecrets).catch(() => undefined)));
  }
}

/** The main document's HTML with typed values, scripts, secret texts and link tokens removed. */
export function pageHtml(page: Page): Promise<string> {
  return runInFrame(page.mainFrame(), scrubbedHtml);
}
