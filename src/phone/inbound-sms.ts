import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { NotWaitingError } from '../common/errors';
import { annotateTeardown } from '../common/tracing';
import type { IdempotencyKeys } from '../pipeline/ports/idempotency-keys';
import type { PhoneLineLeases } from '../pipeline/ports/phone-line-leases';
import type { SealedValues } from '../pipeline/ports/sealed-values';
import type { TeardownStore } from '../pipeline/ports/teardown-store';
import type { Runner } from '../pipeline/runner';
import { SIGNAL } from '../pipeline/signals';

/**
 * A text message AWS sent to one of our two-way SMS numbers (AWS End User Messaging SMS → SNS → the phone
 * Lambda): the verification code in it is stored on the lease of that line, and handed to the teardown holding
 * the line when it waits for it. The body is never logged: it holds the code.
 */
export interface InboundSms {
  /** Our line the message was sent to. */
  destinationNumber: string;
  originationNumber: string;
  messageBody: string;
  inboundMessageId: string;
  /** When SNS took the message (epoch ms), if it said. */
  sentAt?: number;
}

export interface InboundSmsDeps {
  phoneLines: Pick<PhoneLineLeases, 'holderOf' | 'setCode'>;
  teardowns: Pick<TeardownStore, 'get'>;
  idempotency: IdempotencyKeys;
  /** Decides on the signal by the catalogue's rules, as every Lambda does. */
  runner: Pick<Runner, 'resume'>;
  /** The code travels to the teardown sealed (as the mail Lambda's links and codes do), never in its record. */
  sealed: Pick<SealedValues, 'seal'>;
  logger: Logger;
  clock?: () => number;
}

/** What became of one message, for the logs and tests; never the code. */
export type SmsOutcome =
  | { outcome: 'signalled'; accountId: string; teardownId: string; line: string }
  /** Kept on the lease only: the browser step reads it there (it was running, not waiting). */
  | { outcome: 'stored'; accountId: string; teardownId: string; line: string; reason: string }
  | { outcome: 'dropped' | 'duplicate'; reason: string };

/** SNS delivers a message again on failures; the same message is recognised for this long. */
const SEEN_MS = 7 * 86_400_000;

const E164 = /^\+[1-9]\d{6,14}$/;

// The JSON End User Messaging SMS publishes for a two-way message; only what is used is checked.
const inboundSmsSchema = z.looseObject({
  originationNumber: z.string().min(1).max(32),
  destinationNumber: z.string().regex(E164, 'an E.164 number'),
  messageBody: z.string().max(2000),
  inboundMessageId: z.string().min(1).max(256),
});

const snsEventSchema = z.object({
  Records: z
    .array(
      z.looseObject({
        EventSource: z.literal('aws:sns'),
        Sns: z.looseObject({ Message: z.string(), Timestamp: z.string().optional() }),
      }),
    )
    .min(1),
});

export type ParsedSnsEvent = { ok: true; messages: InboundSms[] } | { ok: false; reason: string };

/** Whether an event is SNS's (whatever else is wrong with it): the phone Lambda's dispatch. */
export function isSnsEvent(raw: unknown): boolean {
  const records = (raw as { Records?: unknown } | null)?.Records;
  return (
    Array.isArray(records) &&
    records.some((r) => (r as { EventSource?: unknown } | null)?.EventSource === 'aws:sns')
  );
}

/** The inbound messages of an SNS event; a record that is not one makes the whole event malformed. */
export function parseSnsEvent(raw: unknown): ParsedSnsEvent {
  const event = snsEventSchema.safeParse(raw);
  if (!event.success) return { ok: false, reason: z.prettifyError(event.error) };
  const messages: InboundSms[] = [];
  for (const [i, record] of event.data.Records.entries()) {
    let body: unknown;
    try {
      body = JSON.parse(record.Sns.Message);
    } catch {
      return { ok: false, reason: `record ${i}: the SNS message is not JSON` };
    }
    const message = inboundSmsSchema.safeParse(body);
    // The issue paths name the fields only; zod's messages do not repeat values.
    if (!message.success) return { ok: false, reason: `record ${i}: ${z.prettifyError(message.error)}` };
    const { originationNumber, destinationNumber, messageBody, inboundMessageId } = message.data;
    const sentAt = record.Sns.Timestamp ? Date.parse(record.Sns.Timestamp) : Number.NaN;
    messages.push({
      originationNumber,
      destinationNumber,
      messageBody,
      inboundMessageId,
      ...(Number.isFinite(sentAt) ? { sentAt } : {}),
    });
  }
  return { ok: true, messages };
}

/**
 * The verification code in a message: a run of 4 to 8 digits standing alone (longer runs are phone or account
 * numbers); the one after the word "code" when there are several, else the first.
 */
export function codeFromSms(body: string): string | undefined {
  const runs = [...body.matchAll(/(?<![\d])\d{4,8}(?![\d])/g)];
  const afterCode = runs.find((run) => /code\D{0,20}$/i.test(body.slice(0, run.index)));
  return (afterCode ?? runs[0])?.[0];
}

/** One inbound message. Nothing is thrown for a message that cannot be used; a failure to reach AWS is. */
export async function takeSms(deps: InboundSmsDeps, sms: InboundSms): Promise<SmsOutcome> {
  const { logger } = deps;
  const now = (deps.clock ?? Date.now)();
  const line = sms.destinationNumber;
  const facts = { line, from: sms.originationNumber, inboundMessageId: sms.inboundMessageId };
  const code = codeFromSms(sms.messageBody);
  if (code === undefined) {
    logger.info('sms dropped', { ...facts, reason: 'no code in it', length: sms.messageBody.length });
    return { outcome: 'dropped', reason: 'the message holds no code' };
  }
  const lease = await deps.phoneLines.holderOf(line, now);
  if (!lease) {
    logger.warn('sms dropped', { ...facts, reason: 'no teardown holds the line' });
    return { outcome: 'dropped', reason: 'no teardown holds the line' };
  }
  const holder = { accountId: lease.accountId, teardownId: lease.teardownId };
  annotateTeardown(holder);
  const who = { ...facts, ...holder };
  if (sms.sentAt !== undefined && sms.sentAt < lease.leasedAt) {
    // Sent before this teardown had the line: an earlier holder's code, late. It is never this one's.
    logger.warn('sms dropped', { ...who, reason: 'sent before the line was leased to its holder' });
    return { outcome: 'dropped', reason: 'the message is older than the lease of the line' };
  }
  const seenKey = `sms:${sms.inboundMessageId}`;
  if (!(await deps.idempotency.claimOnce(seenKey, SEEN_MS))) {
    logger.info('sms already taken', who);
    return { outcome: 'duplicate', reason: 'this message was taken before' };
  }
  try {
    if (!(await deps.phoneLines.setCode(line, holder, code, now))) {
      logger.warn('sms dropped', { ...who, reason: 'the lease ended meanwhile' });
      return { outcome: 'dropped', reason: 'the lease of the line ended meanwhile' };
    }
    const teardown = await deps.teardowns.get(lease.accountId);
    const waiting =
      teardown?.teardownId === lease.teardownId &&
      teardown.status === 'active' &&
      teardown.stepStatus === 'waiting' &&
      teardown.wait?.signal === SIGNAL.phoneCode;
    if (!teardown || !waiting) {
      // Its browser step reads the code off the line while its page is open; one that has just stopped waiting
      // reads it when its wait for the signal runs out (verify-phone's rules).
      const reason = 'its teardown does not wait for a code now: the code is kept on the line';
      logger.info('sms code stored', { ...who, reason });
      return { outcome: 'stored', ...holder, line, reason };
    }
    try {
      await deps.runner.resume(
        lease.accountId,
        {
          name: SIGNAL.phoneCode,
          actor: 'phone',
          payload: { code: await deps.sealed.seal(holder, 'phone-code', code), line },
        },
        { teardownId: teardown.teardownId, version: teardown.version },
      );
    } catch (error) {
      if (!(error instanceof NotWaitingError)) throw error;
      logger.info('sms code stored', { ...who, reason: error.message });
      return { outcome: 'stored', ...holder, line, reason: error.message };
    }
    logger.info('sms code handed to its teardown', who);
    return { outcome: 'signalled', ...holder, line };
  } catch (error) {
    // Not taken after all: SNS's next delivery of this message may take it.
    await deps.idempotency.release(seenKey).catch(() => undefined);
    throw error;
  }
}
