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
