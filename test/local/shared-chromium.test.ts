import type { Browser } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { SharedChromium } from '../../src/local/shared-chromium';

/** A stand-in for a launched Chromium: counts closes, can "crash". */
function fakeBrowser() {
  const state = { connected: true, closed: 0 };
  const browser = {
    get connected() {
      return state.connected;
    },
    async close() {
      state.closed++;
      state.connected = false;
    },
    version: async () => 'Chromium',
  };
  return { browser: browser as unknown as Browser, state };
}

describe('one Chromium for every browser step of the local stack', () => {
  it('launches once for steps that start together, and a step closing leaves it running', async () => {
    const launched: Array<ReturnType<typeof fakeBrowser>> = [];
    const shared = new SharedChromium(async () => {
      const fake = fakeBrowser();
      launched.push(fake);
      return fake.browser;
    });
    const [a, b] = await Promise.all([shared.launch(), shared.launch()]);
    expect(launched).toHaveLength(1);
    await a.close();
    expect(launched[0]?.state.closed).toBe(0);
    expect(await b.version()).toBe('Chromium');
    await shared.stop();
    expect(launched[0]?.state.closed).toBe(1);
    await expect(shared.launch()).rejects.toThrow('stopping');
  });

  it('starts another after a crash, and after a failed launch', async () => {
    const launched: Array<ReturnType<typeof fakeBrowser>> = [];
    let failNext = true;
    const shared = new SharedChromium(async () => {
      if (failNext) {
        failNext = false;
        throw new Error('no display');
      }
      const fake = fakeBrowser();
      launched.push(fake);
      return fake.browser;
    });
    await expect(shared.launch()).rejects.toThrow('no display');
    await shared.launch();
    expect(launched).toHaveLength(1);
    if (launched[0]) launched[0].state.connected = false;
    await shared.launch();
    expect(launched).toHaveLength(2);
    await shared.stop();
  });
});
