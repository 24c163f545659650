import type { Logger } from '@aws-lambda-powertools/logger';
import { parsePipelineEvent } from '../pipeline/pipeline-events';
import type { Runner } from '../pipeline/runner';

/**
 * The browser Lambda's one job: run the teardown's current browser step. Anything else sent to it (a signal, a
 * sweep, a notice) belongs to the pipeline Lambda and is logged and dropped.
 */
export async function handleBrowserEvent(runner: Runner, raw: unknown, logger: Logger): Promise<unknown> {
  const parsed = parsePipelineEvent(raw);
  if (!parsed.ok) {
    logger.error('malformed browser event dropped', { reason: parsed.reason });
    return { error: 'malformed event', reason: parsed.reason };
  }
  const event = parsed.event;
  if (event.action !== 'advance' || (event.worker ?? 'browser') !== 'browser') {
    logger.error('event for another worker dropped', { action: event.action });
    return { error: 'not a browser step', action: event.action };
  }
  return runner.advance(event.accountId, 'browser');
}
