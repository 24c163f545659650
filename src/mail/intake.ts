import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { NotWaitingError, TeardownError } from '../common/errors';
import { annotateTeardown } from '../common/tracing';
import { STEPS } from '../pipeline/catalogue';
import type { Teardown, TeardownEvent } from '../pipeline/model';
import type { IdempotencyKeys } from '../pipeline/ports/idempotency-keys';
import type { SealedValues } from '../pipeline/ports/sealed-values';
import type { TeardownStore } from '../pipeline/ports/teardown-store';
import type { Runner } from '../pipeline/runner';
import { SIGNAL, type Signal } from '../pipeline/signals';
import { classifyMail, type MailSettings, type MailVerdict, normaliseAddress } from './classify';
import type { MailForwarder, MailObjects } from './ports';

/** A message SES stored: where it is. */
export interface StoredMail {
  bucket: string;
  key: string;
}

export interface MailIntakeDeps {
  objects: MailObjects;
  teardowns: Pick<TeardownStore, 'list' | 'note'>;
  idempotency: IdempotencyKeys;
  /** Where the link or code is kept: the teardown record and the signal carry only its reference. */
  sealed: SealedValues;
  /** Decides on the signal by the catalogue's rules, as every Lambda does. */
  runner: Pick<Runner, 'resume'>;
  settings: MailSettings;
  forwarder?: MailForwarder;
  logger: Logger;
  clock?: () => number;
}

/** What became of one message, for the logs and tests; never the link or code. */
export type IntakeOutcome =
  | { outcome: 'resumed'; signal: Signal['name']; accountId: string; teardownId: string }
  | { outcome: 'noted'; teardowns: string[] }
  | { outcome: 'rejected' | 'dropped' | 'duplicate'; reason: string };

/** The step whose run makes AWS send each kind of mail. */
const ASKED_BY = { [SIGNAL.resetLink]: 'request-reset', [SIGNAL.signInCode]: 'sign-in' } as const;

/** A mail for a teardown whose asking step still runs: worth delivering again shortly. */
export class MailTooEarlyError extends TeardownError {
  constructor() {
    super('MAIL_REJECTED', 'The mail came before its teardown waits for it; it is delivered again.', {
      retryable: true,
    });
  }
}

/** How much earlier than its wait a mail's Date may be and still be taken (clocks, AWS's sending queue). */
const CLOCK_SKEW_MS = 10 * 60_000;

/** A repeated delivery of the same message (S3 and Lambda retry) is recognised for this long. */
const SEEN_MS = 7 * 86_400_000;

/**
 * One message from SES: classified (src/mail/classify.ts), matched by its recipients to a teardown that waits for
 * exactly this kind of mail now, and handed over as the pipeline's typed signal. Other mail to a root address is
 * noted on the teardown (and forwarded to the operators when configured). Nothing is ever thrown for a bad mail.
 */
export async function takeMail(deps: MailIntakeDeps, stored: StoredMail): Promise<IntakeOutcome> {
  const { logger } = deps;
  const clock = deps.clock ?? Date.now;
  let raw: Uint8Array;
  try {
    raw = await deps.objects.read(stored.bucket, stored.key, deps.settings.maxBytes);
  } catch (error) {
    if (error instanceof TeardownError && !error.retryable) {
      logger.warn('mail rejected', { key: stored.key, reason: error.message });
      return { outcome: 'rejected', reason: error.message };
    }
    throw error;
  }
  const mail = await classifyMail(raw, deps.settings);
  const facts = { key: stored.key, from: mail.from, subject: shownSubject(mail), messageId: mail.messageId };
  if (mail.verdict === 'rejected') {
    logger.warn('mail rejected', { ...facts, reason: mail.reason });
    return { outcome: 'rejected', reason: mail.reason };
  }
  const teardowns = await teardownsOf(deps.teardowns, mail.recipients);
  if (mail.verdict === 'other') return noteOther(deps, mail, raw, teardowns, clock);

  const signalName = mail.verdict === 'reset-link' ? SIGNAL.resetLink : SIGNAL.signInCode;
  const waiting = teardowns.filter((t) => t.stepStatus === 'waiting' && t.wait?.signal === signalName);
  // The step that asked for the mail still runs, or the step that waits for it has not begun waiting yet.
  const asking = teardowns.filter(
    (t) =>
      t.stepStatus !== 'waiting' &&
      (t.step === ASKED_BY[signalName] || STEPS[t.step].waitsFor?.signal === signalName),
  );
  if (waiting.length === 0 && asking.length > 0) {
    // AWS was quicker than the pipeline: the step that asked for this mail has not finished yet. Thrown (and so
    // delivered again by Lambda's retries) rather than lost.
    logger.info('mail came before its teardown waits for it', facts);
    throw new MailTooEarlyError();
  }
  if (waiting.length !== 1) {
    const reason =
      waiting.length === 0
        ? `no teardown waits for ${mail.verdict === 'reset-link' ? 'a reset mail' : 'a sign-in code'} to this address`
        : 'the mail is addressed to several teardowns that wait for it';
    logger.info('mail dropped', { ...facts, reason, recipients: mail.recipients });
    return { outcome: 'dropped', reason };
  }
  const [teardown] = waiting as [Teardown];
  // The invocation's trace is this teardown's from here (its S3 event did not name it).
  annotateTeardown({ teardownId: teardown.teardownId, accountId: teardown.accountId });
  const since = teardown.wait?.since;
  if (since !== undefined && mail.date !== undefined && mail.date < since - CLOCK_SKEW_MS) {
    // A mail of an earlier request (its link was likely replaced by the one this wait is for).
    const reason = 'the mail is older than the request its teardown waits for';
    logger.info('mail dropped', { ...facts, reason });
    return { outcome: 'dropped', reason };
  }
  const seenKey = `mail:${messageKey(mail, raw)}`;
  if (!(await deps.idempotency.claimOnce(seenKey, SEEN_MS))) {
    logger.info('mail already taken', facts);
    return { outcome: 'duplicate', reason: 'this message was taken before' };
  }
  let signal: Signal;
  try {
    signal =
      mail.verdict === 'reset-link'
        ? {
            name: SIGNAL.resetLink,
            actor: 'mail',
            payload: { link: await deps.sealed.seal(teardown, 'reset-link', mail.link) },
          }
        : {
            name: SIGNAL.signInCode,
            actor: 'mail',
            payload: { code: await deps.sealed.seal(teardown, 'sign-in-code', mail.code) },
          };
  } catch (error) {
    await deps.idempotency.release(seenKey).catch(() => undefined);
    throw error;
  }
  try {
    await deps.runner.resume(teardown.accountId, signal, {
      teardownId: teardown.teardownId,
      version: teardown.version,
    });
  } catch (error) {
    if (error instanceof NotWaitingError) {
      logger.info('mail dropped', { ...facts, reason: error.message });
      return { outcome: 'dropped', reason: error.message };
    }
    // Not taken after all: the retry of this delivery may take it.
    await deps.idempotency.release(seenKey).catch(() => undefined);
    throw error;
  }
  logger.info('mail taken', { ...facts, accountId: teardown.accountId, signal: signal.name });
  return {
    outcome: 'resumed',
    signal: signal.name,
    accountId: teardown.accountId,
    teardownId: teardown.teardownId,
  };
}

/** The active teardowns whose root address is one of the recipients (sub-addresses and case aside). */
async function teardownsOf(store: MailIntakeDeps['teardowns'], recipients: string[]): Promise<Teardown[]> {
  const wanted = new Set(recipients);
  const found: Teardown[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list('active', cursor ? { cursor } : {});
    for (const t of page.items) {
      const email = t.summary?.email && normaliseAddress(t.summary.email);
      if (email && wanted.has(email)) found.push(t);
    }
    cursor = page.cursor;
  } while (cursor);
  return found;
}

/** Welcome, billing, marketing: an event on each teardown it was for, and a copy to the operators if configured. */
async function noteOther(
  deps: MailIntakeDeps,
  mail: Extract<MailVerdict, { verdict: 'other' }>,
  raw: Uint8Array,
  teardowns: Teardown[],
  clock: () => number,
): Promise<IntakeOutcome> {
  const what = `"${shownSubject(mail) ?? '(no subject)'}" from ${mail.from ?? 'an unknown sender'}`;
  const tag = `mail-${messageKey(mail, raw).slice(0, 16)}`;
  for (const t of teardowns) {
    const event: TeardownEvent = {
      accountId: t.accountId,
      teardownId: t.teardownId,
      version: t.version,
      at: mail.date ?? clock(),
      actor: 'mail',
      action: 'mail-received',
      step: t.step,
      attempt: t.attempt,
      outcome: 'not a reset or code mail',
      detail: what,
    };
    await deps.teardowns.note(event, tag);
  }
  if (deps.forwarder && teardowns.length > 0) {
    await deps.forwarder.forward(
      raw,
      `Mail to the root address of ${teardowns.map((t) => t.accountId).join(', ')}: ${what}`,
    );
  }
  deps.logger.info('mail noted', {
    from: mail.from,
    subject: shownSubject(mail),
    teardowns: teardowns.length,
  });
  return { outcome: 'noted', teardowns: teardowns.map((t) => t.teardownId) };
}

/** A subject fit for logs and events: a code some senders put into it is not. */
function shownSubject(mail: MailVerdict): string | undefined {
  return mail.subject?.replace(/\d{4,}/g, '[digits]');
}

/** The message's identity across deliveries: its Message-ID, or its bytes when it has none. */
function messageKey(mail: MailVerdict, raw: Uint8Array): string {
  return createHash('sha256')
    .update(mail.messageId ?? raw)
    .digest('hex');
}
