import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ConsoleSim, startConsoleSim } from '../../../sim/console';
import {
  alertText,
  attribute,
  buttonTexts,
  CONSOLE_HOME,
  elementById,
  enterEmail,
  heading,
  ids,
  labelTarget,
  SIGNIN,
  signIn,
  TestBrowser,
  title,
} from './helpers';

const ROOT = { accountId: '111122223333', email: 'Root+Sandbox@example.com', password: 'Correct-Horse-9' };

let sim: ConsoleSim;

beforeAll(async () => {
  sim = await startConsoleSim({ captcha: 'never', generation: 'old' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.setFaults({ captcha: 'never', layout: 'usual', interstitial: false });
  sim.setGeneration('old');
  sim.addAccount(ROOT);
});

describe('console sign-in', () => {
  it('sends a browser without a session from the console to the sign-in page, keeping where it was going', async () => {
    const browser = new TestBrowser(sim);
    const first = await browser.get(`${CONSOLE_HOME}?region=eu-west-1`);
    expect(first.status).toBe(302);
    const location = new URL(first.location ?? '');
    expect(location.origin + location.pathname).toBe(`${SIGNIN}/signin`);
    expect(location.searchParams.get('redirect_uri')).toBe(`${CONSOLE_HOME}?region=eu-west-1`);

    const page = await browser.follow(first);
    expect(title(page.body)).toBe('Amazon Web Services Sign-In');
    expect(heading(page.body)).toBe('Sign in');
  });

  it('signs the root user in with email and password and lands where the sign-in was asked for', async () => {
    const browser = new TestBrowser(sim);
    const regional = 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1';
    await enterEmail(browser, sim, 'root+sandbox@EXAMPLE.com', regional);
    const password = await browser.get(`${SIGNIN}/signin/password`);
    expect(heading(password.body)).toBe('Root user sign in');
    expect(password.body).toContain(ROOT.email);

    const done = await browser.post(`${SIGNIN}/signin/password`, { password: ROOT.password });
    expect(done.status).toBe(302);
    expect(done.location).toBe('https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1');
    const sessionCookie = done.setCookies.find((cookie) => cookie.startsWith('sim-session='));
    expect(sessionCookie).toMatch(/Domain=\.aws\.amazon\.com/);
    expect(sessionCookie).toMatch(/HttpOnly/);
    expect(sessionCookie).toMatch(/Secure/);

    const home = await browser.follow(done);
    expect(title(home.body)).toBe('Console Home');
    expect(heading(home.body)).toBe('Console Home');
    const menu = elementById(home.body, 'nav-usernameMenu');
    expect(attribute(menu ?? '', 'aria-label')).toBe('Account menu');
    expect(home.body).toContain(ROOT.accountId);
  });

  it('tells an unknown email apart with the AWS error text', async () => {
    const browser = new TestBrowser(sim);
    await browser.open(`${SIGNIN}/signin`);
    const page = await browser.submit(`${SIGNIN}/signin/resolve`, {
      userType: 'root',
      email: 'nobody@example.com',
    });
    expect(heading(page.body)).toBe('Sign in');
    expect(alertText(page.body)).toBe(
      'There was an error. An AWS account with that sign-in information does not exist. Try again or create a new account.',
    );
  });

  it('refuses a wrong password, and any password while the root user has none', async () => {
    sim.addAccount({ accountId: '444455556666', email: 'member@example.com' });
    for (const [email, password] of [
      [ROOT.email, 'wrong-Password-1'],
      ['member@example.com', ''],
    ] as const) {
      const browser = new TestBrowser(sim);
      const page = await signIn(browser, sim, email, password);
      expect(heading(page.body)).toBe('Root user sign in');
      expect(alertText(page.body)).toBe('Your authentication information is incorrect. Please try again.');
      expect(browser.cookie('sim-session', 'console.aws.amazon.com')).toBeUndefined();
    }
  });

  it('sends a signed-out browser back to sign-in once sessions expire', async () => {
    const browser = new TestBrowser(sim);
    await signIn(browser, sim, ROOT.email, ROOT.password);
    expect((await browser.get(CONSOLE_HOME)).status).toBe(200);
    sim.expireSessions();
    const again = await browser.get(CONSOLE_HOME);
    expect(again.status).toBe(302);
    expect(again.location).toMatch(/^https:\/\/signin\.aws\.amazon\.com\/signin\?redirect_uri=/);
  });

  it('ends a session after its lifetime', async () => {
    let now = Date.UTC(2026, 0, 1);
    const timed = await startConsoleSim({ captcha: 'never', sessionTtlMs: 60_000, clock: () => now });
    try {
      timed.addAccount(ROOT);
      const browser = new TestBrowser(timed);
      await signIn(browser, timed, ROOT.email, ROOT.password);
      expect((await browser.get(CONSOLE_HOME)).status).toBe(200);
      now += 61_000;
      expect((await browser.get(CONSOLE_HOME)).status).toBe(302);
    } finally {
      await timed.close();
    }
  });
});

describe('two page generations', () => {
  const expected = {
    old: {
      rootChoice: 'root_account_signin',
      email: 'resolving_input',
      next: 'next_button',
      signIn: 'signin_button',
      forgot: 'root_forgot_password_link',
    },
    new: {
      rootChoice: 'rootAccountSignin',
      email: 'resolvingInput',
      next: undefined,
      signIn: 'signinButton',
      forgot: 'rootForgotPasswordLink',
    },
  } as const;

  for (const generation of ['old', 'new'] as const) {
    it(`serves the ${generation} ids with the same labels and texts`, async () => {
      sim.setGeneration(generation);
      const want = expected[generation];
      const browser = new TestBrowser(sim);
      const signInPage = await browser.open(`${SIGNIN}/signin`);
      expect(labelTarget(signInPage.body, 'Root user')).toBe(want.rootChoice);
      const rootChoice = elementById(signInPage.body, want.rootChoice) ?? '';
      expect(rootChoice).toMatch(/type="radio"/);
      expect(rootChoice).toMatch(/\schecked/);
      expect(labelTarget(signInPage.body, 'IAM user')).toBeDefined();
      expect(labelTarget(signInPage.body, 'Root user email address')).toBe(want.email);
      expect(elementById(signInPage.body, want.email)).toMatch(/type="email"[^>]*name="email"/);
      expect(buttonTexts(signInPage.body)).toContain('Next');
      if (want.next) expect(elementById(signInPage.body, want.next)).toMatch(/<button/);
      else expect(ids(signInPage.body).some((id) => /next/i.test(id))).toBe(false);

      const password = await enterEmail(browser, sim, ROOT.email);
      expect(labelTarget(password.body, 'Password')).toBe('password');
      expect(elementById(password.body, 'password')).toMatch(/type="password"/);
      expect(elementById(password.body, want.signIn)).toMatch(/<button[^>]*>/);
      expect(buttonTexts(password.body)).toContain('Sign in');
      expect(elementById(password.body, want.forgot)).toMatch(/<a /);
      expect(password.body).toMatch(/>Forgot password\?<\/a>/);
    });
  }

  it('keeps one generation for the whole sign-in of one browser', async () => {
    const random = await startConsoleSim({ captcha: 'never', seed: 7 });
    try {
      random.addAccount(ROOT);
      const seen = new Set<string>();
      for (let i = 0; i < 8; i++) {
        const browser = new TestBrowser(random);
        const first = await browser.open(`${SIGNIN}/signin`);
        const generation =
          labelTarget(first.body, 'Root user email address') === 'resolving_input' ? 'old' : 'new';
        seen.add(generation);
        const password = await enterEmail(browser, random, ROOT.email);
        const signInId = generation === 'old' ? 'signin_button' : 'signinButton';
        expect(elementById(password.body, signInId)).toBeDefined();
      }
      expect(seen).toEqual(new Set(['old', 'new']));
    } finally {
      await random.close();
    }
  });

  it('a novel layout changes ids and order but keeps labels, headings and button texts', async () => {
    sim.setFaults({ layout: 'novel' });
    const browser = new TestBrowser(sim);
    const page = await browser.open(`${SIGNIN}/signin`);
    const known = Object.values(expected).flatMap((generation) => Object.values(generation));
    expect(ids(page.body).filter((id) => known.includes(id as never))).toEqual([]);
    expect(heading(page.body)).toBe('Sign in');
    const emailId = labelTarget(page.body, 'Root user email address');
    expect(elementById(page.body, emailId ?? '-')).toMatch(/name="email"/);
    expect(buttonTexts(page.body)).toContain('Next');
    // The button now comes before the field it submits.
    expect(page.body.indexOf('>Next</button>')).toBeLessThan(page.body.indexOf('name="email"'));

    const password = await enterEmail(browser, sim, ROOT.email);
    const passwordId = labelTarget(password.body, 'Password');
    expect(passwordId).not.toBe('password');
    expect(elementById(password.body, passwordId ?? '-')).toMatch(/type="password"/);
    const home = await browser.submit(`${SIGNIN}/signin/password`, { password: ROOT.password });
    expect(heading(home.body)).toBe('Console Home');
    expect(home.body).toMatch(/aria-label="Account menu"/);
  });
});
