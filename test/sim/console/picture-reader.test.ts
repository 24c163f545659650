// The simulated 2captcha's reading of pictures: with several CAPTCHAs open at once (teardowns side by side), each
// picture our browser sends is read as its own challenge, not as the one shown last.
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleSim, startConsoleSim } from '../../../sim/console';
import { pictureReader } from '../../../sim/console/picture-reader';
import { launchTestChromium } from '../../support/test-chromium';
import { attribute, CAPTCHA, captchaFrameUrl, SIGNIN, TestBrowser } from './helpers';

let sim: ConsoleSim;
let browser: Browser;
beforeAll(async () => {
  sim = await startConsoleSim({ captcha: 'always', generation: 'old', seed: 7 });
  browser = await launchTestChromium();
});
afterAll(async () => {
  await browser?.close();
  await sim?.close();
});

/** Opens a sign-in that meets a CAPTCHA; the picture's SVG as served, and the challenge's id. */
async function openChallenge(email: string): Promise<{ svg: string; id: string }> {
  sim.addAccount({ accountId: String(100000000000 + email.length), email, password: 'Correct-Horse-9' });
  const client = new TestBrowser(sim);
  await client.open(`${SIGNIN}/signin`);
  const page = await client.submit(`${SIGNIN}/signin/resolve`, { userType: 'root', email, captchaToken: '' });
  const frame = await client.get(captchaFrameUrl(page.body) ?? '');
  const tag = /<img alt="captcha"[^>]*>/.exec(frame.body)?.[0] ?? '';
  const picture = await client.get(new URL(attribute(tag, 'src') ?? '', CAPTCHA).href);
  const id = sim.captchaAnswers().at(-1)?.id ?? '';
  return { svg: picture.body, id };
}

/** The picture as our browser step sends it to 2captcha: a PNG screenshot of the rendered image. */
async function screenshot(svg: string): Promise<string> {
  const page = await browser.newPage();
  try {
    await page.setContent(
      `<img id="p" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}">`,
    );
    const element = await page.waitForSelector('#p');
    await page.waitForFunction(() => (document.getElementById('p') as HTMLImageElement).complete);
    return Buffer.from((await element?.screenshot()) ?? []).toString('base64');
  } finally {
    await page.close();
  }
}

describe('the simulated 2captcha workers', () => {
  it('read each open challenge from its own picture, whichever was shown last', async () => {
    const first = await openChallenge('first@example.com');
    const second = await openChallenge('second-root@example.com');
    const answers = new Map(sim.captchaAnswers().map((r) => [r.id, r.answer]));
    expect(answers.get(first.id)).not.toBe(answers.get(second.id));
    expect(sim.latestCaptchaAnswer()).toBe(answers.get(second.id));
    const reader = pictureReader(sim);
    expect(reader.answerFor(await screenshot(first.svg))).toBe(answers.get(first.id));
    expect(reader.answerFor(await screenshot(second.svg))).toBe(answers.get(second.id));
    expect(reader.counts()).toMatchObject({ read: 2, unread: 0 });
  });

  it('cannot read what is no CAPTCHA of theirs', async () => {
    const reader = pictureReader(sim);
    const blank = await screenshot('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="70"></svg>');
    expect(reader.answerFor(blank)).toBeUndefined();
    expect(reader.answerFor(Buffer.from('not a picture').toString('base64'))).toBeUndefined();
  });
});
