import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ConsoleSim, type SimMail, startConsoleSim } from '../../../sim/console';
import {
  alertText,
  attribute,
  buttonTexts,
  captchaFrameUrl,
  elementById,
  enterEmail,
  heading,
  labelTarget,
  mailParts,
  manualClock,
  resetLinkOf,
  SIGNIN,
  signIn,
  solveCaptcha,
  TestBrowser,
  textOf,
} from './helpers';

const ROOT = { accountId: '111122223333', email: 'root@example.com' };
const NEW_PASSWORD = 'Fresh-Passw0rd';

const clock = manualClock();
let sim: ConsoleSim;

beforeAll(async () => {
  sim = await startConsoleSim({ captcha: 'sometimes', generation: 'old', clock: clock.now });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.setFaults({ expiredTokens: false, promotionalMailFirst: false, captcha: 'sometimes' });
  sim.setGeneration('old');
  sim.addAccount(ROOT);
});

/** "Forgot password?" with the CAPTCHA solved: the dialog's final state. */
async function recoverPassword(browser: TestBrowser): Promise<string> {
  const password = await enterEmail(browser, sim, ROOT.email);
  const forgot = /<a id="[^"]*" href="([^"]+)">Forgot password\?<\/a>/.exec(password.body)?.[1];
  const dialog = await browser.open(`${SIGNIN}${forgot}`);
  const frameUrl = captchaFrameUrl(dialog.body);
  if (!frameUrl) throw new Error('no CAPTCHA in the recovery dialog');
  const captchaToken = await solveCaptcha(browser, sim, frameUrl);
  return (await browser.submit(`${SIGNIN}/signin/recovery`, { captchaToken })).body;
}

function lastMail(kind: SimMail['kind']): SimMail {
  const mail = sim
    .mails()
    .filter((candidate) => candidate.kind === kind)
    .at(-1);
  if (!mail) throw new Error(`no ${kind} mail`);
  return mail;
}

describe('password recovery dialog', () => {
  it('asks for a CAPTCHA in a dialog, then says the mail went out with a Done button', async () => {
    const browser = new TestBrowser(sim);
    const password = await enterEmail(browser, sim, ROOT.email);
    // The dialog is on the page, closed, until the link opens it.
    expect(password.body).toMatch(/role="dialog"[^>]*aria-labelledby="password_recovery_heading"[^>]*hidden/);
    const dialog = await browser.open(`${SIGNIN}/signin/password?recovery=1`);
    expect(textOf(dialog.body, 'h2')).toBe('Password recovery');
    expect(dialog.body).toContain(
      'Enter the characters shown below to receive an email with instructions for resetting your password.',
    );
    expect(captchaFrameUrl(dialog.body)).toMatch(
      /^https:\/\/us-east-1\.signin\.aws\.amazon\.com\/captcha\/challenge\?c=/,
    );

    const before = sim.mails().length;
    const sent = await recoverPassword(browser);
    expect(textOf(sent, 'h2')).toBe('Password recovery request sent');
    expect(sent).toContain(
      'We sent an email to r***@example.com with instructions for resetting your password.',
    );
    expect(elementById(sent, 'password_recovery_done_button')).toMatch(/<button/);
    expect(buttonTexts(sent)).toContain('Done');
    expect(sim.mails()).toHaveLength(before + 1);
  });

  it('cannot be passed without solving the CAPTCHA', async () => {
    const browser = new TestBrowser(sim);
    await enterEmail(browser, sim, ROOT.email);
    const before = sim.mails().length;
    for (const captchaToken of ['', 'made-up-token']) {
      const page = await browser.submit(`${SIGNIN}/signin/recovery`, { captchaToken });
      expect(textOf(page.body, 'h2')).toBe('Password recovery');
      expect(captchaFrameUrl(page.body)).toBeDefined();
    }
    expect(sim.mails()).toHaveLength(before);
  });

  it('refuses recovery where the organization keeps root passwords off, and sends no mail', async () => {
    sim.addAccount({ ...ROOT, passwordRecoveryAllowed: false });
    const before = sim.mails().length;
    const page = await recoverPassword(new TestBrowser(sim));
    expect(alertText(page)).toBe('Password recovery is disabled for this account.');
    expect(sim.mails()).toHaveLength(before);
  });

  it('sends the mail straight away when CAPTCHAs are off', async () => {
    sim.setFaults({ captcha: 'never' });
    const browser = new TestBrowser(sim);
    await enterEmail(browser, sim, ROOT.email);
    const page = await browser.open(`${SIGNIN}/signin/password?recovery=1`);
    expect(textOf(page.body, 'h2')).toBe('Password recovery request sent');
    expect(lastMail('reset').to).toBe(ROOT.email);
  });
});

describe('reset mail', () => {
  it('looks like what SES stores: AWS sender, verdict headers, quoted-printable parts with the link', async () => {
    const delivered: SimMail[] = [];
    const stop = sim.onMail((mail) => delivered.push(mail));
    await recoverPassword(new TestBrowser(sim));
    stop();
    const mail = lastMail('reset');
    expect(delivered).toEqual([mail]);
    expect(mail.to).toBe(ROOT.email);
    expect(mail.from).toBe('"Amazon Web Services" <no-reply@signin.aws>');
    expect(mail.subject).toBe('Amazon Web Services Password Assistance');

    const [head = '', ...body] = mail.raw.split('\r\n\r\n');
    for (const header of [
      'From: "Amazon Web Services" <no-reply@signin.aws>',
      `To: ${ROOT.email}`,
      'Subject: Amazon Web Services Password Assistance',
      'MIME-Version: 1.0',
      'X-SES-Spam-Verdict: PASS',
      'X-SES-Virus-Verdict: PASS',
    ]) {
      expect(head.split('\r\n')).toContain(header);
    }
    expect(head).toMatch(/^Date: .+ \+0000$/m);
    expect(head).toMatch(/^Message-ID: <[^>]+>$/m);
    expect(head).toMatch(/^Received-SPF: pass /m);
    expect(head).toMatch(/^Authentication-Results: amazonses.com;\r\n spf=pass [^\r]*\r\n dkim=pass /m);
    expect(head).toMatch(/dmarc=pass header\.from=signin\.aws;/);
    expect(head).toMatch(/^X-SES-RECEIPT: \S+$/m);
    expect(head).toMatch(/^X-SES-DKIM-SIGNATURE: /m);
    expect(head).toMatch(/^Content-Type: multipart\/alternative; boundary="[^"]+"$/m);

    const encoded = body.join('\r\n\r\n');
    expect(encoded.match(/Content-Transfer-Encoding: quoted-printable/g)).toHaveLength(2);
    // Long lines are soft-wrapped and "=" is escaped, so the raw link is not readable in one piece.
    expect(encoded).toContain('=\r\n');
    expect(encoded).toContain('type=3DRootUser');
    for (const line of mail.raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);

    const parts = mailParts(mail.raw);
    const link = resetLinkOf(mail);
    expect(link).toMatch(/^https:\/\/signin\.aws\.amazon\.com\/resetpassword\?type=RootUser&token=[\w-]+$/);
    expect(parts.get('text/html')).toContain(`${link}</a><br>`);
  });

  it('can come right after a promotional mail that has no reset link', async () => {
    sim.setFaults({ promotionalMailFirst: true });
    const before = sim.mails().length;
    await recoverPassword(new TestBrowser(sim));
    const [promotion, reset] = sim.mails().slice(before);
    expect(promotion?.kind).toBe('promotion');
    expect(promotion?.subject).toBe('Welcome to Amazon Web Services');
    expect(promotion?.raw).not.toContain('resetpassword');
    expect(mailParts(promotion?.raw ?? '').get('text/plain')).toContain('https://aws.amazon.com/');
    expect(reset?.kind).toBe('reset');
  });
});

describe('reset page', () => {
  async function freshLink(): Promise<string> {
    await recoverPassword(new TestBrowser(sim));
    return resetLinkOf(lastMail('reset'));
  }

  for (const [generation, newId, confirmId, submitId] of [
    ['old', 'new_password', 'confirm_password', 'reset_password_submit'],
    ['new', 'newPassword', 'confirmNewPassword', 'resetPasswordSubmit'],
  ] as const) {
    it(`sets the new password (${generation} ids), once`, async () => {
      const link = await freshLink();
      sim.setGeneration(generation);
      const browser = new TestBrowser(sim);
      const page = await browser.open(link);
      expect(heading(page.body)).toBe('Reset password');
      expect(labelTarget(page.body, 'New password')).toBe(newId);
      expect(labelTarget(page.body, 'Confirm new password')).toBe(confirmId);
      expect(elementById(page.body, submitId)).toMatch(/<button type="submit"/);
      expect(buttonTexts(page.body)).toContain('Reset password');

      const token = new URL(link).searchParams.get('token') ?? '';
      const form = { type: 'RootUser', token, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD };
      const done = await browser.submit(`${SIGNIN}/resetpassword`, form);
      const success = /<div aria-label="Success" role="status">[\s\S]*?<\/div>/.exec(done.body)?.[0] ?? '';
      expect(heading(success)).toBe('Password reset successful');
      expect(success).toContain('You can now sign in with your new password.');
      expect(success).toMatch(/<a href="\/signin">Sign in<\/a>/);
      expect(sim.account(ROOT.accountId)?.password).toBe(NEW_PASSWORD);

      const again = await browser.open(link);
      expect(heading(again.body)).toBe('Reset password');
      expect(alertText(again.body)).toBe(
        'This password reset link has expired or was already used. Request a new one.',
      );
      expect(again.body).not.toContain('<form');
      const reused = await browser.submit(`${SIGNIN}/resetpassword`, {
        ...form,
        newPassword: 'Other-Passw0rd',
      });
      expect(alertText(reused.body)).toMatch(/expired or was already used/);
      expect(sim.account(ROOT.accountId)?.password).toBe(NEW_PASSWORD);

      const signedIn = await signIn(new TestBrowser(sim), sim, ROOT.email, NEW_PASSWORD);
      expect(heading(signedIn.body)).toBe('Console Home');
    });
  }

  it('refuses passwords that break the rules, and keeps the link usable', async () => {
    const link = await freshLink();
    const token = new URL(link).searchParams.get('token') ?? '';
    const browser = new TestBrowser(sim);
    const attempts: Array<[string, string, RegExp]> = [
      ['Sh0rt!', 'Sh0rt!', /^Password does not meet the requirements: .*8 to 128/],
      [
        `Aa1${'x'.repeat(126)}`,
        `Aa1${'x'.repeat(126)}`,
        /^Password does not meet the requirements: .*8 to 128/,
      ],
      ['alllowercase1', 'alllowercase1', /^Password does not meet the requirements: .*three of/],
      ['ROOT@example.com', 'ROOT@example.com', /^Password does not meet the requirements: .*email/],
      [NEW_PASSWORD, `${NEW_PASSWORD}x`, /^Passwords do not match\.$/],
    ];
    for (const [newPassword, confirmPassword, message] of attempts) {
      const page = await browser.submit(`${SIGNIN}/resetpassword`, {
        type: 'RootUser',
        token,
        newPassword,
        confirmPassword,
      });
      expect(alertText(page.body)).toMatch(message);
      expect(heading(page.body)).toBe('Reset password');
      expect(attribute(/<input type="hidden" name="token"[^>]*>/.exec(page.body)?.[0] ?? '', 'value')).toBe(
        token,
      );
    }
    expect(sim.account(ROOT.accountId)?.password).toBeUndefined();
    const done = await browser.submit(`${SIGNIN}/resetpassword`, {
      type: 'RootUser',
      token,
      newPassword: 'lower-and-UPPER',
      confirmPassword: 'lower-and-UPPER',
    });
    expect(heading(done.body)).toBe('Password reset successful');
  });

  it('expires links after their lifetime, or at once with the expired-tokens fault', async () => {
    const link = await freshLink();
    clock.advance(61 * 60 * 1000);
    const late = await new TestBrowser(sim).open(link);
    expect(alertText(late.body)).toMatch(/expired or was already used/);

    const second = await freshLink();
    sim.setFaults({ expiredTokens: true });
    expect(alertText((await new TestBrowser(sim).open(second)).body)).toMatch(/expired or was already used/);
    sim.setFaults({ expiredTokens: false });
    expect(heading((await new TestBrowser(sim).open(second)).body)).toBe('Reset password');
    expect(alertText((await new TestBrowser(sim).open(second)).body)).toBeUndefined();
  });

  it('knows no made-up token', async () => {
    const page = await new TestBrowser(sim).open(`${SIGNIN}/resetpassword?type=RootUser&token=invented`);
    expect(alertText(page.body)).toMatch(/expired or was already used/);
  });
});
