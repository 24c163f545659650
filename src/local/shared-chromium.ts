import type { Browser } from 'puppeteer-core';

/**
 * One Chromium for every browser step of the local stack. A Lambda starts its own for each step; in one process
 * that would cost a launch per step and a browser's memory per teardown in flight, so the steps share this one.
 * Each step still gets its own browser context (cookies, storage) from ConsoleSession: only the process is shared,
 * and a step's `close()` leaves it running.
 */
export class SharedChromium {
  private browser: Promise<Browser> | undefined;
  private stopped = false;

  constructor(private readonly launchChromium: () => Promise<Browser>) {}

  /** What BrowserStepPorts.launch gets: the running Chromium (started, or restarted after a crash, on demand). */
  readonly launch = async (): Promise<Browser> => {
    if (this.stopped) throw new Error('the local stack is stopping: no browser is started');
    const current = await this.running();
    return new Proxy(current, {
      get(target, name) {
        if (name === 'close') return async () => undefined;
        const value = Reflect.get(target, name, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };

  private async running(): Promise<Browser> {
    this.browser ??= this.start();
    const pending = this.browser;
    const browser = await pending;
    if (browser.connected) return browser;
    // It crashed or was closed: the first step to notice starts another, the others wait for that one.
    if (this.browser === pending) this.browser = this.start();
    return this.browser;
  }

  private start(): Promise<Browser> {
    const starting = this.launchChromium();
    starting.catch(() => {
      if (this.browser === starting) this.browser = undefined;
    });
    return starting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const browser = await this.browser?.catch(() => undefined);
    await browser?.close().catch(() => undefined);
  }
}
