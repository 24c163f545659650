import { request } from 'node:https';
import type { ConsoleSim, Generation, PhoneNetwork, SimMail } from '../../../sim/console';

/** One answer of the simulator, as a browser would see it before following redirects. */
export interface Page {
  url: string;
  status: number;
  location: string | undefined;
  contentType: string;
  setCookies: string[];
  body: string;
}

interface StoredCookie {
  name: string;
  value: string;
  /** Without leading dot. */
  domain: string;
  hostOnly: boolean;
}

/**
 * A minimal browser over plain HTTPS: real AWS URLs, every connection to the simulator (as Chromium's host
 * mapping does), its own cookie jar with Domain matching.
 */
export class TestBrowser {
  readonly cookies: StoredCookie[] = [];

  /**
   * `checkNames: false` accepts the certificate for any host name, as Chromium does with the SPKI flag: needed for
   * hosts the certificate does not name.
   */
  constructor(
    private readonly sim: ConsoleSim,
    private readonly options: { checkNames?: boolean } = {},
  ) {}

  cookie(name: string, host: string): string | undefined {
    return this.cookies.find((cookie) => cookie.name === name && this.matches(cookie, host))?.value;
  }

  private matches(cookie: StoredCookie, host: string): boolean {
    return cookie.hostOnly
      ? host === cookie.domain
      : host === cookie.domain || host.endsWith(`.${cookie.domain}`);
  }

  private store(host: string, header: string): void {
    const [pair, ...attributes] = header.split(';').map((part) => part.trim());
    const eq = pair?.indexOf('=') ?? -1;
    if (!pair || eq <= 0) return;
    const name = pair.slice(0, eq);
    const value = decodeURIComponent(pair.slice(eq + 1));
    let domain = host;
    let hostOnly = true;
    let expired = false;
    for (const attribute of attributes) {
      const [key = '', attrValue = ''] = attribute.split('=');
      if (key.toLowerCase() === 'domain') {
        domain = attrValue.replace(/^\./, '').toLowerCase();
        hostOnly = false;
      }
      if (key.toLowerCase() === 'max-age' && Number(attrValue) <= 0) expired = true;
    }
    const index = this.cookies.findIndex((cookie) => cookie.name === name && cookie.domain === domain);
    if (index >= 0) this.cookies.splice(index, 1);
    if (!expired) this.cookies.push({ name, value, domain, hostOnly });
  }

  /** Sets a cookie the way page script would (the cookie banner's choice). */
  setCookie(name: string, value: string, domain: string): void {
    this.cookies.push({ name, value, domain, hostOnly: false });
  }

  send(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<Page> {
    const target = new URL(url);
    const host = target.hostname;
    const cookieHeader = this.cookies
      .filter((cookie) => this.matches(cookie, host))
      .map((cookie) => `${cookie.name}=${encodeURIComponent(cookie.value)}`)
      .join('; ');
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const headers: Record<string, string> = { host };
    if (cookieHeader) headers.cookie = cookieHeader;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise<Page>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.sim.port,
          servername: host,
          ca: this.sim.certificatePem,
          ...(this.options.checkNames === false ? { checkServerIdentity: () => undefined } : {}),
          method,
          path: `${target.pathname}${target.search}`,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const setCookies = res.headers['set-cookie'] ?? [];
            for (const header of setCookies) this.store(host, header);
            const location = res.headers.location;
            resolve({
              url,
              status: res.statusCode ?? 0,
              location: location ? new URL(location, url).href : undefined,
              contentType: res.headers['content-type'] ?? '',
              setCookies,
              body: Buffer.concat(chunks).toString('utf8'),
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  get(url: string): Promise<Page> {
    return this.send('GET', url);
  }

  post(url: string, form: Record<string, string>): Promise<Page> {
    return this.send('POST', url, form);
  }

  /** Follows redirects (as GETs) to the page they end on. */
  async follow(first: Page | Promise<Page>): Promise<Page> {
    let page = await first;
    for (let hops = 0; page.status >= 300 && page.status < 400 && page.location; hops++) {
      if (hops > 10) throw new Error(`too many redirects from ${page.url}`);
      page = await this.get(page.location);
    }
    return page;
  }

  open(url: string): Promise<Page> {
    return this.follow(this.get(url));
  }

  submit(url: string, form: Record<string, string>): Promise<Page> {
    return this.follow(this.post(url, form));
  }
}

export const SIGNIN = 'https://signin.aws.amazon.com';
export const CONSOLE_HOME = 'https://console.aws.amazon.com/console/home';
export const CAPTCHA = 'https://us-east-1.signin.aws.amazon.com';

function decodeEntities(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/** The text of the first element matching the tag (and optional attribute text), tags stripped. */
export function textOf(body: string, tag: string, attribute = ''): string | undefined {
  const match = new RegExp(`<${tag}\\b[^>]*${attribute}[^>]*>([\\s\\S]*?)</${tag}>`).exec(body);
  return match?.[1] === undefined ? undefined : decodeEntities(match[1].replace(/<[^>]+>/g, '')).trim();
}

export function heading(body: string): string | undefined {
  return textOf(body, 'h1');
}

export function alertText(body: string): string | undefined {
  return textOf(body, 'div', 'role="alert"');
}

export function title(body: string): string | undefined {
  return textOf(body, 'title');
}

/** The id the page's <label> with exactly this text points at. */
export function labelTarget(body: string, text: string): string | undefined {
  for (const match of body.matchAll(/<label\b[^>]*\sfor="([^"]+)"[^>]*>([^<]*)<\/label>/g)) {
    if (decodeEntities(match[2] ?? '').trim() === text) return match[1];
  }
  return undefined;
}

/** The opening tag of the element with this id. */
export function elementById(body: string, id: string): string | undefined {
  return new RegExp(`<[a-z]+\\b[^>]*\\sid="${id.replace(/[-[\]{}()*+?.,\\^$|#]/g, '\\$&')}"[^>]*>`).exec(
    body,
  )?.[0];
}

export function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match?.[1] === undefined ? undefined : decodeEntities(match[1]);
}

export function ids(body: string): string[] {
  return [...body.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1] ?? '');
}

export function buttonTexts(body: string): string[] {
  return [...body.matchAll(/<button\b[^>]*>([\s\S]*?)<\/button>/g)].map((match) =>
    decodeEntities((match[1] ?? '').replace(/<[^>]+>/g, '')).trim(),
  );
}

/** The CAPTCHA iframe's address on a page (loaded or waiting for its dialog to open). */
export function captchaFrameUrl(body: string): string | undefined {
  const tag = /<iframe\b[^>]*title="Security verification"[^>]*>/.exec(body)?.[0];
  if (!tag) return undefined;
  return attribute(tag, 'src') ?? attribute(tag, 'data-src');
}

export function hiddenValue(body: string, name: string): string | undefined {
  const tag = new RegExp(`<input type="hidden" name="${name}" value="[^"]*">`).exec(body)?.[0];
  return tag ? attribute(tag, 'value') : undefined;
}

/** The pass token the solved CAPTCHA document posts to its parent page. */
export function passTokenOf(body: string): string | undefined {
  return /token: "([^"]+)"/.exec(body)?.[1];
}

/** Solves the CAPTCHA shown at `frameUrl` with the simulator's own answer; returns the pass token. */
export async function solveCaptcha(browser: TestBrowser, sim: ConsoleSim, frameUrl: string): Promise<string> {
  const frame = await browser.get(frameUrl);
  const challengeId = hiddenValue(frame.body, 'c');
  const answer = sim.latestCaptchaAnswer();
  if (!challengeId || !answer) throw new Error('no CAPTCHA to solve');
  const solved = await browser.post(`${CAPTCHA}/captcha/challenge`, { c: challengeId, captchaGuess: answer });
  const token = passTokenOf(solved.body);
  if (!token) throw new Error('the CAPTCHA was not accepted');
  return token;
}

/** Email step of the sign-in (with the CAPTCHA when one is asked for): ends on the password page. */
export async function enterEmail(
  browser: TestBrowser,
  sim: ConsoleSim,
  email: string,
  start = CONSOLE_HOME,
): Promise<Page> {
  await browser.open(start);
  let page = await browser.submit(`${SIGNIN}/signin/resolve`, { userType: 'root', email, captchaToken: '' });
  // The password page carries the recovery dialog's CAPTCHA too: only the sign-in page's is wanted here.
  const frameUrl = heading(page.body) === 'Sign in' ? captchaFrameUrl(page.body) : undefined;
  if (frameUrl) {
    const captchaToken = await solveCaptcha(browser, sim, frameUrl);
    page = await browser.submit(`${SIGNIN}/signin/resolve`, { userType: 'root', email, captchaToken });
  }
  return page;
}

export async function signIn(
  browser: TestBrowser,
  sim: ConsoleSim,
  email: string,
  password: string,
): Promise<Page> {
  await enterEmail(browser, sim, email);
  return browser.submit(`${SIGNIN}/signin/password`, { password });
}

/** Undoes quoted-printable (soft breaks and =XX) of a mail part. */
export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const char = joined[i];
    if (char === '=' && /^[0-9A-F]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(joined.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The decoded bodies of a multipart mail, by content type. */
export function mailParts(raw: string): Map<string, string> {
  const boundary = /boundary="([^"]+)"/.exec(raw)?.[1];
  const parts = new Map<string, string>();
  if (!boundary) return parts;
  for (const chunk of raw.split(`--${boundary}`).slice(1, -1)) {
    const [head = '', ...rest] = chunk.replace(/^\r\n/, '').split('\r\n\r\n');
    const type = /Content-Type: ([^;\r\n]+)/.exec(head)?.[1];
    if (type) parts.set(type, decodeQuotedPrintable(rest.join('\r\n\r\n').replace(/\r\n$/, '')));
  }
  return parts;
}

export function resetLinkOf(mail: SimMail): string {
  const text = mailParts(mail.raw).get('text/plain') ?? '';
  const link = /https:\/\/signin\.aws\.amazon\.com\/resetpassword\?\S+/.exec(text)?.[0];
  if (!link) throw new Error('no reset link in the mail');
  return link;
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)): {
  now: () => number;
  advance: (ms: number) => void;
} {
  let current = start;
  return {
    now: () => current,
    advance: (ms: number) => {
      current += ms;
    },
  };
}

export const WIZARD = 'https://portal.aws.amazon.com/billing/signup?client=organizations&enforcePI=True';
export const REGISTRATION =
  'https://portal.aws.amazon.com/gp/aws/developer/registration/index.html?client=organizations&enforcePI=True';
export const ACCOUNT_PAGE = 'https://console.aws.amazon.com/billing/home';

/** Gives the browser a root session of the account, as if its root user had just signed in. */
export function giveRootSession(
  browser: TestBrowser,
  sim: ConsoleSim,
  accountId: string,
  generation: Generation,
): void {
  const cookie = sim.openRootSession(accountId, { generation });
  browser.setCookie(cookie.name, cookie.value, cookie.domain.replace(/^\./, ''));
}

/**
 * A phone network the test plays: AWS's calls wait until the test keys digits in (as the person on the line
 * would), text messages are kept.
 */
export class FakePhoneNetwork implements PhoneNetwork {
  readonly calls: Array<{ to: string; listenMs: number }> = [];
  readonly texts: Array<{ to: string; from: string; body: string }> = [];
  private readonly openCalls: Array<(digits: string) => void> = [];

  call(to: string, options: { listenMs: number }): Promise<{ digits: string }> {
    this.calls.push({ to, listenMs: options.listenMs });
    return new Promise((resolve) => this.openCalls.push((digits) => resolve({ digits })));
  }

  async sms(message: { to: string; from: string; body: string }): Promise<void> {
    this.texts.push(message);
  }

  /** The person on the oldest open call keys in `digits`, and the call ends. */
  keyIn(digits: string): void {
    const answer = this.openCalls.shift();
    if (!answer) throw new Error('no open call to key digits into');
    answer(digits);
  }

  /** The code of the latest text message. */
  lastCode(): string {
    const code = /\b(\d{4,8})\b/.exec(this.texts.at(-1)?.body ?? '')?.[1];
    if (!code) throw new Error('no code texted');
    return code;
  }
}
