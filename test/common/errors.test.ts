import { describe, expect, it } from 'vitest';
import {
  AwsCallError,
  asAwsCallError,
  ConfigError,
  ConflictError,
  InvalidAccountIdError,
  NotAuthorizedError,
  NotWaitingError,
  PreflightRefusedError,
  StepUnavailableError,
  TeardownError,
  TeardownExistsError,
  TeardownNotFoundError,
  userMessage,
} from '../../src/common/errors';

/** An error shaped like what the AWS SDK v3 throws. */
function sdkError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  const error = new Error(message);
  error.name = name;
  return Object.assign(error, { $metadata: { httpStatusCode: 400 }, ...extra });
}

describe('asAwsCallError', () => {
  it('says what failed, with the AWS error name and message, and keeps the original as cause', () => {
    const original = sdkError('AccessDeniedException', 'User is not authorized to perform CloseAccount');
    const error = asAwsCallError('CloseAccount 123456789012', original);

    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toBeInstanceOf(TeardownError);
    expect(error.code).toBe('AWS_CALL_FAILED');
    expect(error.message).toBe(
      'CloseAccount 123456789012 failed: AccessDeniedException: User is not authorized to perform CloseAccount',
    );
    expect(error.cause).toBe(original);
  });

  it.each([
    'ThrottlingException',
    'TooManyRequestsException',
    'ServiceException',
    'ServiceUnavailableException',
    'InternalServerError',
    'ConcurrentModificationException',
    'RequestTimeout',
    'TimeoutError',
  ])('treats %s as worth retrying', (name) => {
    expect(asAwsCallError('ListAccounts', sdkError(name, 'try later')).retryable).toBe(true);
  });

  it.each([
    'AccessDeniedException',
    'AccountNotFoundException',
    'ValidationException',
    'ConstraintViolationException',
    'AWSOrganizationsNotInUseException',
  ])('does not retry %s, which will fail the same way again', (name) => {
    expect(asAwsCallError('DescribeAccount', sdkError(name, 'no')).retryable).toBe(false);
  });

  it('retries anything the SDK itself marked retryable', () => {
    const error = sdkError('SlowDown', 'please slow down', { $retryable: { throttling: true } });
    expect(asAwsCallError('PutObject', error).retryable).toBe(true);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'])('retries the network error %s', (code) => {
    const error = Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code });
    const wrapped = asAwsCallError('ListAccounts', error);
    expect(wrapped.retryable).toBe(true);
    expect(wrapped.message).toBe(`ListAccounts failed: Error: connect ${code} 10.0.0.1:443`);
  });

  it('returns an AwsCallError unchanged instead of wrapping it twice', () => {
    const inner = new AwsCallError('ListAccounts failed: ThrottlingException: slow', { retryable: true });
    expect(asAwsCallError('Counting members', inner)).toBe(inner);
  });

  it('copes with something thrown that is not an Error', () => {
    const error = asAwsCallError('CloseAccount 123456789012', 'socket hang up');
    expect(error.message).toBe('CloseAccount 123456789012 failed: Error: socket hang up');
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe('socket hang up');
    expect(asAwsCallError('X', undefined).message).toBe('X failed: Error: undefined');
  });
});

describe('userMessage', () => {
  it('shows the message of errors raised on purpose', () => {
    expect(userMessage(new TeardownNotFoundError('123456789012'))).toBe(
      'There is no teardown of 123456789012.',
    );
    expect(userMessage(asAwsCallError('CloseAccount', sdkError('AccessDeniedException', 'denied')))).toBe(
      'CloseAccount failed: AccessDeniedException: denied',
    );
  });

  it('hides the internals of unexpected errors', () => {
    const generic = 'Something unexpected went wrong; the details are in the logs.';
    expect(userMessage(new TypeError("Cannot read properties of undefined (reading 'Item')"))).toBe(generic);
    expect(userMessage(new Error('connect ECONNREFUSED 10.1.2.3:5432 password=hunter2'))).toBe(generic);
    expect(userMessage('a string')).toBe(generic);
    expect(userMessage(undefined)).toBe(generic);
  });
});

describe('the product’s errors', () => {
  it.each<[TeardownError, string, string]>([
    [new InvalidAccountIdError('bad id'), 'INVALID_ACCOUNT_ID', 'bad id'],
    [new PreflightRefusedError('protected'), 'PREFLIGHT_REFUSED', 'protected'],
    [
      new TeardownExistsError('123456789012', 'approval'),
      'TEARDOWN_EXISTS',
      'A teardown of 123456789012 is already running (step approval).',
    ],
    [new NotWaitingError('too late'), 'TEARDOWN_NOT_WAITING', 'too late'],
    [new NotAuthorizedError('not an approver'), 'NOT_AUTHORIZED', 'not an approver'],
    [new ConflictError('lost'), 'CONFLICT', 'lost'],
    [
      new StepUnavailableError('The step “Request a root password reset”'),
      'STEP_UNAVAILABLE',
      'The step “Request a root password reset” cannot run in this deployment yet.',
    ],
  ])('%s carries code %s and a readable message', (error, code, message) => {
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.name).toBe(error.constructor.name);
    expect(error.retryable).toBe(false);
  });

  it('keeps the cause it was given', () => {
    const cause = new Error('underlying');
    expect(new ConflictError('lost', { cause }).cause).toBe(cause);
    expect(new PreflightRefusedError('no', { cause }).cause).toBe(cause);
  });

  it('lists each bad configuration variable once, in the order found', () => {
    const error = new ConfigError([
      { variable: 'B', problem: 'B: "x" is bad' },
      { variable: 'A', problem: 'A is required but not set' },
      { variable: 'B', problem: 'B: "y" is bad' },
    ]);
    expect(error.variables).toEqual(['B', 'A']);
    expect(error.message).toBe(
      'Invalid configuration:\n- B: "x" is bad\n- A is required but not set\n- B: "y" is bad',
    );
  });
});
