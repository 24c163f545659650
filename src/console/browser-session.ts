import type { Logger } from '@aws-lambda-powertools/logger';
import type { Browser, BrowserContext, HTTPRequest, Page } from 'puppeteer-core';
import type { AccountId } from '../common/account-id';
import { BrowserError, PageNotRecognisedError } from '../common/errors';
import type { Screenshot } from '../pipeline/step-handler';
import { artifactKey } from './adapters/s3-artifacts';
import { describeUrl, mayLoad, mayNavigate } from './allow-list';
import { pageHtml, where, withSecretsMasked } from './page-kit';
import type { Artifacts, SavedCookie, SessionStore } from './ports';

/** Which teardown a browser session works for. */
export interface SessionOwner {
  accountId: AccountId;
  teardownId: string;
}

/**
 * One browser step's Chromium: a fresh context whose every request passes the allow-list, downloads refused,
 * the teardown's saved root session restored. Screenshots are masked before they are taken and kept as
 * artifacts. Always closed by whoever opened it.
 */
export class ConsoleSession {
  /** Hosts of requests the allow-list stopped (a page trying to leave AWS, a link from elsewhere). */
  readonly refused: string[] = [];
  private shots = 0;

  private constructor(
    private readonly browser: Browser,
    private readonly context: BrowserContext,
    readonly page: Page,
    private readonly owner: SessionOwner,
    private readonly deps: { artifacts: Artifacts; sessions: SessionStore; logger: Logger; step: string },
  ) {}

  static async open(
    launch: () => Promise<Browser>,
    owner: SessionOwner,
    deps: { artifacts: Artifacts; sessions: SessionStore; logger: Logger; step: string },
  ): Promise<ConsoleSession> {
    let browser: Browser | undefined;
    try {
      browser = await launch();
      // Downloads are never wanted: a page offering one is not a page of these flows. Set on this context
      // itself: the browser-wide setting covers only the default context, which no page here uses.
      const context = await browser.createBrowserContext({ downloadBehavior: { policy: 'deny' } });
      const page = await context.newPage();
      const session = new ConsoleSession(browser, context, page, owner, deps);
      await session.guard();
      return session;
    } catch (error) {
      await browser?.close().catch(() => undefined);
      throw new BrowserError(`Chromium could not start: ${error instanceof Error ? error.message : error}`, {
        cause: error,
      });
    }
  }

  /**
   * Request interception: pages may only be AWS's, their parts only AWS's and the CAPTCHA's. No flow opens a
   * second window: any other page in this context (a pop-up, a link with a target) is closed as it appears.
   */
  private async guard(): Promise<void> {
    this.context.on('targetcreated', (target) => {
      if (target.type() !== 'page') return;
      void target.page().then((other) => {
        if (other && other !== this.page) {
          this.refused.push(describeUrl(target.url()));
          this.deps.logger.warn('second window closed', { url: describeUrl(target.url()) });
          void other.close().catch(() => undefined);
        }
      });
    });
    await this.page.setRequestInterception(true);
    this.page.on('request', (request: HTTPRequest) => {
      if (request.isInterceptResolutionHandled()) return;
      const url = request.url();
      const mainNavigation = request.isNavigationRequest() && request.frame() === this.page.mainFrame();
      const allowed = mainNavigation ? mayNavigate(url) : mayLoad(url);
      if (allowed) {
        void request.continue().catch(() => undefined);
        return;
      }
      this.refused.push(describeUrl(url));
      this.deps.logger.warn('request refused by the allow-list', { url: describeUrl(url) });
      void request.abort('blockedbyclient').catch(() => undefined);
    });
  }

  /** Opens an address, after checking it against the allow-list here too (a clear error, not a failed load). */
  async goto(url: string): Promise<void> {
    if (!mayNavigate(url)) {
      this.refused.push(describeUrl(url));
      throw new PageNotRecognisedError(
        `I will not open ${describeUrl(url)}: it is not an AWS sign-in or console page.`,
      );
    }
    try {
      await this.page.goto(url, { waitUntil: 'domcontentloaded' });
    } catch (error) {
      // A navigation that was replaced by a redirect or a newer one is not a failure; the flow recognises
      // whatever page is there now.
      if (error instanceof Error && /net::ERR_ABORTED|navigation/i.test(error.message)) return;
      // Puppeteer's message ends "… at <url>", query and reset token included; this message reaches the thread
      // and the logs, so it carries the address without its query, and no cause that would carry it whole.
      const reason = (error instanceof Error ? error.message : String(error))
        .split(url)
        .join(describeUrl(url));
      throw new BrowserError(`Opening ${describeUrl(url)} failed: ${reason}`);
    }
  }

  /** Puts the teardown's saved root session back into the browser. Returns whether there was one. */
  async restoreSession(): Promise<boolean> {
    const cookies = await this.deps.sessions.load(this.owner.teardownId, this.owner.accountId);
    if (!cookies || cookies.length === 0) return false;
    await this.context.setCookie(...cookies);
    return true;
  }

  /** Keeps the browser's AWS cookies for the next browser step of this teardown. */
  async saveSession(): Promise<void> {
    const cookies: SavedCookie[] = (await this.context.cookies())
      .filter((c) => /(^|\.)aws\.amazon\.com$/.test(c.domain.replace(/^\./, '')))
      .map((c) => ({
        name: c.name,
        value: c.value,
        domain: c.domain,
        path: c.path,
        expires: c.expires,
        httpOnly: c.httpOnly ?? false,
        secure: c.secure,
        ...(c.sameSite ? { sameSite: c.sameSite } : {}),
      }));
    await this.deps.sessions.save(this.owner.teardownId, this.owner.accountId, cookies);
  }

  /** A masked screenshot of the page, kept as an artifact and returned for the thread. */
  async screenshot(title: string, name: string): Promise<Screenshot> {
    const png = await withSecretsMasked(this.page, () => this.page.screenshot({ type: 'png' }));
    const filename = `${String(++this.shots).padStart(2, '0')}-${this.deps.step}-${name}.png`;
    await this.keep(filename, png, 'image/png');
    return { filename, title, png };
  }

  /** What a person needs to judge a page the flow did not expect: the masked picture and the scrubbed HTML. */
  async surprise(reason: string): Promise<Screenshot | undefined> {
    try {
      const shot = await this.screenshot(reason, 'unexpected');
      const html = await pageHtml(this.page);
      await this.keep(shot.filename.replace(/\.png$/, '.html'), html, 'text/html; charset=utf-8');
      return shot;
    } catch (error) {
      this.deps.logger.warn('could not keep the unexpected page', { error, page: where(this.page) });
      return undefined;
    }
  }

  private async keep(filename: string, body: Uint8Array | string, contentType: string): Promise<void> {
    const key = artifactKey(this.owner, this.deps.step, filename, Date.now());
    try {
      await this.deps.artifacts.put(key, body, contentType);
    } catch (error) {
      // Artifacts are for later reading; the thread has the screenshot already.
      this.deps.logger.warn('artifact not stored', { key, error });
    }
  }

  async close(): Promise<void> {
    await this.page.close().catch(() => undefined);
    await this.context.close().catch(() => undefined);
    await this.browser.close().catch(() => undefined);
  }
}
