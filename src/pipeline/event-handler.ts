import type { Logger } from '@aws-lambda-powertools/logger';
import type { AccountId } from '../common/account-id';
import { NotWaitingError } from '../common/errors';
import { parsePipelineEvent } from './pipeline-events';
import type { Notifier } from './ports/notifier';
import type { Runner } from './runner';

/**
 * Runs one event of the pipeline (or browser) Lambda. A malformed event is logged with its reason and dropped;
 * a late or repeated signal is logged, not retried by Lambda. `notifier` shows the transitions other functions
 * hand over (`notify`); `forgetRootCredentials` ends a removed account's post-closure period (its timer).
 */
export async function handlePipelineEvent(
  runner: Runner,
  raw: unknown,
  logger: Logger,
  notifier: Notifier,
  upkeep: {
    forgetRootCredentials?: (item: { accountId: AccountId; teardownId: string }) => Promise<unknown>;
  } = {},
): Promise<unknown> {
  const parsed = parsePipelineEvent(raw);
  if (!parsed.ok) {
    logger.error('malformed pipeline event dropped', { reason: parsed.reason });
    return { error: 'malformed event', reason: parsed.reason };
  }
  const event = parsed.event;
  switch (event.action) {
    case 'notify':
      await notifier.notify(event.notice);
      return { notified: true };
    case 'advance':
      return runner.advance(event.accountId, event.worker ?? 'pipeline');
    case 'resume':
      try {
        const expected = event.teardownId ? { teardownId: event.teardownId } : {};
        const teardown = await runner.resume(event.accountId, event.signal, expected);
        return { resumed: true, step: teardown.step };
      } catch (error) {
        if (error instanceof NotWaitingError) {
          logger.info('signal not applied', { reason: error.message });
          return { resumed: false, reason: error.message };
        }
        throw error;
      }
    case 'sweep':
      return { woken: await runner.sweep() };
    case 'forget-root-credentials':
      if (!upkeep.forgetRootCredentials) {
        logger.error('this function cannot delete root credentials; event dropped');
        return { error: 'not handled here' };
      }
      return upkeep.forgetRootCredentials({
        accountId: event.accountId as AccountId,
        teardownId: event.teardownId,
      });
  }
}

/**
 * The ids an event is about, for every log line of its invocation (the teardown id is the correlation id). Read
 * before the event is checked, so that even the line dropping a malformed event says which teardown it was for.
 */
export function eventKeys(raw: unknown): { accountId?: string; teardownId?: string } {
  if (typeof raw !== 'object' || raw === null) return {};
  const event = raw as {
    accountId?: unknown;
    teardownId?: unknown;
    notice?: { teardown?: Record<string, unknown> };
  };
  const from = event.notice?.teardown ?? event;
  const keys: { accountId?: string; teardownId?: string } = {};
  if (typeof from.accountId === 'string') keys.accountId = from.accountId;
  if (typeof from.teardownId === 'string') keys.teardownId = from.teardownId;
  return keys;
}
