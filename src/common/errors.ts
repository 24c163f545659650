/**
 * Every error the product raises on purpose. Each carries a stable code, a message a Slack user can read,
 * and the underlying `cause` when there is one.
 */
export type ErrorCode =
  | 'INVALID_ACCOUNT_ID'
  | 'INVALID_CONFIG'
  | 'PREFLIGHT_REFUSED'
  | 'TEARDOWN_EXISTS'
  | 'TEARDOWN_NOT_FOUND'
  | 'TEARDOWN_NOT_WAITING'
  | 'NOT_AUTHORIZED'
  | 'CONFLICT'
  | 'STEP_FAILED'
  | 'STEP_UNAVAILABLE'
  | 'AWS_CALL_FAILED'
  | 'PAGE_NOT_RECOGNISED'
  | 'MAIL_REJECTED'
  | 'BROWSER_FAILED'
  | 'PERSON_NEEDED';

export class TeardownError extends Error {
  readonly code: ErrorCode;
  /** Whether running the same step again may succeed (throttling, network, eventual consistency). */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

export class InvalidAccountIdError extends TeardownError {
  constructor(message: string) {
    super('INVALID_ACCOUNT_ID', message);
  }
}

export class ConfigError extends TeardownError {
  /** The variables with a bad value, in the order found. */
  readonly variables: string[];
  constructor(problems: Array<{ variable: string; problem: string }>) {
    super('INVALID_CONFIG', `Invalid configuration:\n${problems.map((p) => `- ${p.problem}`).join('\n')}`);
    this.variables = [...new Set(problems.map((p) => p.variable))];
  }
}

/** Preflight found a reason this account must not be torn down. */
export class PreflightRefusedError extends TeardownError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('PREFLIGHT_REFUSED', message, options);
  }
}

export class TeardownExistsError extends TeardownError {
  constructor(accountId: string, step: string) {
    super('TEARDOWN_EXISTS', `A teardown of ${accountId} is already running (step ${step}).`);
  }
}

export class TeardownNotFoundError extends TeardownError {
  constructor(accountId: string) {
    super('TEARDOWN_NOT_FOUND', `There is no teardown of ${accountId}.`);
  }
}

/** A signal arrived for a teardown that is not waiting for it (answered already, expired, cancelled). */
export class NotWaitingError extends TeardownError {
  constructor(message: string) {
    super('TEARDOWN_NOT_WAITING', message);
  }
}

export class NotAuthorizedError extends TeardownError {
  constructor(message: string) {
    super('NOT_AUTHORIZED', message);
  }
}

/** Another writer changed the record first (conditional write lost). */
export class ConflictError extends TeardownError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CONFLICT', message, options);
  }
}

/** `what` names it for people: a step by its title, or a worker. */
export class StepUnavailableError extends TeardownError {
  constructor(what: string) {
    super('STEP_UNAVAILABLE', `${what} cannot run in this deployment yet.`);
  }
}

/** An AWS call failed; `retryable` tells whether trying again later may help. */
export class AwsCallError extends TeardownError {
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super('AWS_CALL_FAILED', message, options);
  }
}

/**
 * A console page is not one the flow knows, or what it needs did not appear in time: a person looks at the
 * screenshot and decides. `what` says what the flow expected, for that person.
 */
export class PageNotRecognisedError extends TeardownError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('PAGE_NOT_RECOGNISED', message, options);
  }
}

/** A stored mail that cannot be taken at all (too large, unreadable): logged with the reason and dropped. */
export class MailRejectedError extends TeardownError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('MAIL_REJECTED', message, options);
  }
}

/** Chromium would not start, or died under the step: running the step again may help. */
export class BrowserError extends TeardownError {
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super('BROWSER_FAILED', message, { retryable: true, ...options });
  }
}

const RETRYABLE_AWS_ERRORS = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceException',
  'ServiceUnavailableException',
  'InternalServerError',
  'ConcurrentModificationException',
  'RequestTimeout',
  'TimeoutError',
]);

/** Wraps anything thrown by an AWS SDK call into an AwsCallError with a readable message. */
export function asAwsCallError(
  what: string,
  error: unknown,
  options: { retryable?: boolean } = {},
): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const detail = error instanceof Error ? error.message : String(error);
  const transient =
    RETRYABLE_AWS_ERRORS.has(name) ||
    (error as { $retryable?: unknown })?.$retryable !== undefined ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes((error as { code?: string })?.code ?? '');
  return new AwsCallError(`${what} failed: ${name}: ${detail}`, {
    cause: error,
    retryable: options.retryable ?? transient,
  });
}

/** The message to show a person for any error, without internals of unexpected ones. */
export function userMessage(error: unknown): string {
  if (error instanceof TeardownError) return error.message;
  return 'Something unexpected went wrong; the details are in the logs.';
}

/**
 * The page said something a machine must not decide on (a refused card, a number AWS will not call, a code that
 * never came): a person in the thread looks, with the page's own words (secrets taken out).
 */
export class PersonNeededError extends TeardownError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('PERSON_NEEDED', message, options);
  }
}
