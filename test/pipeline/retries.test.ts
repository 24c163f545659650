import { afterEach, expect, it } from 'vitest';
import { AwsCallError } from '../../src/common/errors';
import type { StepOutcome } from '../../src/pipeline/step-handler';
import { createMemoryHarness, type MemoryHarness } from '../support/memory-harness';
import { REQUESTER } from '../support/pipeline-harness';

// Retries are the runner's own behaviour: in-memory ports are enough.
let h: MemoryHarness;
afterEach(async () => h?.close());

const stillIn = (accountId: string, step: string) => async () => {
  const t = await h.runner.get(accountId as never);
  return t?.status === 'active' && t.step === step;
};

function flakyPreflight(failures: number, error: () => Error) {
  const calls: number[] = [];
  return {
    calls,
    handler: {
      async run(): Promise<StepOutcome> {
        calls.push(h.now());
        if (calls.length <= failures) throw error();
        return { type: 'done', note: 'fine now' };
      },
    },
  };
}

it('retries a step that fails transiently, with growing pauses, and goes on once it works', async () => {
  const flaky = flakyPreflight(
    3,
    () => new AwsCallError('DescribeAccount failed: ServiceUnavailable', { retryable: true }),
  );
  h = createMemoryHarness({ handlers: { preflight: flaky.handler } });
  const id = h.accounts.sandbox1;
  await h.runner.request({ accountId: id, requester: REQUESTER });
  await h.runUntilQuiet();
  const retrying = await h.runner.get(id as never);
  expect(retrying).toMatchObject({
    stepStatus: 'waiting',
    failures: 1,
    lastError: 'DescribeAccount failed: ServiceUnavailable',
    wait: { reason: 'retry 1 of 4 after an error' },
  });
  await h.runTimersWhile(stillIn(id, 'preflight'));
  expect(flaky.calls).toHaveLength(4);
  const pauses = flaky.calls.slice(1).map((at, i) => at - (flaky.calls[i] ?? 0));
  expect(pauses).toEqual([...pauses].sort((a, b) => a - b));
  expect(pauses[0]).toBeGreaterThan(0);
  // With the step done, the failure count and last error are cleared for the next one.
  expect(await h.runner.get(id as never)).toMatchObject({ step: 'approval', failures: 0 });
  expect((await h.runner.get(id as never))?.lastError).toBeUndefined();
});

it('fails the teardown with a readable reason once the step has failed as often as it may', async () => {
  const flaky = flakyPreflight(
    99,
    () => new AwsCallError('DescribeAccount failed: ServiceUnavailable', { retryable: true }),
  );
  h = createMemoryHarness({ handlers: { preflight: flaky.handler } });
  const id = h.accounts.sandbox1;
  await h.runner.request({ accountId: id, requester: REQUESTER });
  await h.runAllTimers();
  expect(flaky.calls).toHaveLength(5);
  expect(await h.runner.get(id as never)).toMatchObject({
    status: 'failed',
    outcome: 'DescribeAccount failed: ServiceUnavailable (gave up after 5 attempts)',
  });
  const teardown = (await h.runner.get(id as never))!;
  const retries = (await h.runner.events(teardown)).filter((e) => e.action === 'retry-scheduled');
  expect(retries).toHaveLength(4);
});

it('fails at once on an error that retrying cannot fix', async () => {
  const flaky = flakyPreflight(
    1,
    () => new AwsCallError('DescribeAccount failed: AccessDeniedException: no', { retryable: false }),
  );
  h = createMemoryHarness({ handlers: { preflight: flaky.handler } });
  const id = h.accounts.sandbox1;
  await h.runner.request({ accountId: id, requester: REQUESTER });
  await h.runAllTimers();
  expect(flaky.calls).toHaveLength(1);
  expect(await h.runner.get(id as never)).toMatchObject({
    status: 'failed',
    outcome: 'DescribeAccount failed: AccessDeniedException: no',
  });
});

it('retries an unexpected error but never shows its internals to people', async () => {
  const flaky = flakyPreflight(1, () => new TypeError("Cannot read properties of undefined (reading 'Id')"));
  h = createMemoryHarness({ handlers: { preflight: flaky.handler } });
  const id = h.accounts.sandbox1;
  await h.runner.request({ accountId: id, requester: REQUESTER });
  await h.runUntilQuiet();
  expect((await h.runner.get(id as never))?.lastError).toBe(
    'Something unexpected went wrong; the details are in the logs.',
  );
  await h.runTimersWhile(stillIn(id, 'preflight'));
  expect(await h.runner.get(id as never)).toMatchObject({ step: 'approval', stepStatus: 'waiting' });
});

it('fails a step no worker in this deployment can run, saying which', async () => {
  h = createMemoryHarness({ env: { TEARDOWN_DEFAULT_STRATEGY: 'remove' } });
  const id = h.accounts.sandbox1;
  await h.runner.request({ accountId: id, requester: REQUESTER });
  await h.runUntilQuiet();
  await h.runner.resume(id, { name: 'approval', actor: 'UAPPROVER1', payload: { decision: 'approve' } });
  await h.runAllTimers();
  expect(await h.runner.get(id as never)).toMatchObject({
    status: 'failed',
    // allow-password-recovery runs in the pipeline; requesting the reset needs the browser worker.
    step: 'request-reset',
    outcome: 'The step “Request a root password reset” cannot run in this deployment yet.',
  });
});
