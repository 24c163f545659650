import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ConsoleSim, startConsoleSim } from '../../../sim/console';
import {
  alertText,
  attribute,
  CAPTCHA,
  captchaFrameUrl,
  enterEmail,
  heading,
  hiddenValue,
  labelTarget,
  passTokenOf,
  SIGNIN,
  solveCaptcha,
  TestBrowser,
  textOf,
} from './helpers';

const ROOT = { accountId: '111122223333', email: 'root@example.com', password: 'Correct-Horse-9' };

let sim: ConsoleSim;

beforeAll(async () => {
  sim = await startConsoleSim({ captcha: 'always', generation: 'old', seed: 42 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.setFaults({ captcha: 'always', wrongAnswerRate: 0 });
  sim.addAccount(ROOT);
});

/** Enters the email and returns the CAPTCHA iframe's document. */
async function challenge(browser: TestBrowser, email = ROOT.email) {
  await browser.open(`${SIGNIN}/signin`);
  const page = await browser.submit(`${SIGNIN}/signin/resolve`, {
    userType: 'root',
    email,
    captchaToken: '',
  });
  const frameUrl = captchaFrameUrl(page.body);
  if (!frameUrl) throw new Error('no CAPTCHA');
  return { page, frameUrl, frame: await browser.get(frameUrl) };
}

function imageUrl(frameBody: string): string {
  const tag = /<img alt="captcha"[^>]*>/.exec(frameBody)?.[0] ?? '';
  return new URL(attribute(tag, 'src') ?? '', CAPTCHA).href;
}

describe('sign-in CAPTCHA', () => {
  it('shows a Security Verification dialog with the cross-origin challenge frame', async () => {
    const browser = new TestBrowser(sim);
    const { page, frame } = await challenge(browser);
    expect(heading(page.body)).toBe('Sign in');
    expect(page.body).toMatch(/<div role="dialog" aria-modal="true"[^>]*aria-labelledby="captcha_heading">/);
    expect(textOf(page.body, 'h2')).toBe('Security Verification');
    expect(page.body).toMatch(
      /<iframe id="core-container" src="https:\/\/us-east-1\.signin\.aws\.amazon\.com\/captcha\/challenge\?c=[\w-]+" title="Security verification">/,
    );
    // The email stays in the form that goes on once the CAPTCHA is solved.
    expect(page.body).toContain(`value="${ROOT.email}"`);

    expect(frame.status).toBe(200);
    expect(frame.body).toMatch(
      /<img alt="captcha" src="\/captcha\/image\?c=[\w-]+&amp;sig=[\w-]+" width="200" height="70">/,
    );
    expect(labelTarget(frame.body, 'Type the characters as shown above')).toBe('captchaGuess');
    expect(frame.body).toMatch(/<input type="text" id="captchaGuess" name="captchaGuess"/);
    expect(frame.body).toContain('<button type="submit">Submit</button>');
    expect(frame.body).toContain('alt="Display new security image."');
    expect(frame.body).toContain('>Change to audio security check</a>');
  });

  it('draws the picture as SVG, only for the browser it was made for', async () => {
    const browser = new TestBrowser(sim);
    const { frame } = await challenge(browser);
    const url = imageUrl(frame.body);
    const image = await browser.get(url);
    expect(image.status).toBe(200);
    expect(image.contentType).toBe('image/svg+xml');
    expect(image.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="200" height="70"/);
    expect(image.body).toContain('font-family="DejaVu Sans Mono, monospace"');
    const drawn = [...image.body.matchAll(/<text [^>]*>(.)<\/text>/g)].map((match) => match[1]).join('');
    expect(drawn).toBe(sim.latestCaptchaAnswer());
    expect(drawn).toMatch(/^[A-HJ-NP-Za-km-z2-9]{6}$/);
    expect(image.body).toMatch(/<path d="M0 /);
    expect(image.body).toMatch(/<circle /);
    expect((await browser.get(url)).body).toBe(image.body);

    const stranger = new TestBrowser(sim);
    await stranger.open(`${SIGNIN}/signin`);
    expect((await stranger.get(url)).status).toBe(403);
    expect((await browser.get(url.replace(/sig=[\w-]+/, 'sig=forged'))).status).toBe(403);
  });

  it('gives a fresh challenge after a wrong answer, and another one on request', async () => {
    const browser = new TestBrowser(sim);
    const { frame } = await challenge(browser);
    const first = hiddenValue(frame.body, 'c') ?? '';
    const answer = sim.latestCaptchaAnswer() ?? '';
    // Case matters.
    const wrong = answer === answer.toLowerCase() ? answer.toUpperCase() : answer.toLowerCase();
    const retry = await browser.post(`${CAPTCHA}/captcha/challenge`, { c: first, captchaGuess: wrong });
    expect(alertText(retry.body)).toBe("That wasn't quite right. Try again.");
    const second = hiddenValue(retry.body, 'c') ?? '';
    expect(second).not.toBe(first);
    expect(passTokenOf(retry.body)).toBeUndefined();

    const refreshLink =
      /<a href="([^"]+)"><img alt="Display new security image\."/.exec(retry.body)?.[1] ?? '';
    const refreshed = await browser.open(new URL(refreshLink.replaceAll('&amp;', '&'), CAPTCHA).href);
    const third = hiddenValue(refreshed.body, 'c') ?? '';
    expect(third).not.toBe(second);
    expect(alertText(refreshed.body)).toBeUndefined();

    // The old challenges are over: answering them does nothing.
    const stale = await browser.post(`${CAPTCHA}/captcha/challenge`, { c: second, captchaGuess: 'abcdef' });
    expect(stale.status).toBe(403);

    const records = sim.captchaAnswers();
    const mine = records.filter((record) => [first, second, third].includes(record.id));
    expect(mine.map((record) => record.solved)).toEqual([false, false, false]);
    expect(sim.latestCaptchaAnswer()).toBe(mine.find((record) => record.id === third)?.answer);
  });

  it('goes on to the password page with a pass token that works once', async () => {
    const browser = new TestBrowser(sim);
    const { frameUrl } = await challenge(browser);
    const captchaToken = await solveCaptcha(browser, sim, frameUrl);
    const solved = sim.captchaAnswers().at(-1);
    expect(solved?.solved).toBe(true);
    expect(sim.latestCaptchaAnswer()).not.toBe(solved?.answer);
    const password = await browser.submit(`${SIGNIN}/signin/resolve`, {
      userType: 'root',
      email: ROOT.email,
      captchaToken,
    });
    expect(heading(password.body)).toBe('Root user sign in');

    await browser.open(`${SIGNIN}/signin`);
    const reused = await browser.submit(`${SIGNIN}/signin/resolve`, {
      userType: 'root',
      email: ROOT.email,
      captchaToken,
    });
    expect(heading(reused.body)).toBe('Sign in');
    expect(captchaFrameUrl(reused.body)).toBeDefined();
  });

  it("accepts no other browser's pass token", async () => {
    const solver = new TestBrowser(sim);
    const { frameUrl } = await challenge(solver);
    const captchaToken = await solveCaptcha(solver, sim, frameUrl);
    const other = new TestBrowser(sim);
    await other.open(`${SIGNIN}/signin`);
    const page = await other.submit(`${SIGNIN}/signin/resolve`, {
      userType: 'root',
      email: ROOT.email,
      captchaToken,
    });
    expect(heading(page.body)).toBe('Sign in');
    expect(captchaFrameUrl(page.body)).toBeDefined();
  });

  it('refuses right answers at the configured rate', async () => {
    sim.setFaults({ wrongAnswerRate: 1 });
    const browser = new TestBrowser(sim);
    const { frame } = await challenge(browser);
    const answered = await browser.post(`${CAPTCHA}/captcha/challenge`, {
      c: hiddenValue(frame.body, 'c') ?? '',
      captchaGuess: sim.latestCaptchaAnswer() ?? '',
    });
    expect(alertText(answered.body)).toBe("That wasn't quite right. Try again.");
  });

  it('asks on every third attempt per email when set to sometimes, and cannot be skipped by asking again', async () => {
    sim.setFaults({ captcha: 'sometimes' });
    sim.addAccount({ accountId: '999988887777', email: 'third@example.com', password: ROOT.password });
    const outcomes: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const browser = new TestBrowser(sim);
      await browser.open(`${SIGNIN}/signin`);
      const page = await browser.submit(`${SIGNIN}/signin/resolve`, {
        userType: 'root',
        email: 'THIRD@example.com',
      });
      const title = heading(page.body);
      outcomes.push(title === 'Sign in' && captchaFrameUrl(page.body) ? 'captcha' : (title ?? ''));
    }
    expect(outcomes).toEqual(['Root user sign in', 'Root user sign in', 'captcha']);

    const browser = new TestBrowser(sim);
    const skipped = await browser.submit(`${SIGNIN}/signin/resolve`, {
      userType: 'root',
      email: 'third@example.com',
    });
    expect(heading(skipped.body)).toBe('Sign in');
    expect(captchaFrameUrl(skipped.body)).toBeDefined();
    const passed = await enterEmail(browser, sim, 'third@example.com');
    expect(heading(passed.body)).toBe('Root user sign in');
  });
});
