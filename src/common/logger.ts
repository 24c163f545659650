import { Logger } from '@aws-lambda-powertools/logger';
import { isSecretKey, REDACTED, redactSecrets } from './redact';

export type { Logger };

/** Masks secrets on the way out: by field name, and by pattern inside any text (messages included). */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && isSecretKey(key) && value !== undefined && value !== null && value !== '')
    return REDACTED;
  if (typeof value === 'string' || value instanceof Error) return redactSecrets(value);
  return value;
}

/** The one structured logger; every part of `src` logs through it. */
export function createLogger(serviceName: string, options: { logLevel?: string } = {}): Logger {
  return new Logger({
    serviceName,
    logLevel: (options.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO') as 'INFO',
    jsonReplacerFn: redactingReplacer,
  });
}

/** The parts of Lambda's context the logger reads (request id, function name, memory, cold start). */
export type LambdaContext = Parameters<Logger['addContext']>[0];

/**
 * Runs one invocation with its context on every log line: Lambda's request id and cold start, and the ids it is
 * about (`teardownId` is also the correlation id that follows a teardown across Lambdas). Keys are dropped after.
 */
export async function withInvocationContext<T>(
  logger: Logger,
  context: LambdaContext | undefined,
  keys: { accountId?: string; teardownId?: string },
  work: () => Promise<T>,
): Promise<T> {
  if (context) logger.addContext(context);
  logger.appendKeys(keys);
  if (keys.teardownId) logger.setCorrelationId(keys.teardownId);
  try {
    return await work();
  } finally {
    logger.resetKeys();
  }
}
