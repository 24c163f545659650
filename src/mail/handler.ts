import type { Logger } from '@aws-lambda-powertools/logger';
import { type IntakeOutcome, type MailIntakeDeps, takeMail } from './intake';
import { parseS3Event } from './s3-event';

/**
 * The mail Lambda's work for one S3 event: every stored message it names, in turn. A malformed event is logged
 * and dropped; a failure to reach AWS is thrown, so that Lambda delivers the event again.
 */
export async function handleMailEvent(deps: MailIntakeDeps, raw: unknown, logger: Logger): Promise<unknown> {
  const parsed = parseS3Event(raw);
  if (!parsed.ok) {
    logger.error('malformed mail event dropped', { reason: parsed.reason });
    return { error: 'malformed event', reason: parsed.reason };
  }
  const outcomes: IntakeOutcome[] = [];
  for (const mail of parsed.mails) outcomes.push(await takeMail(deps, mail));
  return { outcomes };
}
