import { type AccountId, isAccountId } from '../common/account-id';
import { E164_NUMBER } from '../common/phone-lines';

/** action_id / callback_id values: the contract between the Block Kit builders and the listeners. */
export const ACTION = {
  approve: 'teardown_approve',
  deny: 'teardown_deny',
  cancel: 'teardown_cancel',
  solve: 'captcha_solve',
  done: 'human_done',
  retry: 'human_retry',
  abort: 'human_abort',
  showPin: 'phone_show_pin',
  enterCode: 'phone_enter_code',
} as const;

export const VIEW = { captcha: 'captcha_answer', phoneCode: 'phone_code' } as const;

/** The CAPTCHA modal's input, named so the submission handler (and its errors) can point at it. */
export const CAPTCHA_INPUT = { block: 'captcha', action: 'answer' } as const;

/** The phone-code modal's one input. */
export const PHONE_CODE_INPUT = { block: 'phone_code', action: 'code' } as const;

/**
 * What a button stands for: the account, the teardown (so a stale button never acts on a newer teardown of
 * the same account) and, for prompts, the version of the wait it answers.
 */
export interface ButtonRef {
  accountId: AccountId;
  teardownId: string;
  version?: number;
}

export function encodeRef(ref: ButtonRef): string {
  return [ref.accountId, ref.teardownId, ...(ref.version === undefined ? [] : [String(ref.version)])].join(
    ':',
  );
}

export function decodeRef(value: unknown): ButtonRef | undefined {
  if (typeof value !== 'string') return undefined;
  const [accountId, teardownId, version, ...rest] = value.split(':');
  if (!isAccountId(accountId) || !teardownId || rest.length > 0) return undefined;
  if (version === undefined) return { accountId, teardownId };
  const n = Number(version);
  return Number.isInteger(n) && n > 0 ? { accountId, teardownId, version: n } : undefined;
}

/** A CAPTCHA challenge the browser worker holds a page open for (see CaptchaChallenges): its Solve button. */
export interface ChallengeRef {
  accountId: AccountId;
  teardownId: string;
  challengeId: string;
}

/** Slack's limit on a button's value. */
const MAX_BUTTON_VALUE = 2000;
/** Starts every challenge ref: `decodeRef` never takes it (no account id), and a wait's ref never starts so. */
const CHALLENGE_PREFIX = 'c';

function decodePart(part: string | undefined): string | undefined {
  if (!part) return undefined;
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/**
 * `c:<account>:<teardown>:<challenge>`, ids percent-encoded so that any id stays one part. A RangeError when the
 * ids are too long for a button (Slack would refuse the message).
 */
export function encodeChallengeRef(ref: ChallengeRef): string {
  const value = [
    CHALLENGE_PREFIX,
    ref.accountId,
    encodeURIComponent(ref.teardownId),
    encodeURIComponent(ref.challengeId),
  ].join(':');
  if (value.length > MAX_BUTTON_VALUE) {
    throw new RangeError(
      `A challenge ref is ${value.length} characters; a button value holds ${MAX_BUTTON_VALUE}.`,
    );
  }
  return value;
}

export function decodeChallengeRef(value: unknown): ChallengeRef | undefined {
  if (typeof value !== 'string' || value.length > MAX_BUTTON_VALUE) return undefined;
  const [prefix, accountId, teardownPart, challengePart, ...rest] = value.split(':');
  if (prefix !== CHALLENGE_PREFIX || !isAccountId(accountId) || rest.length > 0) return undefined;
  const teardownId = decodePart(teardownPart);
  const challengeId = decodePart(challengePart);
  return teardownId && challengeId ? { accountId, teardownId, challengeId } : undefined;
}

/**
 * Carried in the CAPTCHA modal's private_metadata: what it answers (a pipeline wait by its version, or a
 * challenge a browser page waits on) and which prompt to rewrite.
 */
export type CaptchaMeta = {
  accountId: AccountId;
  teardownId: string;
  channel: string;
  promptTs: string;
} & ({ version: number; challengeId?: undefined } | { challengeId: string; version?: undefined });

export function encodeCaptchaMeta(meta: CaptchaMeta): string {
  return JSON.stringify(meta);
}

export function decodeCaptchaMeta(text: string): CaptchaMeta | undefined {
  let meta: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object') return undefined;
    meta = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { accountId, teardownId, version, challengeId, channel, promptTs } = meta;
  if (typeof channel !== 'string' || typeof promptTs !== 'string' || typeof teardownId !== 'string') {
    return undefined;
  }
  const place = { channel, promptTs };
  // Exactly one of the two: a form naming both (or neither) was not made by this bot.
  if (challengeId !== undefined) {
    if (version !== undefined || typeof challengeId !== 'string' || challengeId === '') return undefined;
    if (!isAccountId(accountId) || teardownId === '') return undefined;
    return { accountId, teardownId, challengeId, ...place };
  }
  if (typeof version !== 'number') return undefined;
  const ref = decodeRef(`${accountId}:${teardownId}:${version}`);
  if (!ref?.version) return undefined;
  return { accountId: ref.accountId, teardownId: ref.teardownId, version: ref.version, ...place };
}

/**
 * A phone verification a person takes on their own phone: the teardown that leased the line, and the line
 * (E.164). Never the PIN or the code: the bot reads those from the line's lease when the person asks.
 */
export interface PhoneRef {
  accountId: AccountId;
  teardownId: string;
  line: string;
}

/** Starts every phone ref, so that neither `decodeRef` nor `decodeChallengeRef` takes it. */
const PHONE_PREFIX = 'p';

/** `p:<account>:<teardown>:<line>`, the teardown id percent-encoded; a RangeError when too long for a button. */
export function encodePhoneRef(ref: PhoneRef): string {
  const value = [
    PHONE_PREFIX,
    ref.accountId,
    encodeURIComponent(ref.teardownId),
    encodeURIComponent(ref.line),
  ].join(':');
  if (value.length > MAX_BUTTON_VALUE) {
    throw new RangeError(
      `A phone ref is ${value.length} characters; a button value holds ${MAX_BUTTON_VALUE}.`,
    );
  }
  return value;
}

export function decodePhoneRef(value: unknown): PhoneRef | undefined {
  if (typeof value !== 'string' || value.length > MAX_BUTTON_VALUE) return undefined;
  const [prefix, accountId, teardownPart, linePart, ...rest] = value.split(':');
  if (prefix !== PHONE_PREFIX || !isAccountId(accountId) || rest.length > 0) return undefined;
  const teardownId = decodePart(teardownPart);
  const line = decodePart(linePart);
  return teardownId && line && E164_NUMBER.test(line) ? { accountId, teardownId, line } : undefined;
}

/** Carried in the phone-code modal's private_metadata: the verification, and where to answer the person. */
export interface PhoneCodeMeta extends PhoneRef {
  channel: string;
  threadTs?: string;
}

export function encodePhoneCodeMeta(meta: PhoneCodeMeta): string {
  return JSON.stringify(meta);
}

export function decodePhoneCodeMeta(text: string): PhoneCodeMeta | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const { accountId, teardownId, line, channel, threadTs } = parsed as Record<string, unknown>;
  if (typeof channel !== 'string' || channel === '') return undefined;
  if (threadTs !== undefined && (typeof threadTs !== 'string' || threadTs === '')) return undefined;
  if (!isAccountId(accountId) || typeof teardownId !== 'string' || teardownId === '') return undefined;
  if (typeof line !== 'string' || !E164_NUMBER.test(line)) return undefined;
  return { accountId, teardownId, line, channel, ...(threadTs ? { threadTs } : {}) };
}
