import type { AccountId } from '../../common/account-id';

/**
 * A CAPTCHA the solver service could not read, shown to people in the teardown's thread. The picture is stored
 * elsewhere; `imageRef` names it (an S3 key).
 */
export interface CaptchaChallenge {
  id: string;
  accountId: AccountId;
  teardownId: string;
  imageRef: string;
  createdAt: number;
  /** Answers are taken until then. */
  expiresAt: number;
  /** `closed` also follows `answered` once the step went on: who answered stays, the answer itself goes. */
  status: 'open' | 'answered' | 'closed';
  /** A secret-ish value: never logged, shown or put into an error message. */
  answer?: string;
  answeredBy?: string;
  answeredAt?: number;
}

export type NewCaptchaChallenge = Omit<CaptchaChallenge, 'status' | 'answer' | 'answeredBy' | 'answeredAt'>;

/** A person's answer, with the teardown the Slack prompt they answered belongs to. */
export interface CaptchaReply {
  teardownId: string;
  answer: string;
  by: string;
  now: number;
}

/** Why an answer was not taken, in the order they are told (the first that applies). */
export type CaptchaRefusal =
  | 'unknown'
  | 'other-teardown'
  | 'empty'
  | 'already-answered'
  | 'closed'
  | 'expired';

/** CAPTCHA challenges awaiting a person: the first valid answer wins, every later one is told why not. */
export interface CaptchaChallenges {
  /** ConflictError when a challenge with this id exists already. */
  open(challenge: NewCaptchaChallenge): Promise<void>;
  get(id: string): Promise<CaptchaChallenge | undefined>;
  /** The first answer in time wins: one conditional write. */
  answer(id: string, reply: CaptchaReply): Promise<{ ok: true } | { ok: false; why: CaptchaRefusal }>;
  /** No more answers (the step went on, the teardown ended); removes the answer. Unknown or closed: no change. */
  close(id: string): Promise<void>;
}

/** Why `reply` cannot answer `challenge`, or undefined when it can: the one rule every implementation applies. */
export function refusalOf(
  challenge: CaptchaChallenge | undefined,
  reply: CaptchaReply,
): CaptchaRefusal | undefined {
  if (!challenge) return 'unknown';
  // Said before anything else, so that a prompt of one teardown learns nothing about another's challenge.
  if (challenge.teardownId !== reply.teardownId) return 'other-teardown';
  if (reply.answer.trim() === '') return 'empty';
  if (challenge.answeredAt !== undefined) return 'already-answered';
  if (challenge.status !== 'open') return 'closed';
  if (reply.now >= challenge.expiresAt) return 'expired';
  return undefined;
}
