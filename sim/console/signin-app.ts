import {
  challengeDocument,
  challengeGoneDocument,
  drawCaptchaSvg,
  pictureSeed,
  solvedDocument,
} from './captcha';
import { CAPTCHA_ORIGIN, CONSOLE_HOME_URL, isSignInTarget, SIGNIN_ORIGIN } from './hosts';
import { notFoundDocument, PageIds } from './html';
import {
  htmlResponse,
  plainResponse,
  redirectResponse,
  type SimRequest,
  type SimResponse,
  serializeCookie,
} from './http';
import { promotionMail, resetMail, signInCodeMail } from './mail';
import { maskEmail, passwordProblem } from './password-rules';
import {
  assignMfaPage,
  interstitialPage,
  mfaPage,
  type PageContext,
  passwordPage,
  type RecoveryDialog,
  resetDonePage,
  resetPasswordPage,
  setUpDevicePage,
  signInPage,
  verifyIdentityPage,
} from './signin-pages';
import {
  type Challenge,
  FLOW_TTL_MS,
  type SignInFlow,
  type SimState,
  sameText,
  seededRandom,
  sessionKey,
} from './state';
import { matchingStep, newTotpSecret, totpStep } from './totp';
import type { SimAccount } from './types';

// The sign-in app (signin.aws.amazon.com and its regional hosts) and the CAPTCHA iframe host.

export const FLOW_COOKIE = 'sim-signin';
export const SESSION_COOKIE = 'sim-session';
export const BANNER_COOKIE = 'awsccc';
const FLOW_COOKIE_DOMAIN = '.signin.aws.amazon.com';
const SESSION_COOKIE_DOMAIN = '.aws.amazon.com';

const TEXT = {
  unknownEmail:
    'There was an error. An AWS account with that sign-in information does not exist. Try again or create a new account.',
  iamUser: 'Sign-in as an IAM user is not part of this simulation. Choose Root user.',
  wrongPassword: 'Your authentication information is incorrect. Please try again.',
  badMfaCodes: 'The MFA codes you entered are not valid. Enter two consecutive codes.',
  badMailedCode: 'The code you entered is not valid.',
  chooseDevice: 'Choose Authenticator app: the other device types cannot be set up here.',
  deviceName: 'Enter a device name.',
  passwordsDiffer: 'Passwords do not match.',
};

/** The request's sign-in flow, and the cookie to set when it is a new one. */
function flowOf(state: SimState, req: SimRequest): { flow: SignInFlow; cookies: string[] } {
  const existing = state.flow(req.cookies.get(FLOW_COOKIE));
  if (existing) return { flow: existing, cookies: [] };
  const flow = state.newFlow();
  return {
    flow,
    cookies: [
      serializeCookie(FLOW_COOKIE, flow.id, {
        domain: FLOW_COOKIE_DOMAIN,
        maxAgeSeconds: FLOW_TTL_MS / 1000,
      }),
    ],
  };
}

function pageContext(state: SimState, req: SimRequest, flow: SignInFlow): PageContext {
  return {
    ids: new PageIds(flow.generation, state.faults.layout),
    cookieBanner: state.faults.cookieBanner && !req.cookies.has(BANNER_COOKIE),
  };
}

/** Where to go once signed in: the console (or billing portal) URL the sign-in was asked for, never anywhere else. */
function consoleTarget(redirectUri: string | null | undefined): string {
  if (!redirectUri) return CONSOLE_HOME_URL;
  try {
    const url = new URL(redirectUri);
    return url.protocol === 'https:' && isSignInTarget(url.hostname) && !url.port
      ? url.href
      : CONSOLE_HOME_URL;
  } catch {
    return CONSOLE_HOME_URL;
  }
}

function captchaSrc(challenge: Challenge): string {
  return `${CAPTCHA_ORIGIN}/captcha/challenge?c=${encodeURIComponent(challenge.id)}`;
}

export function resetLink(token: string): string {
  return `${SIGNIN_ORIGIN}/resetpassword?type=RootUser&token=${encodeURIComponent(token)}`;
}

class SignInApp {
  private readonly cookies: string[];
  private readonly flow: SignInFlow;
  private readonly context: PageContext;

  constructor(
    private readonly state: SimState,
    private readonly req: SimRequest,
  ) {
    const { flow, cookies } = flowOf(state, req);
    this.flow = flow;
    this.cookies = cookies;
    this.context = pageContext(state, req, flow);
  }

  handle(): SimResponse {
    const { method } = this.req;
    const path = this.req.url.pathname;
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /':
        return this.redirect('/signin');
      case 'GET /signin':
        return this.showSignIn();
      case 'POST /signin/resolve':
        return this.resolveEmail();
      case 'GET /signin/password':
        return this.showPassword();
      case 'POST /signin/password':
        return this.checkPassword();
      case 'POST /signin/recovery':
        return this.requestRecovery();
      case 'GET /signin/interstitial':
        return this.inStage('interstitial', () => this.page(interstitialPage(this.context)));
      case 'POST /signin/interstitial':
        return this.inStage('interstitial', () => {
          this.flow.interstitialPassed = true;
          return this.afterPassword();
        });
      case 'GET /signin/mfa':
        return this.inStage('mfa', () => this.page(mfaPage(this.context, {})));
      case 'POST /signin/mfa':
        return this.inStage('mfa', () => this.checkMfa());
      case 'GET /signin/mfa/assign':
        return this.showAssignMfa();
      case 'POST /signin/mfa/assign':
        return this.inStage('mfa-assign', () => this.chooseMfaDevice());
      case 'POST /signin/mfa/skip':
        return this.inStage('mfa-assign', () => this.skipMfa());
      case 'GET /signin/mfa/setup':
        return this.inStage('mfa-setup', () => this.showSetUpDevice());
      case 'POST /signin/mfa/setup':
        return this.inStage('mfa-setup', () => this.addMfa());
      case 'GET /signin/verify':
        return this.inStage('mailed-code', () => this.showVerifyIdentity());
      case 'POST /signin/verify':
        return this.inStage('mailed-code', () => this.checkMailedCode());
      case 'GET /resetpassword':
        return this.showReset();
      case 'POST /resetpassword':
        return this.resetPassword();
      default:
        // No cookie: a stray request (a favicon) must not replace the browser's sign-in in progress.
        return htmlResponse(notFoundDocument(), { status: 404 });
    }
  }

  private page(body: string, status = 200): SimResponse {
    return htmlResponse(body, { status, cookies: this.cookies });
  }

  private redirect(location: string, extraCookies: string[] = []): SimResponse {
    return redirectResponse(location, [...this.cookies, ...extraCookies]);
  }

  private account(): SimAccount | undefined {
    return this.flow.accountId ? this.state.accounts.get(this.flow.accountId) : undefined;
  }

  /** Runs `action` when the flow is at `stage` with an account; anything else starts over. */
  private inStage(stage: SignInFlow['stage'], action: (account: SimAccount) => SimResponse): SimResponse {
    const account = this.account();
    if (this.flow.stage !== stage || !account) return this.redirect('/signin');
    return action(account);
  }

  // Email

  private showSignIn(): SimResponse {
    const redirectUri = this.req.url.searchParams.get('redirect_uri');
    if (this.state.sessionAccount(this.req.cookies.get(SESSION_COOKIE))) {
      return this.redirect(consoleTarget(redirectUri));
    }
    Object.assign(this.flow, {
      stage: 'email',
      accountId: undefined,
      recoveryOutcome: undefined,
      pendingMfaKey: undefined,
      mailedCode: undefined,
    });
    if (redirectUri) this.flow.redirectUri = consoleTarget(redirectUri);
    return this.page(signInPage(this.context, {}));
  }

  private resolveEmail(): SimResponse {
    const { form } = this.req;
    const email = (form.get('email') ?? '').trim();
    if (form.get('userType') === 'iam')
      return this.page(signInPage(this.context, { email, error: TEXT.iamUser }));
    const account = this.state.accountByEmail(email);
    if (!account) return this.page(signInPage(this.context, { email, error: TEXT.unknownEmail }));
    const passToken = form.get('captchaToken') ?? '';
    const passed = passToken !== '' && this.state.redeemPassToken(passToken, this.flow.id, 'signin');
    if (passed) {
      this.state.captchaPassed(email);
    } else if (this.state.signInNeedsCaptcha(email)) {
      const challenge = this.state.newChallenge(this.flow.id, 'signin', `https://${this.req.host}`);
      return this.page(signInPage(this.context, { email, captchaSrc: captchaSrc(challenge) }));
    }
    Object.assign(this.flow, { stage: 'password', accountId: account.accountId, recoveryOutcome: undefined });
    return this.redirect('/signin/password');
  }

  // Password and recovery

  private recoveryChallengeSrc(): string | undefined {
    if (this.state.faults.captcha === 'never') return undefined;
    return captchaSrc(this.state.newChallenge(this.flow.id, 'recovery', `https://${this.req.host}`));
  }

  private showPassword(): SimResponse {
    return this.inStage('password', (account) => {
      const asked = this.req.url.searchParams.get('recovery');
      let recovery: RecoveryDialog;
      if (asked === '1') {
        const src = this.recoveryChallengeSrc();
        if (!src) return this.redirect(`/signin/password?recovery=${this.recover(account)}`);
        recovery = { state: 'captcha', captchaSrc: src };
      } else if (asked !== null && asked === this.flow.recoveryOutcome) {
        recovery =
          asked === 'sent' ? { state: 'sent', maskedEmail: maskEmail(account.email) } : { state: 'disabled' };
      } else {
        recovery = { state: 'closed', captchaSrc: this.recoveryChallengeSrc() };
      }
      return this.page(passwordPage(this.context, { email: account.email, recovery }));
    });
  }

  private checkPassword(): SimResponse {
    return this.inStage('password', (account) => {
      const typed = this.req.form.get('password') ?? '';
      if (account.password === undefined || !sameText(typed, account.password)) {
        return this.page(
          passwordPage(this.context, {
            email: account.email,
            error: TEXT.wrongPassword,
            recovery: { state: 'closed', captchaSrc: this.recoveryChallengeSrc() },
          }),
        );
      }
      this.flow.interstitialPassed = false;
      return this.afterPassword();
    });
  }

  private requestRecovery(): SimResponse {
    return this.inStage('password', (account) => {
      const passToken = this.req.form.get('captchaToken') ?? '';
      const captchaNeeded = this.state.faults.captcha !== 'never';
      if (captchaNeeded && !this.state.redeemPassToken(passToken, this.flow.id, 'recovery')) {
        return this.redirect('/signin/password?recovery=1');
      }
      return this.redirect(`/signin/password?recovery=${this.recover(account)}`);
    });
  }

  /** Sends the reset mail when the account allows recovery. */
  private recover(account: SimAccount): 'sent' | 'disabled' {
    const outcome = account.passwordRecoveryAllowed ? 'sent' : 'disabled';
    this.flow.recoveryOutcome = outcome;
    if (outcome === 'sent') {
      const promotional = this.state.faults.promotionalMailFirst;
      if (promotional === true || (promotional === 'sometimes' && this.state.settings.random() < 0.5)) {
        this.state.deliver(promotionMail(account.email, this.state.now()));
      }
      const token = this.state.newResetToken(account.accountId);
      this.state.deliver(resetMail(account.email, resetLink(token), this.state.now()));
    }
    return outcome;
  }

  // After the password

  private afterPassword(): SimResponse {
    const account = this.account();
    if (!account) return this.redirect('/signin');
    // A share of sign-ins meet the unknown page: decided once per sign-in, at its first password.
    this.flow.interstitialDue ??= this.state.settings.random() < this.state.faults.interstitialRate;
    if ((this.state.faults.interstitial || this.flow.interstitialDue) && !this.flow.interstitialPassed) {
      this.flow.stage = 'interstitial';
      return this.redirect('/signin/interstitial');
    }
    if (account.mfaKey) {
      this.flow.stage = 'mfa';
      return this.redirect('/signin/mfa');
    }
    switch (account.afterPassword) {
      case 'straight-in':
        return this.signedIn(account);
      case 'mfa-register-skippable':
      case 'mfa-register-forced':
        this.flow.stage = 'mfa-assign';
        return this.redirect('/signin/mfa/assign');
      case 'mailed-code':
        this.flow.stage = 'mailed-code';
        this.flow.mailedCode = undefined;
        return this.redirect('/signin/verify');
    }
  }

  private signedIn(account: SimAccount): SimResponse {
    const sessionId = this.state.newSession(account.accountId, this.flow.generation);
    const target = this.flow.redirectUri ?? CONSOLE_HOME_URL;
    Object.assign(this.flow, {
      stage: 'email',
      accountId: undefined,
      redirectUri: undefined,
      recoveryOutcome: undefined,
      pendingMfaKey: undefined,
      mailedCode: undefined,
    });
    const cookie = serializeCookie(SESSION_COOKIE, sessionId, {
      domain: SESSION_COOKIE_DOMAIN,
      maxAgeSeconds: Math.floor(this.state.settings.sessionTtlMs / 1000),
    });
    return this.redirect(target, [cookie]);
  }

  private checkMfa(): SimResponse {
    const account = this.account();
    const code = (this.req.form.get('mfaCode') ?? '').trim();
    const step = totpStep(this.state.now());
    if (account?.mfaKey && matchingStep(account.mfaKey, code, [step - 1, step, step + 1]) !== undefined) {
      return this.signedIn(account);
    }
    return this.page(mfaPage(this.context, { error: TEXT.wrongPassword }));
  }

  private showAssignMfa(): SimResponse {
    const account = this.account();
    if (!account || (this.flow.stage !== 'mfa-assign' && this.flow.stage !== 'mfa-setup')) {
      return this.redirect('/signin');
    }
    this.flow.stage = 'mfa-assign';
    return this.page(assignMfaPage(this.context, { skippable: this.skippable(account) }));
  }

  private skippable(account: SimAccount): boolean {
    return account.afterPassword === 'mfa-register-skippable';
  }

  private chooseMfaDevice(): SimResponse {
    const account = this.account();
    if (!account) return this.redirect('/signin');
    const deviceType = this.req.form.get('deviceType');
    const deviceName = (this.req.form.get('deviceName') ?? '').trim();
    const error =
      deviceType !== 'authenticator' ? TEXT.chooseDevice : deviceName === '' ? TEXT.deviceName : undefined;
    if (error) return this.page(assignMfaPage(this.context, { skippable: this.skippable(account), error }));
    this.flow.stage = 'mfa-setup';
    return this.redirect('/signin/mfa/setup');
  }

  private skipMfa(): SimResponse {
    const account = this.account();
    if (!account || !this.skippable(account)) return this.redirect('/signin/mfa/assign');
    return this.signedIn(account);
  }

  private showSetUpDevice(): SimResponse {
    this.flow.pendingMfaKey = newTotpSecret();
    return this.page(setUpDevicePage(this.context, { secretKey: this.flow.pendingMfaKey }));
  }

  private addMfa(): SimResponse {
    const account = this.account();
    const secretKey = this.flow.pendingMfaKey;
    if (!account || !secretKey) return this.redirect('/signin/mfa/setup');
    const code1 = (this.req.form.get('mfaCode1') ?? '').trim();
    const code2 = (this.req.form.get('mfaCode2') ?? '').trim();
    const now = totpStep(this.state.now());
    const first = matchingStep(secretKey, code1, [now - 1, now]);
    const second = first === undefined ? undefined : matchingStep(secretKey, code2, [first + 1]);
    if (second === undefined) {
      return this.page(setUpDevicePage(this.context, { secretKey, error: TEXT.badMfaCodes }));
    }
    account.mfaKey = secretKey;
    return this.signedIn(account);
  }

  private showVerifyIdentity(): SimResponse {
    const account = this.account();
    if (!account) return this.redirect('/signin');
    const current = this.flow.mailedCode;
    if (!current || current.used || current.expiresAt <= this.state.now()) {
      const mailed = this.state.newMailedCode();
      this.flow.mailedCode = mailed;
      this.state.deliver(signInCodeMail(account.email, mailed.code, this.state.now()));
    }
    return this.page(verifyIdentityPage(this.context, { maskedEmail: maskEmail(account.email) }));
  }

  private checkMailedCode(): SimResponse {
    const account = this.account();
    if (!account) return this.redirect('/signin');
    const typed = (this.req.form.get('code') ?? '').trim();
    const mailed = this.flow.mailedCode;
    if (mailed && !mailed.used && mailed.expiresAt > this.state.now() && sameText(typed, mailed.code)) {
      mailed.used = true;
      return this.signedIn(account);
    }
    return this.page(
      verifyIdentityPage(this.context, { maskedEmail: maskEmail(account.email), error: TEXT.badMailedCode }),
    );
  }

  // Reset

  private showReset(): SimResponse {
    const token = this.req.url.searchParams.get('token') ?? '';
    const type = this.req.url.searchParams.get('type') ?? 'RootUser';
    if (!this.state.resetTokenAccount(token)) {
      return this.page(resetPasswordPage(this.context, { expired: true }));
    }
    return this.page(resetPasswordPage(this.context, { token, type }));
  }

  private resetPassword(): SimResponse {
    const { form } = this.req;
    const token = form.get('token') ?? '';
    const type = form.get('type') ?? 'RootUser';
    const account = this.state.resetTokenAccount(token);
    if (!account) return this.page(resetPasswordPage(this.context, { expired: true }));
    const newPassword = form.get('newPassword') ?? '';
    const problem = passwordProblem(newPassword, account.email);
    const error = problem
      ? `Password does not meet the requirements: ${problem}`
      : newPassword !== (form.get('confirmPassword') ?? '')
        ? TEXT.passwordsDiffer
        : undefined;
    if (error) return this.page(resetPasswordPage(this.context, { token, type, error }));
    account.password = newPassword;
    this.state.spendResetToken(token);
    return this.page(resetDonePage(this.context));
  }
}

export function handleSignIn(state: SimState, req: SimRequest): SimResponse {
  return new SignInApp(state, req).handle();
}

// CAPTCHA host

/**
 * The challenge named in the request, when it belongs to the browser asking: its sign-in cookie, or for the
 * sign-up wizard's challenges its root session cookie.
 */
function ownChallenge(state: SimState, req: SimRequest, id: string | null): Challenge | undefined {
  const challenge = id ? state.challenges.get(id) : undefined;
  if (!challenge) return undefined;
  const flow = state.flow(req.cookies.get(FLOW_COOKIE));
  if (flow && challenge.flowId === flow.id) return challenge;
  const sessionId = req.cookies.get(SESSION_COOKIE);
  if (sessionId && state.sessionAccount(sessionId) && challenge.flowId === sessionKey(sessionId))
    return challenge;
  return undefined;
}

function showChallenge(state: SimState, challenge: Challenge, wrongBefore: boolean): SimResponse {
  state.showChallenge(challenge);
  const imageUrl = `/captcha/image?c=${encodeURIComponent(challenge.id)}&sig=${state.imageSignature(challenge)}`;
  return htmlResponse(challengeDocument({ challengeId: challenge.id, imageUrl, wrongBefore }));
}

function replaceChallenge(state: SimState, old: Challenge): Challenge {
  return state.newChallenge(old.flowId, old.purpose, old.parentOrigin);
}

export function handleCaptcha(state: SimState, req: SimRequest): SimResponse {
  const route = `${req.method} ${req.url.pathname}`;
  const gone = () => htmlResponse(challengeGoneDocument(), { status: 403 });
  switch (route) {
    case 'GET /captcha/challenge': {
      const challenge = ownChallenge(state, req, req.url.searchParams.get('c'));
      if (challenge?.state !== 'open') return gone();
      if (req.url.searchParams.get('refresh') === '1') {
        challenge.state = 'replaced';
        const fresh = replaceChallenge(state, challenge);
        return redirectResponse(`/captcha/challenge?c=${encodeURIComponent(fresh.id)}`);
      }
      return showChallenge(state, challenge, false);
    }
    case 'POST /captcha/challenge': {
      const challenge = ownChallenge(state, req, req.form.get('c'));
      if (challenge?.state !== 'open') return gone();
      const guess = (req.form.get('captchaGuess') ?? '').trim();
      const refused = state.settings.random() < state.faults.wrongAnswerRate;
      if (sameText(guess, challenge.answer) && !refused) {
        challenge.state = 'solved';
        const passToken = state.issuePassToken(challenge);
        return htmlResponse(solvedDocument({ passToken, parentOrigin: challenge.parentOrigin }));
      }
      challenge.state = 'failed';
      return showChallenge(state, replaceChallenge(state, challenge), true);
    }
    case 'GET /captcha/image': {
      const challenge = ownChallenge(state, req, req.url.searchParams.get('c'));
      const sig = req.url.searchParams.get('sig') ?? '';
      if (!challenge || !sameText(sig, state.imageSignature(challenge))) {
        return plainResponse(403, 'text/plain; charset=utf-8', 'Forbidden');
      }
      const svg = drawCaptchaSvg(challenge.answer, seededRandom(pictureSeed(challenge.id)));
      return plainResponse(200, 'image/svg+xml', svg);
    }
    default:
      return htmlResponse(notFoundDocument(), { status: 404 });
  }
}

// The older sign-up page's in-page CAPTCHA pictures (an S3 host of AWS's): no cookies reach it, the signature in
// the URL is what makes it this browser's picture.

export function handleCaptchaImage(state: SimState, req: SimRequest): SimResponse {
  const match = /^\/captcha\/([\w-]+)\.svg$/.exec(req.url.pathname);
  const challenge = match?.[1] ? state.challenges.get(match[1]) : undefined;
  const sig = req.url.searchParams.get('sig') ?? '';
  if (req.method !== 'GET' || !challenge || !sameText(sig, state.imageSignature(challenge))) {
    return plainResponse(
      403,
      'application/xml',
      '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
    );
  }
  const svg = drawCaptchaSvg(challenge.answer, seededRandom(pictureSeed(challenge.id)));
  return plainResponse(200, 'image/svg+xml', svg);
}
