import { afterEach, expect, it } from 'vitest';
import { AwsCallError } from '../../src/common/errors';
import { createLogger } from '../../src/common/logger';
import type { StepMetrics } from '../../src/common/metrics';
import { InProcessTimers } from '../../src/local/in-process';
import type { Worker } from '../../src/pipeline/catalogue';
import { pipelineStepHandlers } from '../../src/pipeline/pipeline-worker';
import type { WorkItem } from '../../src/pipeline/ports/dispatcher';
import { Runner } from '../../src/pipeline/runner';
import type { StepHandler } from '../../src/pipeline/step-handler';
import { createMemoryHarness, type MemoryHarness } from '../support/memory-harness';
import { REQUESTER } from '../support/pipeline-harness';

// What the on-call alarms read: teardowns that ended failed, and teardowns a sweep found stuck.
let h: MemoryHarness;
afterEach(async () => h?.close());

/** A runner whose hand-offs are only recorded, so each test decides what runs and when. */
function measuredRunner(preflight?: StepHandler) {
  h = createMemoryHarness();
  const measured = { failed: 0, sweeps: [] as number[] };
  const metrics: StepMetrics = {
    stepFinished() {},
    teardownFailed: () => void measured.failed++,
    sweepFinished: (woken) => void measured.sweeps.push(woken),
  };
  const handedOff: WorkItem[] = [];
  const timers = new InProcessTimers(async () => {}, { clock: h.now, realTime: false });
  const runner = new Runner({
    ...h.ports,
    config: h.config,
    dispatcher: {
      workers: new Set<Worker>(['pipeline']),
      dispatch: async (_worker, item) => void handedOff.push(item),
    },
    timers,
    notifier: { notify: async () => {} },
    logger: createLogger('test', { logLevel: 'ERROR' }),
    metrics,
    workerId: 'measured-1',
    clock: h.now,
    random: () => 0.5,
    handlers: {
      ...pipelineStepHandlers({ ...h.ports, rootAccess: h.rootAccess, timers }),
      ...(preflight ? { preflight } : {}),
    },
  });
  return { runner, measured, handedOff };
}

const failingPreflight = (retryable: boolean): StepHandler => ({
  async run() {
    throw new AwsCallError('DescribeAccount failed: AccessDenied', { retryable });
  },
});

it('counts a teardown once when it ends failed, however often it is advanced after', async () => {
  const { runner, measured } = measuredRunner(failingPreflight(false));
  const id = h.accounts.sandbox1;
  await runner.request({ accountId: id, requester: REQUESTER });
  await runner.advance(id as never);
  expect(await runner.get(id as never)).toMatchObject({ status: 'failed' });
  await runner.advance(id as never);
  expect(measured.failed).toBe(1);
});

it('does not count a step failure the runner will retry', async () => {
  const { runner, measured } = measuredRunner(failingPreflight(true));
  const id = h.accounts.sandbox1;
  await runner.request({ accountId: id, requester: REQUESTER });
  await runner.advance(id as never);
  expect(await runner.get(id as never)).toMatchObject({ status: 'active', stepStatus: 'waiting' });
  expect(measured.failed).toBe(0);
});

it('reports how many teardowns each sweep woke, 0 included', async () => {
  const { runner, measured, handedOff } = measuredRunner();
  const id = h.accounts.sandbox1;
  await runner.request({ accountId: id, requester: REQUESTER });
  handedOff.length = 0;
  expect(await runner.sweep()).toBe(0);
  // Its hand-off went nowhere (a lost invoke): after a minute the sweeper counts it as stuck.
  h.advanceClock(61_000);
  expect(await runner.sweep()).toBe(1);
  expect(handedOff.map((w) => w.accountId)).toEqual([id]);
  expect(measured.sweeps).toEqual([0, 1]);
});
