import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ConsoleSim, startConsoleSim } from '../../../sim/console';
import type { AfterPassword } from '../../../sim/console/types';
import {
  alertText,
  buttonTexts,
  heading,
  labelTarget,
  mailParts,
  manualClock,
  type Page,
  SIGNIN,
  signIn,
  TestBrowser,
  textOf,
} from './helpers';

const ROOT = { accountId: '111122223333', email: 'root@example.com', password: 'Correct-Horse-9' };
const clock = manualClock();
let sim: ConsoleSim;

beforeAll(async () => {
  sim = await startConsoleSim({ captcha: 'never', generation: 'new', clock: clock.now });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.setFaults({ interstitial: false, layout: 'usual' });
});

function rootWith(afterPassword: AfterPassword): void {
  sim.addAccount({ ...ROOT, afterPassword });
}

function totpCode(secret: string, at: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({
    timestamp: at,
  });
}

function secretKeyOf(page: Page): string {
  const key = /<code data-testid="secret-key"[^>]*>([A-Z2-7]+)<\/code>/.exec(page.body)?.[1];
  if (!key) throw new Error('no secret key on the page');
  return key;
}

/** Signs in to the MFA set-up page of an account that must register a device. */
async function setUpDevice(browser: TestBrowser): Promise<Page> {
  const assign = await signIn(browser, sim, ROOT.email, ROOT.password);
  expect(heading(assign.body)).toBe('Assign MFA device');
  return browser.submit(`${SIGNIN}/signin/mfa/assign`, {
    deviceType: 'authenticator',
    deviceName: 'teardown',
  });
}

describe('after the right password', () => {
  it('goes straight to the console', async () => {
    rootWith('straight-in');
    const page = await signIn(new TestBrowser(sim), sim, ROOT.email, ROOT.password);
    expect(heading(page.body)).toBe('Console Home');
  });

  it('offers to skip MFA registration while the grace period lasts', async () => {
    rootWith('mfa-register-skippable');
    const browser = new TestBrowser(sim);
    const assign = await signIn(browser, sim, ROOT.email, ROOT.password);
    expect(heading(assign.body)).toBe('Assign MFA device');
    expect(assign.body).toContain('AWS requires root users to use multi-factor authentication (MFA).');
    expect(assign.body).toContain('You can skip this for now. 35 days left to assign MFA.');
    for (const label of [
      'Authenticator app',
      'Passkey or security key',
      'Hardware TOTP token',
      'Device name',
    ]) {
      expect(labelTarget(assign.body, label)).toBeDefined();
    }
    expect(buttonTexts(assign.body)).toEqual(['Skip for now', 'Next']);
    const home = await browser.submit(`${SIGNIN}/signin/mfa/skip`, {});
    expect(heading(home.body)).toBe('Console Home');
    expect(sim.account(ROOT.accountId)?.mfaKey).toBeUndefined();
  });

  it('registers an authenticator app with two consecutive codes when MFA is forced, then asks for MFA', async () => {
    rootWith('mfa-register-forced');
    const browser = new TestBrowser(sim);
    const assign = await signIn(browser, sim, ROOT.email, ROOT.password);
    expect(assign.body).not.toContain('Skip for now');
    expect((await browser.post(`${SIGNIN}/signin/mfa/skip`, {})).location).toBe(
      `${SIGNIN}/signin/mfa/assign`,
    );
    const noDevice = await browser.submit(`${SIGNIN}/signin/mfa/assign`, { deviceName: 'teardown' });
    expect(alertText(noDevice.body)).toBeDefined();

    const setUp = await browser.submit(`${SIGNIN}/signin/mfa/assign`, {
      deviceType: 'authenticator',
      deviceName: 'teardown',
    });
    expect(heading(setUp.body)).toBe('Set up device');
    expect(buttonTexts(setUp.body)).toEqual(['Show secret key', 'Add MFA']);
    expect(setUp.body).toMatch(/<code data-testid="secret-key"[^>]*hidden>/);
    expect(labelTarget(setUp.body, 'MFA code 1')).toBe('mfaCode1');
    expect(labelTarget(setUp.body, 'MFA code 2')).toBe('mfaCode2');
    const secret = secretKeyOf(setUp);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const now = clock.now();
    const sameTwice = await browser.submit(`${SIGNIN}/signin/mfa/setup`, {
      mfaCode1: totpCode(secret, now),
      mfaCode2: totpCode(secret, now),
    });
    expect(alertText(sameTwice.body)).toBe(
      'The MFA codes you entered are not valid. Enter two consecutive codes.',
    );
    expect(secretKeyOf(sameTwice)).toBe(secret);

    const home = await browser.submit(`${SIGNIN}/signin/mfa/setup`, {
      mfaCode1: totpCode(secret, now - 30_000),
      mfaCode2: totpCode(secret, now),
    });
    expect(heading(home.body)).toBe('Console Home');
    expect(sim.account(ROOT.accountId)?.mfaKey).toBe(secret);

    // Every later sign-in asks for a code from the registered device.
    const later = new TestBrowser(sim);
    const mfa = await signIn(later, sim, ROOT.email, ROOT.password);
    expect(heading(mfa.body)).toBe('Multi-factor authentication');
    expect(labelTarget(mfa.body, 'MFA code')).toBe('mfaCode');
    expect(buttonTexts(mfa.body)).toEqual(['Submit']);
    const wrong = await later.submit(`${SIGNIN}/signin/mfa`, { mfaCode: totpCode(secret, now + 5 * 60_000) });
    expect(alertText(wrong.body)).toBe('Your authentication information is incorrect. Please try again.');
    const right = await later.submit(`${SIGNIN}/signin/mfa`, { mfaCode: totpCode(secret, now + 30_000) });
    expect(heading(right.body)).toBe('Console Home');
  });

  it('gives a new secret key on each visit, and accepts codes one step apart only', async () => {
    rootWith('mfa-register-forced');
    const browser = new TestBrowser(sim);
    const first = secretKeyOf(await setUpDevice(browser));
    const second = await browser.open(`${SIGNIN}/signin/mfa/setup`);
    const secret = secretKeyOf(second);
    expect(secret).not.toBe(first);
    const now = clock.now();
    const gap = await browser.submit(`${SIGNIN}/signin/mfa/setup`, {
      mfaCode1: totpCode(secret, now - 30_000),
      mfaCode2: totpCode(secret, now + 30_000),
    });
    expect(alertText(gap.body)).toMatch(/not valid/);
    const stale = await browser.submit(`${SIGNIN}/signin/mfa/setup`, {
      mfaCode1: totpCode(secret, now - 90_000),
      mfaCode2: totpCode(secret, now - 60_000),
    });
    expect(alertText(stale.body)).toMatch(/not valid/);
    const oldDevice = await browser.submit(`${SIGNIN}/signin/mfa/setup`, {
      mfaCode1: totpCode(first, now),
      mfaCode2: totpCode(first, now + 30_000),
    });
    expect(alertText(oldDevice.body)).toMatch(/not valid/);
    // A code for now and the next one: typed just before the step changes.
    const home = await browser.submit(`${SIGNIN}/signin/mfa/setup`, {
      mfaCode1: totpCode(secret, now),
      mfaCode2: totpCode(secret, now + 30_000),
    });
    expect(heading(home.body)).toBe('Console Home');
  });

  it('mails a one-time code and asks for it when the sign-in looks unusual', async () => {
    rootWith('mailed-code');
    const browser = new TestBrowser(sim);
    const before = sim.mails().length;
    const verify = await signIn(browser, sim, ROOT.email, ROOT.password);
    expect(heading(verify.body)).toBe('Verify your identity');
    expect(verify.body).toContain('We sent a verification code to r***@example.com. Enter it below.');
    expect(labelTarget(verify.body, 'Verification code')).toBeDefined();
    expect(buttonTexts(verify.body)).toEqual(['Verify']);

    const mails = sim.mails().slice(before);
    expect(mails.map((mail) => [mail.kind, mail.to, mail.subject])).toEqual([
      ['sign-in-code', ROOT.email, 'Your AWS sign-in verification code'],
    ]);
    const parts = mailParts(mails[0]?.raw ?? '');
    const code = /\b(\d{6})\b/.exec(parts.get('text/plain') ?? '')?.[1] ?? '';
    expect(parts.get('text/html')).toContain(code);

    const wrongCode = code === '000000' ? '111111' : '000000';
    const wrong = await browser.submit(`${SIGNIN}/signin/verify`, { code: wrongCode });
    expect(alertText(wrong.body)).toBe('The code you entered is not valid.');
    expect(sim.mails()).toHaveLength(before + 1);
    const home = await browser.submit(`${SIGNIN}/signin/verify`, { code });
    expect(heading(home.body)).toBe('Console Home');

    // The code is spent: a new sign-in gets a new mail.
    const again = new TestBrowser(sim);
    await signIn(again, sim, ROOT.email, ROOT.password);
    const reused = await again.submit(`${SIGNIN}/signin/verify`, { code });
    expect(alertText(reused.body)).toBe('The code you entered is not valid.');
    expect(sim.mails()).toHaveLength(before + 2);
  });

  it('refuses a mailed code after 15 minutes', async () => {
    rootWith('mailed-code');
    const browser = new TestBrowser(sim);
    await signIn(browser, sim, ROOT.email, ROOT.password);
    const mail = sim.mails().at(-1);
    const code = /\b(\d{6})\b/.exec(mailParts(mail?.raw ?? '').get('text/plain') ?? '')?.[1] ?? '';
    clock.advance(16 * 60_000);
    const late = await browser.submit(`${SIGNIN}/signin/verify`, { code });
    expect(alertText(late.body)).toBe('The code you entered is not valid.');
  });

  it('stops at an unknown security page until the fault is lifted', async () => {
    rootWith('straight-in');
    sim.setFaults({ interstitial: true });
    const browser = new TestBrowser(sim);
    const page = await signIn(browser, sim, ROOT.email, ROOT.password);
    expect(heading(page.body)).toBe('Help us keep your account secure');
    expect(buttonTexts(page.body)).toEqual(['Continue']);
    expect((await browser.get('https://console.aws.amazon.com/console/home')).status).toBe(302);

    sim.setFaults({ interstitial: false });
    const next = await signIn(new TestBrowser(sim), sim, ROOT.email, ROOT.password);
    expect(heading(next.body)).toBe('Console Home');
  });

  it('meets the unknown page on the share of sign-ins interstitialRate sets, decided once per sign-in', async () => {
    rootWith('straight-in');
    sim.setFaults({ interstitialRate: 1 });
    const browser = new TestBrowser(sim);
    const page = await signIn(browser, sim, ROOT.email, ROOT.password);
    expect(heading(page.body)).toBe('Help us keep your account secure');
    // Past it once, the same sign-in goes on rather than rolling again.
    const next = await browser.submit(`${SIGNIN}/signin/interstitial`, {});
    expect(heading(next.body)).toBe('Console Home');

    sim.setFaults({ interstitialRate: 0 });
    const plain = await signIn(new TestBrowser(sim), sim, ROOT.email, ROOT.password);
    expect(heading(plain.body)).toBe('Console Home');
  });

  it('keeps the MFA pages readable by label in the novel layout', async () => {
    rootWith('mfa-register-forced');
    sim.setFaults({ layout: 'novel' });
    const setUp = await setUpDevice(new TestBrowser(sim));
    expect(heading(setUp.body)).toBe('Set up device');
    expect(labelTarget(setUp.body, 'MFA code 1')).not.toBe('mfaCode1');
    expect(setUp.body).toMatch(new RegExp(`id="${labelTarget(setUp.body, 'MFA code 1')}" name="mfaCode1"`));
    expect(textOf(setUp.body, 'code', 'data-testid="secret-key"')).toMatch(/^[A-Z2-7]{32}$/);
  });
});
