import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { newCaptchaAnswer } from './captcha';
import type {
  AccountOptions,
  CaptchaRecord,
  ConsoleSimFaults,
  Generation,
  PhoneNetwork,
  RecordedRequest,
  SentTextMessage,
  SimAccount,
  SimMail,
  SpokenCode,
} from './types';

// Everything the simulated AWS remembers: accounts, sign-in progress, CAPTCHA challenges, sessions, reset tokens,
// mails and requests.

export type FlowStage =
  | 'email'
  | 'password'
  | 'interstitial'
  | 'mfa'
  | 'mfa-assign'
  | 'mfa-setup'
  | 'mailed-code';

/** One browser's way through sign-in (its own cookie): which email, which step, which page generation. */
export interface SignInFlow {
  id: string;
  generation: Generation;
  expiresAt: number;
  stage: FlowStage;
  accountId?: string;
  redirectUri?: string;
  recoveryOutcome?: 'sent' | 'disabled';
  pendingMfaKey?: string;
  mailedCode?: { code: string; expiresAt: number; used: boolean };
  interstitialPassed?: boolean;
  /** Whether this sign-in meets the unknown page by `interstitialRate` (rolled once). */
  interstitialDue?: boolean;
}

export type CaptchaPurpose = 'signin' | 'recovery' | 'identity';

export interface Challenge {
  id: string;
  answer: string;
  /** The browser it was made for: its sign-in flow id, or `sessionKey(…)` on pages behind the root session. */
  flowId: string;
  purpose: CaptchaPurpose;
  /** Origin of the page around the iframe, where the pass token is posted. */
  parentOrigin: string;
  shownAt?: number;
  state: 'open' | 'solved' | 'failed' | 'replaced';
}

interface PassToken {
  flowId: string;
  purpose: CaptchaPurpose;
  expiresAt: number;
  used: boolean;
}

interface Session {
  accountId: string;
  expiresAt: number;
  /** The id generation of the sign-in that opened it: the pages behind the session keep it. */
  generation: Generation;
}

/** The identity step of the sign-up wizard in progress for an account. */
export type PhoneAttempt =
  | { kind: 'pin'; number: string; pin: string; status: 'calling' | 'verified' | 'failed' }
  | { kind: 'code'; channel: 'sms' | 'voice'; number: string; code: string };

/** The contact details the sign-up wizard took (the billing page offers them as the card's address). */
export interface ContactDetails {
  fullName: string;
  address: string;
  city: string;
  state: string;
  postalCode: string;
  country: string;
}

/** What a CAPTCHA challenge made for a page behind the root session belongs to. */
export function sessionKey(sessionId: string): string {
  return `session:${sessionId}`;
}

interface ResetToken {
  accountId: string;
  expiresAt: number;
  used: boolean;
}

export const FLOW_TTL_MS = 60 * 60 * 1000;
const PASS_TOKEN_TTL_MS = 5 * 60 * 1000;
const MAILED_CODE_TTL_MS = 15 * 60 * 1000;

/** mulberry32: small, fast and repeatable, which is all the simulator's dice need. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function newId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class SimState {
  readonly accounts = new Map<string, SimAccount>();
  readonly flows = new Map<string, SignInFlow>();
  readonly challenges = new Map<string, Challenge>();
  private readonly passTokens = new Map<string, PassToken>();
  private readonly sessions = new Map<string, Session>();
  private readonly resetTokens = new Map<string, ResetToken>();
  /** Sign-in attempts per email (lower case), for the "every third attempt" CAPTCHA policy. */
  private readonly attemptsByEmail = new Map<string, number>();
  /** Emails whose CAPTCHA was asked for and not yet solved: asking again without solving it gets no further. */
  private readonly captchaOwed = new Set<string>();
  readonly mails: SimMail[] = [];
  readonly mailListeners = new Set<(mail: SimMail) => void>();
  readonly requests: RecordedRequest[] = [];
  readonly phoneAttempts = new Map<string, PhoneAttempt>();
  readonly contactDetails = new Map<string, ContactDetails>();
  readonly spokenCodes: SpokenCode[] = [];
  readonly textMessages: SentTextMessage[] = [];
  phoneNetwork: PhoneNetwork | undefined;
  /** Page-load time the simulator added (`pageLoadMs`), in all. */
  injectedPageWaitMs = 0;
  private readonly signingKey = randomBytes(32);

  constructor(
    readonly faults: ConsoleSimFaults,
    readonly settings: {
      generation: Generation | 'random';
      resetTokenTtlMs: number;
      sessionTtlMs: number;
      clock: () => number;
      random: () => number;
      phoneListenMs: number;
    },
  ) {}

  now(): number {
    return this.settings.clock();
  }

  // Accounts

  addAccount(options: AccountOptions): SimAccount {
    const done = options.signupDone ?? false;
    const needsAgreement = options.needsAgreement ?? false;
    const account: SimAccount = {
      accountId: options.accountId,
      email: options.email,
      password: options.password,
      afterPassword: options.afterPassword ?? 'straight-in',
      passwordRecoveryAllowed: options.passwordRecoveryAllowed ?? true,
      mfaKey: undefined,
      verification: options.verification ?? 'pin',
      needsAgreement,
      joinedAt: options.joinedAt ?? this.now(),
      signup: {
        contact: done,
        payment: done,
        phone: done,
        support: done,
        agreement: done && !needsAgreement,
      },
      closeLayout: options.closeLayout,
      cardLast4: undefined,
      cardExpiry: undefined,
      supportPlan: done ? 'basic' : undefined,
      verifiedPhone: undefined,
      closed: false,
      closedAt: undefined,
      removed: false,
    };
    this.accounts.set(account.accountId, account);
    this.phoneAttempts.delete(account.accountId);
    this.contactDetails.delete(account.accountId);
    return account;
  }

  accountByEmail(email: string): SimAccount | undefined {
    const wanted = email.trim().toLowerCase();
    if (!wanted) return undefined;
    return [...this.accounts.values()].find((account) => account.email.toLowerCase() === wanted);
  }

  // Sign-in flows

  flow(id: string | undefined): SignInFlow | undefined {
    if (!id) return undefined;
    const flow = this.flows.get(id);
    if (!flow || flow.expiresAt <= this.now()) return undefined;
    flow.expiresAt = this.now() + FLOW_TTL_MS;
    return flow;
  }

  newFlow(): SignInFlow {
    const generation = this.chooseGeneration();
    const flow: SignInFlow = { id: newId(), generation, expiresAt: this.now() + FLOW_TTL_MS, stage: 'email' };
    this.flows.set(flow.id, flow);
    return flow;
  }

  /** Counts a sign-in attempt for the email and says whether it must pass a CAPTCHA first. */
  signInNeedsCaptcha(email: string): boolean {
    const key = email.trim().toLowerCase();
    if (this.faults.captcha === 'never') return false;
    if (this.captchaOwed.has(key)) return true;
    const attempts = (this.attemptsByEmail.get(key) ?? 0) + 1;
    this.attemptsByEmail.set(key, attempts);
    const needed = this.faults.captcha === 'always' || attempts % 3 === 0;
    if (needed) this.captchaOwed.add(key);
    return needed;
  }

  captchaPassed(email: string): void {
    this.captchaOwed.delete(email.trim().toLowerCase());
  }

  // CAPTCHA

  newChallenge(flowId: string, purpose: CaptchaPurpose, parentOrigin: string): Challenge {
    const challenge: Challenge = {
      id: newId(12),
      answer: newCaptchaAnswer(this.settings.random),
      flowId,
      purpose,
      parentOrigin,
      state: 'open',
    };
    this.challenges.set(challenge.id, challenge);
    return challenge;
  }

  /** Marks the challenge shown; any other open challenge of the same browser and purpose is over. */
  showChallenge(challenge: Challenge): void {
    if (challenge.shownAt === undefined) challenge.shownAt = this.now();
    for (const other of this.challenges.values()) {
      if (
        other !== challenge &&
        other.state === 'open' &&
        other.flowId === challenge.flowId &&
        other.purpose === challenge.purpose
      ) {
        other.state = 'replaced';
      }
    }
  }

  /** What the image URL carries so that it only works for the browser the challenge was made for. */
  imageSignature(challenge: Challenge): string {
    return createHmac('sha256', this.signingKey)
      .update(`${challenge.id}:${challenge.flowId}`)
      .digest('base64url')
      .slice(0, 22);
  }

  issuePassToken(challenge: Challenge): string {
    const token = newId(24);
    this.passTokens.set(token, {
      flowId: challenge.flowId,
      purpose: challenge.purpose,
      expiresAt: this.now() + PASS_TOKEN_TTL_MS,
      used: false,
    });
    return token;
  }

  /** Spends a pass token: true once, for the browser and purpose it was issued for. */
  redeemPassToken(token: string, flowId: string, purpose: CaptchaPurpose): boolean {
    const pass = this.passTokens.get(token);
    if (!pass || pass.used || pass.expiresAt <= this.now()) return false;
    if (pass.flowId !== flowId || pass.purpose !== purpose) return false;
    pass.used = true;
    return true;
  }

  captchaRecords(): CaptchaRecord[] {
    return [...this.challenges.values()]
      .filter((challenge) => challenge.shownAt !== undefined)
      .map((challenge) => ({
        id: challenge.id,
        answer: challenge.answer,
        shownAt: challenge.shownAt ?? 0,
        solved: challenge.state === 'solved',
      }));
  }

  latestOpenCaptchaAnswer(): string | undefined {
    let latest: Challenge | undefined;
    for (const challenge of this.challenges.values()) {
      if (challenge.state !== 'open' || challenge.shownAt === undefined) continue;
      // Later insertion wins ties: challenges shown within the same millisecond.
      if (!latest || challenge.shownAt >= (latest.shownAt ?? 0)) latest = challenge;
    }
    return latest?.answer;
  }

  // Sessions

  newSession(accountId: string, generation: Generation): string {
    const id = newId(32);
    this.sessions.set(id, { accountId, expiresAt: this.now() + this.settings.sessionTtlMs, generation });
    return id;
  }

  sessionAccount(id: string | undefined): SimAccount | undefined {
    return this.liveSession(id)?.account;
  }

  /** The account and id generation of a session that has not expired. */
  liveSession(id: string | undefined): { account: SimAccount; generation: Generation } | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session || session.expiresAt <= this.now()) return undefined;
    const account = this.accounts.get(session.accountId);
    return account ? { account, generation: session.generation } : undefined;
  }

  /** The generation a new session gets when no sign-in flow chose one (the simulator's own setting). */
  chooseGeneration(): Generation {
    const chosen = this.settings.generation;
    return chosen === 'random' ? (this.settings.random() < 0.5 ? 'old' : 'new') : chosen;
  }

  endSession(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  expireSessions(): void {
    this.sessions.clear();
  }

  // Password reset

  newResetToken(accountId: string): string {
    const token = newId(48);
    this.resetTokens.set(token, {
      accountId,
      expiresAt: this.now() + this.settings.resetTokenTtlMs,
      used: false,
    });
    return token;
  }

  /** The account a reset token may still change, if any. */
  resetTokenAccount(token: string): SimAccount | undefined {
    const entry = this.resetTokens.get(token);
    if (!entry || entry.used || this.faults.expiredTokens || entry.expiresAt <= this.now()) return undefined;
    return this.accounts.get(entry.accountId);
  }

  spendResetToken(token: string): void {
    const entry = this.resetTokens.get(token);
    if (entry) entry.used = true;
  }

  // Mailed sign-in codes

  newMailedCode(): { code: string; expiresAt: number; used: boolean } {
    return {
      code: String(randomInt(0, 1_000_000)).padStart(6, '0'),
      expiresAt: this.now() + MAILED_CODE_TTL_MS,
      used: false,
    };
  }

  // Mail

  deliver(mail: SimMail): void {
    this.mails.push(mail);
    for (const listener of this.mailListeners) {
      try {
        listener(mail);
      } catch (error) {
        console.error('console sim: a mail listener failed', error);
      }
    }
  }
}
