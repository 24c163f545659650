// Tests src/pipeline/steps/cleanup.ts.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/common/logger';
import type { StepName } from '../../../src/pipeline/catalogue';
import type { TeardownEvent } from '../../../src/pipeline/model';
import type { TimerRequest } from '../../../src/pipeline/ports/timers';
import {
  cleanupStep,
  forgetRootCredentials,
  forgetRootCredentialsLater,
  releasePhoneLine,
  timeSummary,
} from '../../../src/pipeline/steps/cleanup';
import { MemoryPhoneLineLeases, stepContext, teardownAt, testConfig } from '../../support/fakes';

describe('cleanup step', () => {
  it('runs every cleaner and says how the account went', async () => {
    const cleaned: string[] = [];
    const teardown = teardownAt('cleanup', '111111111111', {
      strategy: 'remove',
      data: { closedState: 'SUSPENDED' },
    });
    const step = cleanupStep({
      cleaners: [async () => void cleaned.push('session'), async () => void cleaned.push('line')],
    });
    expect(await step.run(stepContext(teardown))).toEqual({
      type: 'done',
      note: '111111111111 removed from the organization and closed (state SUSPENDED)',
    });
    expect(cleaned).toEqual(['session', 'line']);
  });

  it('still runs the other cleaners when one fails, then fails the (idempotent) step to retry it', async () => {
    const cleaned: string[] = [];
    const step = cleanupStep({
      cleaners: [
        async () => {
          throw new Error('secret not deleted');
        },
        async () => void cleaned.push('line'),
      ],
    });
    await expect(step.run(stepContext(teardownAt('cleanup', '111111111111')))).rejects.toThrow(
      'secret not deleted',
    );
    expect(cleaned).toEqual(['line']);
  });
});

describe('cleanup summary and what it leaves for later', () => {
  const T0 = Date.UTC(2026, 2, 1, 12);
  const event = (version: number, at: number, action: string, step: StepName): TeardownEvent => ({
    accountId: '111111111111' as never,
    teardownId: 't-unit',
    version,
    at,
    actor: 'pipeline',
    action,
    step,
    attempt: 1,
    outcome: 'succeeded',
  });

  it('gives each step its time from the event log, adding up a step run again after going back', () => {
    const teardown = teardownAt('cleanup', '111111111111', { createdAt: T0 });
    const events = [
      event(1, T0, 'requested', 'preflight'),
      event(2, T0 + 1_000, 'step-succeeded', 'preflight'),
      event(3, T0 + 61_000, 'step-succeeded', 'approval'),
      event(4, T0 + 71_000, 'step-succeeded', 'complete-signup'),
      event(5, T0 + 81_000, 'went-back', 'remove-from-org'),
      event(6, T0 + 101_000, 'step-succeeded', 'complete-signup'),
      // Another teardown's event under the same account is not this one's.
      { ...event(7, T0 + 500_000, 'step-succeeded', 'close-as-root'), teardownId: 't-other' },
    ];
    expect(timeSummary(teardown, events)).toBe(
      'step times: preflight 1s, approval 1m, complete-signup 30s, remove-from-org 10s',
    );
  });

  it('puts the step times into its note', async () => {
    const teardown = teardownAt('cleanup', '111111111111', { createdAt: T0 });
    const step = cleanupStep({
      cleaners: [],
      history: { events: async () => [event(2, T0 + 2_000, 'step-succeeded', 'preflight')] },
    });
    expect(await step.run(stepContext(teardown))).toMatchObject({
      note: '111111111111 closed through Organizations; step times: preflight 2s',
    });
  });

  it('releases the leased line and the place in the line queue', async () => {
    const leases = new MemoryPhoneLineLeases();
    const holder = { accountId: '111111111111' as never, teardownId: 't-unit' };
    const other = { accountId: '222222222222' as never, teardownId: 't-other' };
    await leases.lease(['+15550100'], holder, T0, 60_000);
    await leases.lease(['+15550100'], other, T0, 60_000);
    expect(await leases.position(other, T0)).toBe(1);
    const teardown = teardownAt('cleanup', '111111111111', { data: { phoneLine: '+15550100' } });
    await releasePhoneLine(leases)(stepContext(teardown, { now: T0 }));
    expect(await leases.holderOf('+15550100', T0)).toBeUndefined();
    // The next one in the queue gets it.
    expect(await leases.lease(['+15550100'], other, T0, 60_000)).toMatchObject({ line: '+15550100' });
  });

  it('sets the timer that deletes the root credentials after the configured post-closure period', async () => {
    const timers: TimerRequest[] = [];
    const clean = forgetRootCredentialsLater({ schedule: async (t) => void timers.push(t) });
    const config = testConfig({ TEARDOWN_ROOT_CREDENTIALS_RETENTION: '30d' });
    await clean(
      stepContext(teardownAt('cleanup', '111111111111', { strategy: 'remove' }), { now: T0, config }),
    );
    await clean(
      stepContext(teardownAt('cleanup', '222222222222', { strategy: 'close' }), { now: T0, config }),
    );
    expect(timers).toEqual([
      {
        accountId: '111111111111',
        teardownId: 't-unit',
        at: T0 + 30 * 86_400_000,
        key: 't-unit-forget-root',
        action: 'forget-root-credentials',
      },
    ]);
  });

  it('deletes the credentials when the timer fires; while a newer teardown of the account runs, looks again a day later', async () => {
    const forgotten: string[] = [];
    const credentials = { forget: async (id: string) => void forgotten.push(id) };
    const timers: TimerRequest[] = [];
    const deps = {
      credentials,
      timers: { schedule: async (t: TimerRequest) => void timers.push(t) },
      logger: createLogger('unit', { logLevel: 'ERROR' }),
      now: () => T0,
    };
    const newer = teardownAt('sign-in', '111111111111', { teardownId: 't-newer' });
    const item = { accountId: '111111111111' as never, teardownId: 't-unit' };
    expect(await forgetRootCredentials({ ...deps, teardowns: { get: async () => newer } }, item)).toEqual({
      forgotten: false,
    });
    expect(forgotten).toEqual([]);
    expect(timers).toEqual([
      {
        ...item,
        at: T0 + 86_400_000,
        key: `t-unit-forget-root-${T0 + 86_400_000}`,
        action: 'forget-root-credentials',
      },
    ]);
    const ended = { ...newer, teardownId: 't-newer', status: 'succeeded' as const };
    expect(await forgetRootCredentials({ ...deps, teardowns: { get: async () => ended } }, item)).toEqual({
      forgotten: true,
    });
    expect(forgotten).toEqual(['111111111111']);
  });
});
