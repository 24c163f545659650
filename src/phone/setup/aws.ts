import { AwsCallError, asAwsCallError } from '../../common/errors';

/** Runs one AWS call; a refusal becomes an AwsCallError saying which call, on what, and AWS's own reason. */
export async function awsCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asAwsCallError(what, error);
  }
}

/** The AWS error name of a failed call (`ResourceNotFoundException`, `NotFound`, …). */
export function awsErrorName(error: unknown): string | undefined {
  const cause = error instanceof AwsCallError ? error.cause : error;
  return cause instanceof Error ? cause.name : undefined;
}

export interface Polling {
  intervalMs: number;
  attempts: number;
}

/**
 * Reads a resource until `state` says it is ready (`'ready'`) or failed (an Error), waiting `intervalMs` between
 * reads: AWS creates instances and numbers asynchronously. Returns the last value read and whether it got ready.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  state: (value: T) => 'ready' | 'waiting' | Error,
  polling: Polling,
  sleep: (ms: number) => Promise<void>,
): Promise<{ value: T; ready: boolean }> {
  let value = await read();
  for (let attempt = 1; ; attempt++) {
    const now = state(value);
    if (now instanceof Error) throw now;
    if (now === 'ready') return { value, ready: true };
    if (attempt >= polling.attempts) return { value, ready: false };
    await sleep(polling.intervalMs);
    value = await read();
  }
}
