import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { annotateTeardown } from '../common/tracing';
import type { PhoneLineLeases } from '../pipeline/ports/phone-line-leases';
import { isPlayableDigits, MAX_FLOW_DIGITS } from './dtmf';

/**
 * The contact flow's question "what do I play on this call?" (its ask-what-to-play block, see
 * infra/contact-flow.json), answered from the lease of the line AWS called: the digits of the PIN its holder
 * stored, or "wait" while there is none yet, or "none". Connect gives a contact-flow Lambda 8 s: one DynamoDB
 * read, nothing else.
 */
export interface ContactFlowDeps {
  phoneLines: Pick<PhoneLineLeases, 'holderOf'>;
  /** Where each digit's tone file is, as the flow's Play prompt takes it (an S3 https URL). */
  digitAudio: (digit: string) => string;
  /** Our lines (PHONE_LINES); a call to any other number gets "none" without a read. Absent: any number. */
  lines?: readonly string[];
  logger: Logger;
  clock?: () => number;
  /** A read slower than this is answered "wait" (the flow asks again) before Connect's 8 s run out. Default 5 s. */
  answerWithinMs?: number;
}

/** Flat string attributes (the flow validates the answer as STRING_MAP); never logged: they name the digits. */
export type ContactFlowAnswer =
  | ({ action: 'play'; digitCount: string } & Record<`digit${number}`, string>)
  | { action: 'wait' }
  | { action: 'none' };

// What Connect sends a contact-flow Lambda; only what is used is checked.
const contactFlowEventSchema = z.object({
  Name: z.literal('ContactFlowEvent'),
  Details: z.looseObject({
    ContactData: z.looseObject({
      ContactId: z.string().min(1).max(256),
      Channel: z.string().optional(),
      SystemEndpoint: z.looseObject({ Address: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number') }),
    }),
    Parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

export interface ContactFlowCall {
  /** Our line that AWS called. */
  line: string;
  contactId: string;
}

export type ParsedContactFlowEvent = ({ ok: true } & ContactFlowCall) | { ok: false; reason: string };

/** Whether an event is Connect's (whatever else is wrong with it): the phone Lambda's dispatch. */
export function isContactFlowEvent(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { Name?: unknown }).Name === 'ContactFlowEvent';
}

export function parseContactFlowEvent(raw: unknown): ParsedContactFlowEvent {
  const parsed = contactFlowEventSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error) };
  const contact = parsed.data.Details.ContactData;
  return { ok: true, line: contact.SystemEndpoint.Address, contactId: contact.ContactId };
}

/**
 * The answer for one "ask-what-to-play" of a call. Nothing is thrown: a broken event or a failed read is logged
 * and answered so that the call ends (`none`) or asks again (`wait`, bounded by the flow's loop).
 */
export async function answerContactFlow(deps: ContactFlowDeps, raw: unknown): Promise<ContactFlowAnswer> {
  const { logger } = deps;
  const event = parseContactFlowEvent(raw);
  if (!event.ok) {
    logger.error('contact-flow event rejected', { reason: event.reason });
    return { action: 'none' };
  }
  const { line, contactId } = event;
  if (deps.lines && !deps.lines.includes(line)) {
    logger.warn('call to a number that is not one of our lines', { line, contactId });
    return { action: 'none' };
  }
  let lease: Awaited<ReturnType<ContactFlowDeps['phoneLines']['holderOf']>>;
  let timer: NodeJS.Timeout | undefined;
  try {
    const read = deps.phoneLines.holderOf(line, (deps.clock ?? Date.now)());
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deps.answerWithinMs ?? 5_000);
    });
    const outcome = await Promise.race([read, late]);
    if (outcome === 'late') {
      read.catch(() => undefined);
      logger.warn('the lease of the called line was not read in time: the flow waits', { line, contactId });
      return { action: 'wait' };
    }
    lease = outcome;
    if (lease) annotateTeardown({ teardownId: lease.teardownId, accountId: lease.accountId });
  } catch (error) {
    // The flow asks again after a pause: a passing DynamoDB hiccup must not end AWS's call.
    logger.error('could not read the lease of the called line', {
      line,
      contactId,
      error: (error as Error).message,
    });
    return { action: 'wait' };
  } finally {
    clearTimeout(timer);
  }
  if (!lease) {
    logger.warn('call to a line no teardown holds', { line, contactId });
    return { action: 'none' };
  }
  const who = { line, contactId, accountId: lease.accountId, teardownId: lease.teardownId };
  if (lease.pin === undefined) {
    logger.info('call before the PIN was stored: the flow waits', who);
    return { action: 'wait' };
  }
  if (!isPlayableDigits(lease.pin)) {
    logger.error(`the stored PIN is not 1 to ${MAX_FLOW_DIGITS} digits: nothing is played`, who);
    return { action: 'none' };
  }
  logger.info('call answered with the PIN of its line', { ...who, digitCount: lease.pin.length });
  const answer: Record<string, string> = { action: 'play', digitCount: String(lease.pin.length) };
  [...lease.pin].forEach((digit, i) => {
    answer[`digit${i + 1}`] = deps.digitAudio(digit);
  });
  return answer as ContactFlowAnswer;
}
