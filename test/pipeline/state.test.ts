import { describe, expect, it } from 'vitest';
import { parseAccountId } from '../../src/common/account-id';
import type { Strategy } from '../../src/common/config';
import { STRATEGY_STEPS, type StepName } from '../../src/pipeline/catalogue';
import type { Teardown } from '../../src/pipeline/model';
import type { SignalName } from '../../src/pipeline/signals';
import {
  applyFailure,
  applyOutcome,
  cancel,
  claim,
  newTeardown,
  type Transition,
} from '../../src/pipeline/state';
import type { Screenshot, StepOutcome } from '../../src/pipeline/step-handler';

const ACCOUNT = parseAccountId('012345678901');
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MINUTE = 60_000;
// The runner passes when each signal's wait ends (from the catalogue); here, fixed times per signal.
const DEADLINE: Record<SignalName, number> = {
  approval: T0 + 24 * 60 * MINUTE,
  'captcha-answer': T0 + 30 * MINUTE,
  'reset-link': T0 + 15 * MINUTE,
  'sign-in-code': T0 + 15 * MINUTE,
  'phone-code': T0 + 30 * MINUTE,
  human: T0 + 60 * MINUTE,
};
const apply = (current: Teardown, outcome: StepOutcome, actor: string, now: number) =>
  applyOutcome(current, outcome, actor, now, (signal) => DEADLINE[signal]);
const SCREENSHOT: Screenshot = { filename: 'captcha.png', title: 'CAPTCHA', png: new Uint8Array([137, 80]) };

function requested(strategy: Strategy = 'close'): Teardown {
  return newTeardown({
    accountId: ACCOUNT,
    teardownId: 'td-1',
    strategy,
    requester: 'U0REQUEST',
    now: T0,
  }).next;
}

/** A teardown of `strategy` whose current step is `step`, claimed by a worker (as the runner runs it). */
function runningAt(step: StepName, strategy: Strategy = 'close', changes: Partial<Teardown> = {}): Teardown {
  const base = { ...requested(strategy), step, version: 7, attempt: 0, failures: 0, ...changes };
  return claim(base, 'worker-a', T0 + MINUTE, 2 * MINUTE).next;
}

describe('newTeardown', () => {
  it('starts at a pending preflight, version 1, with nothing done yet', () => {
    const { next } = newTeardown({
      accountId: ACCOUNT,
      teardownId: 'td-1',
      strategy: 'remove',
      requester: 'U0REQUEST',
      now: T0,
    });
    expect(next).toEqual({
      accountId: ACCOUNT,
      teardownId: 'td-1',
      status: 'active',
      strategy: 'remove',
      requester: 'U0REQUEST',
      step: 'preflight',
      stepStatus: 'pending',
      stepStartedAt: T0,
      attempt: 0,
      failures: 0,
      version: 1,
      createdAt: T0,
      updatedAt: T0,
      data: {},
    });
  });

  it('keeps the reason and the Slack placement when given', () => {
    const slack = { channel: 'C0TEARDOWN', requestTs: '1700000000.000100' };
    const { next, event } = newTeardown({
      accountId: ACCOUNT,
      teardownId: 'td-1',
      strategy: 'close',
      requester: 'U0REQUEST',
      reason: 'project ended',
      slack,
      now: T0,
    });
    expect(next.reason).toBe('project ended');
    expect(next.slack).toEqual(slack);
    expect(event.detail).toBe('project ended');
  });

  it('logs who asked, as the first event', () => {
    const { event } = newTeardown({
      accountId: ACCOUNT,
      teardownId: 'td-1',
      strategy: 'close',
      requester: 'U0REQUEST',
      now: T0,
    });
    expect(event).toEqual({
      accountId: ACCOUNT,
      teardownId: 'td-1',
      version: 1,
      at: T0,
      actor: 'U0REQUEST',
      action: 'requested',
      step: 'preflight',
      attempt: 0,
      outcome: 'pending',
    });
  });
});

describe('claim', () => {
  it('gives the step to one worker with a lease, counting the attempt', () => {
    const current = requested();
    const { next, event } = claim(current, 'worker-a', T0 + 5_000, 2 * MINUTE);

    expect(next).toMatchObject({
      stepStatus: 'running',
      lease: { owner: 'worker-a', expiresAt: T0 + 5_000 + 2 * MINUTE },
      attempt: 1,
      failures: 0,
      version: 2,
      updatedAt: T0 + 5_000,
    });
    expect(event).toMatchObject({
      action: 'claimed',
      actor: 'worker-a',
      outcome: 'running',
      step: 'preflight',
      attempt: 1,
      version: 2,
      at: T0 + 5_000,
    });
    expect(event.detail).toBeUndefined();
  });

  it('ends the wait of a waiting step', () => {
    const waiting = apply(
      runningAt('await-closed'),
      { type: 'wait', until: T0 + 10 * MINUTE, reason: 'still ACTIVE' },
      'worker-a',
      T0 + 2 * MINUTE,
    ).next;
    const { next, event } = claim(waiting, 'worker-b', T0 + 10 * MINUTE, 2 * MINUTE);
    expect(next.wait).toBeUndefined();
    expect(next.attempt).toBe(2);
    expect(event.action).toBe('claimed');
  });

  it('takes over a step whose worker’s lease ran out, counting that as a failure', () => {
    const abandoned = runningAt('close-via-api', 'close', { failures: 1 });
    const { next, event } = claim(abandoned, 'worker-b', T0 + 10 * MINUTE, 2 * MINUTE);

    expect(next).toMatchObject({
      stepStatus: 'running',
      lease: { owner: 'worker-b', expiresAt: T0 + 12 * MINUTE },
      attempt: 2,
      failures: 2,
    });
    expect(event).toMatchObject({
      action: 'reclaimed',
      actor: 'worker-b',
      outcome: 'running',
      attempt: 2,
      detail: 'the previous worker’s lease expired',
    });
  });

  it('does not change the record it was given', () => {
    const current = requested();
    const copy = structuredClone(current);
    claim(current, 'worker-a', T0, MINUTE);
    expect(current).toEqual(copy);
  });
});

describe('applyOutcome: done', () => {
  it('moves on to the next step of the strategy, fresh', () => {
    const current = runningAt('approval', 'close', { failures: 2, lastError: 'throttled' });
    const { next } = apply(current, { type: 'done' }, 'worker-a', T0 + 3 * MINUTE);

    expect(next).toMatchObject({
      status: 'active',
      step: 'close-via-api',
      stepStatus: 'pending',
      stepStartedAt: T0 + 3 * MINUTE,
      attempt: 0,
      failures: 0,
      version: current.version + 1,
    });
    expect(next.lease).toBeUndefined();
    expect(next.wait).toBeUndefined();
    expect(next.lastError).toBeUndefined();
  });

  it('goes to the remove strategy’s next step for a remove teardown', () => {
    const { next } = apply(runningAt('approval', 'remove'), { type: 'done' }, 'w', T0);
    expect(next.step).toBe('allow-password-recovery');
  });

  it('names the step that finished in its event, not the one that comes next', () => {
    const current = runningAt('close-via-api');
    const { next, event } = apply(
      current,
      { type: 'done', note: 'CloseAccount accepted' },
      'worker-a',
      T0 + 3 * MINUTE,
    );
    expect(next.step).toBe('await-closed');
    expect(event).toEqual({
      accountId: ACCOUNT,
      teardownId: 'td-1',
      version: next.version,
      at: T0 + 3 * MINUTE,
      actor: 'worker-a',
      action: 'step-succeeded',
      step: 'close-via-api',
      attempt: current.attempt,
      outcome: 'succeeded',
      detail: 'CloseAccount accepted',
    });
  });

  it('keeps what earlier steps stored and adds the new data', () => {
    const current = runningAt('close-via-api', 'close', { data: { ouPath: 'Root / Sandbox' } });
    const { next } = apply(current, { type: 'done', data: { closeRequestedAt: T0 } }, 'w', T0);
    expect(next.data).toEqual({ ouPath: 'Root / Sandbox', closeRequestedAt: T0 });
  });

  it('finishes the teardown after its last step', () => {
    const current = runningAt('cleanup');
    const { next, event } = apply(
      current,
      { type: 'done', note: 'Account closed.' },
      'worker-a',
      T0 + 9 * MINUTE,
    );
    expect(next).toMatchObject({
      status: 'succeeded',
      step: 'cleanup',
      stepStatus: 'succeeded',
      endedAt: T0 + 9 * MINUTE,
      outcome: 'Account closed.',
    });
    expect(next.lease).toBeUndefined();
    expect(event).toMatchObject({ action: 'step-succeeded', step: 'cleanup', outcome: 'succeeded' });
  });

  it.each(['close', 'remove'] as const)('runs every %s step in order and then succeeds', (strategy) => {
    let current = requested(strategy);
    const finished: StepName[] = [];
    let now = T0;
    while (current.status === 'active') {
      now += MINUTE;
      const claimed = claim(current, 'w', now, MINUTE).next;
      const { next, event } = apply(claimed, { type: 'done' }, 'w', now);
      finished.push(event.step);
      current = next;
    }
    expect(finished).toEqual(STRATEGY_STEPS[strategy]);
    expect(current.status).toBe('succeeded');
  });

  it('passes the step’s screenshot on with the transition', () => {
    const transition = apply(
      runningAt('sign-in', 'remove'),
      { type: 'done', screenshot: SCREENSHOT },
      'w',
      T0,
    );
    expect(transition.screenshot).toBe(SCREENSHOT);
    expect('screenshot' in apply(runningAt('preflight'), { type: 'done' }, 'w', T0)).toBe(false);
  });
});

describe('applyOutcome: wait', () => {
  it('waits for a signal until the deadline declared for it, with the reason shown to people', () => {
    const current = runningAt('approval', 'close', { failures: 2 });
    const { next, event } = apply(
      current,
      { type: 'await', signal: 'approval', reason: 'waiting for an approver' },
      'worker-a',
      T0 + MINUTE,
    );
    expect(next).toMatchObject({
      status: 'active',
      step: 'approval',
      stepStatus: 'waiting',
      wait: {
        signal: 'approval',
        until: DEADLINE.approval,
        since: T0 + MINUTE,
        reason: 'waiting for an approver',
      },
      failures: 0,
      attempt: current.attempt,
      version: current.version + 1,
    });
    expect(next.lease).toBeUndefined();
    expect(event).toMatchObject({
      action: 'waiting',
      outcome: 'waiting',
      step: 'approval',
      detail: 'waiting for an approver',
    });
  });

  it('waits only for time to pass when no signal is named', () => {
    const { next } = apply(
      runningAt('await-closed'),
      { type: 'wait', until: T0 + 5 * MINUTE, reason: 'account still ACTIVE' },
      'w',
      T0,
    );
    expect(next.wait).toEqual({ until: T0 + 5 * MINUTE, since: T0, reason: 'account still ACTIVE' });
  });

  it('keeps data the step stored and passes its screenshot on', () => {
    const transition = apply(
      runningAt('request-reset', 'remove', { data: { a: 1 } }),
      {
        type: 'await',
        reason: 'solve the CAPTCHA',
        signal: 'captcha-answer',
        data: { b: 2 },
        screenshot: SCREENSHOT,
      },
      'w',
      T0,
    );
    expect(transition.next.data).toEqual({ a: 1, b: 2 });
    expect(transition.screenshot).toBe(SCREENSHOT);
  });
});

describe('applyOutcome: end', () => {
  it('fails the teardown, keeping the reason as its last error', () => {
    const { next, event } = apply(
      runningAt('await-closed'),
      { type: 'end', status: 'failed', reason: 'still ACTIVE after 2h' },
      'worker-a',
      T0 + 5 * MINUTE,
    );
    expect(next).toMatchObject({
      status: 'failed',
      stepStatus: 'failed',
      step: 'await-closed',
      endedAt: T0 + 5 * MINUTE,
      outcome: 'still ACTIVE after 2h',
      lastError: 'still ACTIVE after 2h',
    });
    expect(next.lease).toBeUndefined();
    expect(event).toMatchObject({ action: 'ended', outcome: 'failed', detail: 'still ACTIVE after 2h' });
  });

  it('marks the step cancelled, not failed, when the teardown is cancelled', () => {
    const { next, event } = apply(
      runningAt('approval'),
      { type: 'end', status: 'cancelled', reason: 'Cancelled by U0REQUEST.' },
      'U0REQUEST',
      T0,
    );
    expect(next).toMatchObject({
      status: 'cancelled',
      stepStatus: 'cancelled',
      outcome: 'Cancelled by U0REQUEST.',
    });
    expect(next.lastError).toBeUndefined();
    expect(event).toMatchObject({ actor: 'U0REQUEST', action: 'ended', outcome: 'cancelled' });
  });

  it.each(['refused', 'denied', 'expired'] as const)('ends as %s with the step marked failed', (status) => {
    const { next, event } = apply(runningAt('approval'), { type: 'end', status, reason: 'why' }, 'w', T0);
    expect(next).toMatchObject({ status, stepStatus: 'failed', outcome: 'why', endedAt: T0 });
    expect(next.lastError).toBeUndefined();
    expect(event.outcome).toBe(status);
  });

  it('cancel() ends the teardown as cancelled, naming who cancelled', () => {
    const { next, event } = cancel(runningAt('await-closed'), 'U0REQUEST', 'no longer needed', T0);
    expect(next).toMatchObject({ status: 'cancelled', stepStatus: 'cancelled', outcome: 'no longer needed' });
    expect(event).toMatchObject({ actor: 'U0REQUEST', outcome: 'cancelled', detail: 'no longer needed' });
  });
});

describe('applyOutcome: switch-strategy', () => {
  it.each<StepName>(['close-via-api', 'await-closed'])(
    'goes on from close (at %s) with the first remove step not done yet: allow-password-recovery',
    (step) => {
      const current = runningAt(step, 'close', { failures: 1 });
      const { next, event } = apply(
        current,
        { type: 'switch-strategy', strategy: 'remove', reason: 'close quota used up' },
        'worker-a',
        T0 + MINUTE,
      );
      expect(next).toMatchObject({
        status: 'active',
        strategy: 'remove',
        step: 'allow-password-recovery',
        stepStatus: 'pending',
        stepStartedAt: T0 + MINUTE,
        attempt: 0,
        failures: 0,
        version: current.version + 1,
      });
      expect(next.lease).toBeUndefined();
      expect(event).toMatchObject({
        action: 'strategy-switched',
        outcome: 'remove',
        step: 'allow-password-recovery',
        detail: 'close quota used up',
      });
    },
  );

  it('goes on from remove to close without repeating preflight or approval', () => {
    const { next } = apply(
      runningAt('allow-password-recovery', 'remove'),
      { type: 'switch-strategy', strategy: 'close', reason: 'asked to close instead' },
      'w',
      T0,
    );
    expect(next).toMatchObject({ strategy: 'close', step: 'close-via-api', stepStatus: 'pending' });
  });
});

describe('applyFailure', () => {
  const RETRY = { retryable: true, maxFailures: 5, delayMs: 8_000 };

  it('retries a retryable error after the delay while under the limit', () => {
    const current = runningAt('close-via-api');
    const { next, event } = applyFailure(current, 'ThrottlingException: slow down', RETRY, 'worker-a', T0);

    expect(next).toMatchObject({
      status: 'active',
      step: 'close-via-api',
      stepStatus: 'waiting',
      wait: { until: T0 + 8_000, since: T0, reason: 'retry 1 of 4 after an error' },
      failures: 1,
      lastError: 'ThrottlingException: slow down',
      version: current.version + 1,
    });
    expect(next.wait?.signal).toBeUndefined();
    expect(next.lease).toBeUndefined();
    expect(event).toMatchObject({
      action: 'retry-scheduled',
      outcome: 'waiting',
      step: 'close-via-api',
      detail: 'ThrottlingException: slow down',
    });
  });

  it('counts up the retries', () => {
    const { next } = applyFailure(
      runningAt('close-via-api', 'close', { failures: 3 }),
      'boom',
      RETRY,
      'w',
      T0,
    );
    expect(next.stepStatus).toBe('waiting');
    expect(next.failures).toBe(4);
    expect(next.wait?.reason).toBe('retry 4 of 4 after an error');
  });

  it('fails the teardown once the limit is reached, saying how many attempts were made', () => {
    const current = runningAt('close-via-api', 'close', { failures: 4 });
    const { next, event } = applyFailure(current, 'ThrottlingException: slow down', RETRY, 'worker-a', T0);

    expect(next).toMatchObject({
      status: 'failed',
      stepStatus: 'failed',
      failures: 5,
      endedAt: T0,
      outcome: 'ThrottlingException: slow down (gave up after 5 attempts)',
      lastError: 'ThrottlingException: slow down (gave up after 5 attempts)',
      version: current.version + 1,
    });
    expect(event).toMatchObject({
      action: 'ended',
      outcome: 'failed',
      detail: 'ThrottlingException: slow down (gave up after 5 attempts)',
    });
  });

  it('fails at once on an error that retrying cannot fix', () => {
    const current = runningAt('close-via-api');
    const { next } = applyFailure(
      current,
      'AccessDeniedException: not allowed',
      { ...RETRY, retryable: false },
      'worker-a',
      T0,
    );
    expect(next).toMatchObject({
      status: 'failed',
      stepStatus: 'failed',
      failures: 1,
      outcome: 'AccessDeniedException: not allowed',
      lastError: 'AccessDeniedException: not allowed',
      version: current.version + 1,
    });
  });
});

describe('applyOutcome: rerun', () => {
  it('runs the same step again, keeping its attempts and handing over what the signal brought', () => {
    const current = runningAt('request-reset', 'remove', { attempt: 2, failures: 1, handoff: { kept: 'k' } });
    const { next, event } = apply(
      current,
      { type: 'rerun', reason: 'CAPTCHA answered by U1', handoff: { captchaAnswer: 'x7Kq2' } },
      'U1',
      T0 + MINUTE,
    );
    expect(next).toMatchObject({
      step: 'request-reset',
      stepStatus: 'pending',
      attempt: current.attempt,
      failures: 0,
    });
    expect(next.handoff).toEqual({ kept: 'k', captchaAnswer: 'x7Kq2' });
    expect(next.wait).toBeUndefined();
    expect(event).toMatchObject({
      action: 'rerun',
      outcome: 'pending',
      actor: 'U1',
      detail: 'CAPTCHA answered by U1',
    });
    // What was handed over never reaches the event log.
    expect(JSON.stringify(event)).not.toContain('x7Kq2');
  });

  it('drops handed-over values set to null, and the whole hand-over once it is empty', () => {
    const current = runningAt('cleanup', 'remove', {
      handoff: { resetLink: 'https://x', captchaAnswer: 'a' },
    });
    const { next } = apply(
      current,
      { type: 'done', handoff: { resetLink: null, captchaAnswer: null } },
      'w',
      T0,
    );
    expect(next.handoff).toBeUndefined();
  });
});

describe('applyOutcome: back-to', () => {
  it('goes back to an earlier step of the strategy, counting how often', () => {
    const current = runningAt('await-reset-mail', 'remove', { attempt: 3 });
    const { next, event } = apply(
      current,
      { type: 'back-to', step: 'request-reset', reason: 'no mail', max: 2 },
      'w',
      T0 + MINUTE,
    );
    expect(next).toMatchObject({
      step: 'request-reset',
      stepStatus: 'pending',
      stepStartedAt: T0 + MINUTE,
      attempt: 0,
      backSteps: { 'request-reset': 1 },
    });
    expect(event).toMatchObject({
      action: 'went-back',
      step: 'await-reset-mail',
      outcome: 'request-reset',
      detail: 'no mail',
    });
  });

  it('asks a person instead once it went back as often as allowed', () => {
    const current = runningAt('await-reset-mail', 'remove', { backSteps: { 'request-reset': 2 } });
    const { next } = apply(
      current,
      { type: 'back-to', step: 'request-reset', reason: 'no mail', max: 2 },
      'w',
      T0,
    );
    expect(next).toMatchObject({
      step: 'await-reset-mail',
      stepStatus: 'waiting',
      backSteps: { 'request-reset': 2 },
      wait: {
        signal: 'human',
        until: DEADLINE.human,
        reason: 'no mail; went back to request a root password reset 2 times already',
        retryGoesBackTo: 'request-reset',
      },
    });
  });

  // Regression: "went back … 1 times already", after a reason's own full stop (". ; went back").
  it('says "once" for one earlier going back, after the reason without its full stop', () => {
    const current = runningAt('remove-from-org', 'remove', { backSteps: { 'complete-signup': 1 } });
    const { next } = apply(
      current,
      { type: 'back-to', step: 'complete-signup', reason: 'AWS refused the removal (card).', max: 1 },
      'w',
      T0,
    );
    expect(next.wait?.reason).toBe(
      'AWS refused the removal (card); went back to complete the billing sign-up once already',
    );
  });

  it('never goes to a step outside the teardown’s strategy', () => {
    const { next } = apply(
      runningAt('await-closed', 'close'),
      { type: 'back-to', step: 'request-reset', reason: 'r', max: 5 },
      'w',
      T0,
    );
    expect(next).toMatchObject({ step: 'await-closed', stepStatus: 'waiting', wait: { signal: 'human' } });
  });
});

describe('every transition', () => {
  const current = runningAt('approval', 'close', { version: 41 });
  const transitions: Array<[string, Transition]> = [
    ['claim', claim(current, 'w', T0, MINUTE)],
    ['done', apply(current, { type: 'done' }, 'w', T0 + 1)],
    ['wait', apply(current, { type: 'wait', until: T0, reason: 'r' }, 'w', T0 + 1)],
    ['end', apply(current, { type: 'end', status: 'denied', reason: 'r' }, 'w', T0 + 1)],
    ['switch', apply(current, { type: 'switch-strategy', strategy: 'remove', reason: 'r' }, 'w', T0 + 1)],
    ['retry', applyFailure(current, 'e', { retryable: true, maxFailures: 3, delayMs: 1 }, 'w', T0 + 1)],
    ['give up', applyFailure(current, 'e', { retryable: false, maxFailures: 3, delayMs: 1 }, 'w', T0 + 1)],
    ['cancel', cancel(current, 'U0REQUEST', 'r', T0 + 1)],
    ['await', apply(current, { type: 'await', signal: 'human', reason: 'r' }, 'w', T0 + 1)],
    ['rerun', apply(current, { type: 'rerun', reason: 'r' }, 'w', T0 + 1)],
    [
      'back-to',
      apply(
        runningAt('await-reset-mail', 'remove', { version: 41 }),
        { type: 'back-to', step: 'request-reset', reason: 'r', max: 1 },
        'w',
        T0 + 1,
      ),
    ],
  ];

  it.each(transitions)('%s raises the version by exactly one, in the record and its event', (_name, t) => {
    expect(t.next.version).toBe(current.version + 1);
    expect(t.event.version).toBe(t.next.version);
    expect(t.event.accountId).toBe(ACCOUNT);
    expect(t.event.teardownId).toBe('td-1');
  });

  it('leaves the record it was given untouched', () => {
    const before = runningAt('approval', 'close', { version: 41 });
    expect(current).toEqual(before);
  });
});
