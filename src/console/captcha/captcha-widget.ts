import type { ElementHandle, Frame, Page } from 'puppeteer-core';
import { PageNotRecognisedError } from '../../common/errors';
import { type ElementSpec, fill, findNow, inPageScript, isGoneContext, pollUntil, press } from '../page-kit';

// A CAPTCHA as it appears on AWS's pages: today in a cross-origin frame ("Security Verification"), earlier in the
// page itself (sign-in and the recovery dialog each had their own ids). Found by meaning, ids as hints.

export const CAPTCHA_ELEMENT = {
  image: {
    role: 'any',
    name: '^captcha$',
    hints: ['img[alt=captcha]', '#captcha_image', '#password_recovery_captcha_image', '#imageCaptcha'],
  },
  answer: {
    role: 'field',
    name: 'characters|captcha|security check',
    hints: ['input[name=captchaGuess]', '#captchaGuess', '#password_recovery_captcha_guess', '#guess'],
  },
  submit: {
    role: 'button',
    name: '^(submit|verify|continue|ok)$',
    hints: ['#submit_captcha', '#password_recovery_ok_button', 'button[type=submit]'],
  },
  newImage: {
    role: 'any',
    name: 'new (security )?image|refresh',
    hints: ["img[alt='Display new security image.']"],
  },
  rejected: 'quite right|incorrect|try again|did not match|wrong',
} as const satisfies Record<string, ElementSpec | string>;

/** The CAPTCHA on screen: the frame it lives in and its picture. */
export interface CaptchaWidget {
  frame: Frame;
  image: ElementHandle<Element>;
  /** The picture's address now: a new challenge has another one. */
  src: string;
}

/**
 * Whether a frame is on screen: its own document cannot tell (a frame inside a hidden dialog still lays its
 * picture out), so its element in the parent page is asked.
 */
async function frameShown(frame: Frame): Promise<boolean> {
  if (frame.detached) return false;
  if (!frame.parentFrame()) return true;
  const element = await frame.frameElement().catch(() => null);
  if (!element) return false;
  try {
    return (await element.boundingBox()) !== null && (await element.isVisible());
  } finally {
    await element.dispose();
  }
}

/** Looks in every frame on screen (cross-origin ones too) for a visible CAPTCHA picture. */
export async function findCaptcha(page: Page): Promise<CaptchaWidget | undefined> {
  for (const frame of page.frames()) {
    if (!(await frameShown(frame).catch(() => false))) continue;
    const image = await findNow(frame, CAPTCHA_ELEMENT.image).catch(() => undefined);
    if (image) {
      const src = await image.evaluate((el) => (el as unknown as { src?: string }).src ?? '').catch(() => '');
      return { frame, image, src };
    }
  }
  return undefined;
}

/**
 * The CAPTCHA on screen once its picture has loaded, with the picture as rendered (its URL is bound to the
 * session, so it is never fetched again). A frame that is replaced while this looks (a fresh challenge loading)
 * is looked at again, up to the deadline.
 */
export function captureCaptcha(
  page: Page,
  timeoutMs: number,
): Promise<{ widget: CaptchaWidget; png: Uint8Array } | undefined> {
  return pollUntil(async () => {
    try {
      const widget = await findCaptcha(page);
      if (!widget || !(await pictureLoaded(widget))) return undefined;
      return { widget, png: await widget.image.screenshot({ type: 'png' }) };
    } catch (error) {
      if (isGoneContext(error)) return undefined;
      throw error;
    }
  }, timeoutMs);
}

/** Whether the picture and its frame have finished loading (a fresh challenge may still be on its way). */
function pictureLoaded(widget: CaptchaWidget): Promise<boolean> {
  return widget.image.evaluate((el) => {
    const img = el as unknown as {
      complete?: boolean;
      naturalWidth?: number;
      ownerDocument: { readyState: string };
    };
    return (
      img.ownerDocument.readyState === 'complete' &&
      (img.complete === undefined || (img.naturalWidth ?? 0) > 0)
    );
  });
}

/** Types an answer into the CAPTCHA's own frame and submits it. */
export async function submitAnswer(page: Page, widget: CaptchaWidget, answer: string): Promise<void> {
  const field = await findNow(widget.frame, CAPTCHA_ELEMENT.answer);
  // A missing field is a page the flow does not know: a person looks, as for any other.
  if (!field) throw new PageNotRecognisedError('The CAPTCHA has no answer field I can find.');
  await fill(page, field, answer);
  const submit = await findNow(widget.frame, CAPTCHA_ELEMENT.submit);
  if (submit) await press(page, submit);
  else await field.press('Enter');
}

/**
 * Asks for another picture (after the solver service gave up on this one) and waits until it is there, so that
 * the next capture is of the new one. False when the page offers no other picture.
 */
export async function requestNewPicture(
  page: Page,
  widget: CaptchaWidget,
  timeoutMs: number,
): Promise<boolean> {
  const control = await findNow(widget.frame, CAPTCHA_ELEMENT.newImage);
  if (!control) return false;
  await press(page, control);
  const fresh = await pollUntil(async () => {
    const now = await findCaptcha(page).catch(() => undefined);
    return now && now.src !== widget.src ? now : undefined;
  }, timeoutMs);
  return fresh !== undefined;
}

/**
 * Whether the page took the answer: the CAPTCHA went away (accepted), or a new picture or a complaint came
 * (rejected). Watches for either, up to the deadline; still the same picture then counts as rejected.
 */
export async function verdict(
  page: Page,
  before: CaptchaWidget,
  timeoutMs: number,
): Promise<'accepted' | 'rejected'> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await frameShown(before.frame).catch(() => false))) {
      return (await findCaptcha(page)) ? 'rejected' : 'accepted';
    }
    try {
      // In slices: the frame itself may be hidden or removed by its parent meanwhile, which it cannot see.
      const left = Math.max(1, Math.min(500, deadline - Date.now()));
      const handle = await before.frame.waitForFunction(
        inPageScript(`
          const image = findElement(${JSON.stringify(CAPTCHA_ELEMENT.image)});
          if (!image) return document.readyState === 'complete' ? 'gone' : false;
          if (image.src !== ${JSON.stringify(before.src)}) return 'changed';
          const alerts = Array.from(document.querySelectorAll('[role=alert], .error, .alert'));
          const visible = (el) => { const b = el.getBoundingClientRect(); return b.width > 0 && b.height > 0; };
          if (alerts.some((a) => visible(a) && new RegExp(${JSON.stringify(CAPTCHA_ELEMENT.rejected)}, 'i').test(a.textContent || ''))) return 'complaint';
          return false;`),
        { polling: 100, timeout: left },
      );
      const seen = (await handle.jsonValue()) as string;
      await handle.dispose();
      if (seen === 'gone') {
        // Gone from this frame: another frame may hold a fresh one (a dialog that re-renders its frame).
        const other = await findCaptcha(page);
        return other ? 'rejected' : 'accepted';
      }
      return 'rejected';
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') continue;
      // The frame navigated or went away: look again.
      if (before.frame.detached) continue;
      const other = await findCaptcha(page).catch(() => undefined);
      if (!other) return 'accepted';
      if (other.src !== before.src) return 'rejected';
    }
  }
  return 'rejected';
}
