/// <reference lib="dom" />
// Functions that run inside the console pages (handed to puppeteer's evaluate): each is self-contained, since
// only its source crosses into the page. The DOM library above is for these; Node code never touches the DOM.

/** A description of an element by meaning: what people read on it, with known ids as hints. */
export interface ElementSpec {
  /** field: an input people type into; button: something to press; link; choice: a radio or checkbox. */
  role: 'field' | 'button' | 'link' | 'choice' | 'any';
  /** Its accessible name (label, aria-label, button text, placeholder), as a regular expression source. */
  name?: string;
  /** CSS selectors seen on AWS's pages (both id generations); tried after the name, never alone trusted. */
  hints?: string[];
}

/** Signs that a page is of one kind; every sign given must hold. Regular expressions as sources (flags `i`). */
export interface PageSigns {
  url?: string;
  /** A visible heading (h1–h3, role=heading, a dialog's label). */
  heading?: string;
  /** A visible field, button or link with this accessible name. */
  element?: ElementSpec;
  /** A visible alert (role=alert or status) with this text. */
  alert?: string;
  /** Visible text anywhere on the page. */
  text?: string;
}

/**
 * Finds a visible element by meaning in the current document: by accessible name first, then by the hints.
 * Returns null when there is none (yet).
 */
export function findElement(spec: ElementSpec): Element | null {
  const visible = (el: Element): boolean => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || style.display === 'none')
      return false;
    // Inside a closed <details> or a hidden ancestor: getBoundingClientRect is zero already.
    return true;
  };
  const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();
  const nameOf = (el: Element): string => {
    const parts: string[] = [];
    const aria = el.getAttribute('aria-label');
    if (aria) parts.push(aria);
    const labelledBy = el.getAttribute('aria-labelledby');
    if (labelledBy)
      for (const id of labelledBy.split(/\s+/)) parts.push(clean(document.getElementById(id)?.textContent));
    if (
      el instanceof HTMLInputElement ||
      el instanceof HTMLTextAreaElement ||
      el instanceof HTMLSelectElement
    ) {
      for (const label of Array.from(el.labels ?? [])) parts.push(clean(label.textContent));
      if ('placeholder' in el && el.placeholder) parts.push(el.placeholder);
      if (el instanceof HTMLInputElement && ['submit', 'button'].includes(el.type)) parts.push(el.value);
    } else if (el instanceof HTMLImageElement) {
      parts.push(el.alt);
    } else {
      parts.push(clean(el.textContent));
      const alt = el.querySelector('img[alt]')?.getAttribute('alt');
      if (alt) parts.push(alt);
    }
    const title = el.getAttribute('title');
    if (title) parts.push(title);
    return parts.filter(Boolean).join(' | ');
  };
  const candidates: Record<ElementSpec['role'], string> = {
    field:
      'input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=submit]):not([type=button]), textarea, select',
    button: 'button, input[type=submit], input[type=button], [role=button], a[role=button]',
    link: 'a[href], [role=link]',
    choice: 'input[type=radio], input[type=checkbox], [role=radio], [role=checkbox]',
    any: 'input, textarea, select, button, a, [role], img, code, [data-testid]',
  };
  const pool = Array.from(document.querySelectorAll(candidates[spec.role]));
  // A radio or checkbox is often visually replaced by its label: its label's box counts.
  const shown = (el: Element) =>
    visible(el) ||
    (el instanceof HTMLInputElement && Array.from(el.labels ?? []).some((label) => visible(label)));
  if (spec.name) {
    const pattern = new RegExp(spec.name, 'i');
    const named = pool.filter((el) => shown(el) && pattern.test(nameOf(el)));
    // The shortest name is the closest match ("Next" over "Next page of results").
    named.sort((a, b) => nameOf(a).length - nameOf(b).length);
    if (named[0]) return named[0];
  }
  for (const hint of spec.hints ?? []) {
    const found = Array.from(document.querySelectorAll(hint)).find((el) => shown(el));
    if (found) return found;
  }
  return null;
}

/** Whether every sign holds in this document (the function `findElement` must be passed along as source). */
export function signsHold(signs: PageSigns, find: typeof findElement): boolean {
  const visibleText = (el: Element) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
  };
  const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();
  if (signs.url && !new RegExp(signs.url, 'i').test(location.href)) return false;
  if (signs.heading) {
    const pattern = new RegExp(signs.heading, 'i');
    const headings = Array.from(document.querySelectorAll('h1, h2, h3, [role=heading], legend'));
    if (!headings.some((h) => visibleText(h) && pattern.test(clean(h.textContent)))) return false;
  }
  if (signs.alert) {
    const pattern = new RegExp(signs.alert, 'i');
    const alerts = Array.from(document.querySelectorAll('[role=alert], [role=status], .error, .alert'));
    if (!alerts.some((a) => visibleText(a) && pattern.test(clean(a.textContent)))) return false;
  }
  // biome-ignore lint/performance/useDomNodeTextContent: only rendered text counts (hidden dialogs carry text too)
  if (signs.text && !new RegExp(signs.text, 'i').test(clean(document.body?.innerText))) return false;
  if (signs.element && !find(signs.element)) return false;
  return true;
}

/** Covers every field and text that may show a secret, so that a screenshot taken now cannot show it. */
export function maskSecrets(): number {
  // `captcha`: the answer typed into a CAPTCHA field is as much a secret as a code.
  // `expir`, `holder`: a card's expiry and holder are card data as much as its number.
  const SECRET =
    /pass(word)?|card|cvv|cvc|security code|\bpin\b|code|token|otp|mfa|secret|key|captcha|expir|holder/i;
  const covers: HTMLElement[] = [];
  const cover = (el: Element) => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return;
    const block = document.createElement('div');
    block.setAttribute('data-sandbox-teardown-mask', '');
    Object.assign(block.style, {
      position: 'fixed',
      left: `${box.left - 2}px`,
      top: `${box.top - 2}px`,
      width: `${box.width + 4}px`,
      height: `${box.height + 4}px`,
      background: '#232f3e',
      zIndex: '2147483647',
      pointerEvents: 'none',
    });
    document.documentElement.appendChild(block);
    covers.push(block);
  };
  for (const input of Array.from(document.querySelectorAll('input, textarea, select'))) {
    const el = input as HTMLInputElement;
    const described = [
      el.type,
      el.name,
      el.id,
      el.autocomplete,
      el.getAttribute('aria-label') ?? '',
      ...Array.from(el.labels ?? []).map((l) => l.textContent ?? ''),
      // A list labelled only "Month" under "Expiration date".
      el.closest('fieldset')?.querySelector('legend')?.textContent ?? '',
    ].join(' ');
    if (el.type === 'password' || SECRET.test(described)) cover(el);
  }
  // Secrets shown as text: MFA keys, PINs, codes (by testid, class or id naming them).
  for (const el of Array.from(
    document.querySelectorAll(
      'code, [data-testid*=secret i], [data-testid*=key i], [id*=pin i], [class*=pin i], [id*=secret i], [class*=secret i]',
    ),
  )) {
    if (el.closest('[data-sandbox-teardown-mask]') === null) cover(el);
  }
  // An MFA key in an element named like nothing above: any leaf whose text reads as base32, as findSecretKeyText.
  for (const el of Array.from(document.querySelectorAll('body *'))) {
    if (el.children.length === 0 && /^[A-Z2-7]{16,}={0,6}$/.test((el.textContent ?? '').replace(/\s+/g, '')))
      cover(el);
  }
  return covers.length;
}

export function unmaskSecrets(): void {
  for (const el of Array.from(document.querySelectorAll('[data-sandbox-teardown-mask]'))) el.remove();
}

/**
 * The page's HTML for people to look at later, without what it must never keep: typed values, scripts, secret
 * texts, tokens in links.
 */
export function scrubbedHtml(): string {
  const copy = document.documentElement.cloneNode(true) as HTMLElement;
  for (const el of Array.from(copy.querySelectorAll('input, textarea, select, option'))) {
    el.removeAttribute('value');
    if (el.tagName === 'TEXTAREA') el.textContent = '';
  }
  for (const el of Array.from(copy.querySelectorAll('script, noscript, [data-sandbox-teardown-mask]')))
    el.remove();
  for (const el of Array.from(
    copy.querySelectorAll(
      'code, [data-testid*=secret i], [data-testid*=key i], [id*=pin i], [class*=pin i], [id*=secret i], [class*=secret i]',
    ),
  ))
    el.textContent = '[removed]';
  for (const el of Array.from(copy.querySelectorAll('body *'))) {
    if (el.children.length === 0 && /^[A-Z2-7]{16,}={0,6}$/.test((el.textContent ?? '').replace(/\s+/g, '')))
      el.textContent = '[removed]';
  }
  let html = `<!doctype html>\n${copy.outerHTML}`;
  // `;` too: serialised attributes write a query's `&` as `&amp;`.
  html = html.replace(/([?&;](?:token|code|key|signature|sig|t)=)[^"'&\s<>]+/gi, '$1[removed]');
  return html;
}

/** Presses the cookie banner's accept button when one covers the page. Returns whether it did. */
export function dismissCookieBanner(): boolean {
  const visible = (el: Element) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const hinted = document.querySelector('[data-id=awsccc-cb-btn-continue], #awsccc-cb-buttons button');
  const region = document.querySelector('[aria-label*=cookie i], [id*=cookie i], [class*=cookie i]');
  const byText = region
    ? Array.from(region.querySelectorAll('button')).find((b) =>
        /^(accept|continue|allow)/i.test(b.textContent?.trim() ?? ''),
      )
    : undefined;
  const button =
    (hinted && visible(hinted) ? hinted : undefined) ?? (byText && visible(byText) ? byText : undefined);
  if (!button) return false;
  (button as HTMLElement).click();
  return true;
}

/** The MFA secret key the page shows as text (base32, maybe grouped in fours), or null while it is hidden. */
export function findSecretKeyText(): string | null {
  const candidates = Array.from(document.querySelectorAll('code, [data-testid], span, div, p, strong, kbd'));
  for (const el of candidates) {
    if (el.children.length > 0) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const text = (el.textContent ?? '').replace(/\s+/g, '');
    if (/^[A-Z2-7]{16,}={0,6}$/.test(text)) return text;
  }
  return null;
}
