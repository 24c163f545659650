import type { AccountId } from '../common/account-id';
import type { Strategy } from '../common/config';
import { nextStep, STEPS, STRATEGY_STEPS, type StepName } from './catalogue';
import type { Teardown, TeardownEvent } from './model';
import { SIGNAL, type SignalName } from './signals';
import type { Handoff, Screenshot, StepOutcome } from './step-handler';

/**
 * Pure state changes of a teardown. Each returns the next record (version + 1) and the event that explains it;
 * the runner writes both in one conditional write.
 */
export interface Transition {
  next: Teardown;
  event: TeardownEvent;
  screenshot?: Screenshot;
}

function bump(current: Teardown, now: number, changes: Partial<Teardown>): Teardown {
  return { ...current, ...changes, version: current.version + 1, updatedAt: now };
}

function eventFor(
  next: Teardown,
  now: number,
  actor: string,
  action: string,
  outcome: string,
  detail?: string,
): TeardownEvent {
  const event: TeardownEvent = {
    accountId: next.accountId,
    teardownId: next.teardownId,
    version: next.version,
    at: now,
    actor,
    action,
    step: next.step,
    attempt: next.attempt,
    outcome,
  };
  if (detail) event.detail = detail;
  return event;
}

export function newTeardown(input: {
  accountId: AccountId;
  teardownId: string;
  strategy: Strategy;
  requester: string;
  reason?: string;
  slack?: Teardown['slack'];
  now: number;
}): Transition {
  const next: Teardown = {
    accountId: input.accountId,
    teardownId: input.teardownId,
    status: 'active',
    strategy: input.strategy,
    requester: input.requester,
    step: 'preflight',
    stepStatus: 'pending',
    stepStartedAt: input.now,
    attempt: 0,
    failures: 0,
    version: 1,
    createdAt: input.now,
    updatedAt: input.now,
    data: {},
  };
  if (input.reason) next.reason = input.reason;
  if (input.slack) next.slack = input.slack;
  return { next, event: eventFor(next, input.now, input.requester, 'requested', 'pending', input.reason) };
}

/** Takes the current step for one worker: a lease until `leaseMs` from now. A lease that ran out counts as a failure. */
export function claim(current: Teardown, owner: string, now: number, leaseMs: number): Transition {
  const leaseLost = current.stepStatus === 'running';
  const next = bump(current, now, {
    stepStatus: 'running',
    lease: { owner, expiresAt: now + leaseMs },
    attempt: current.attempt + 1,
    failures: current.failures + (leaseLost ? 1 : 0),
    wait: undefined,
  });
  return {
    next,
    event: eventFor(
      next,
      now,
      owner,
      leaseLost ? 'reclaimed' : 'claimed',
      'running',
      leaseLost ? 'the previous worker’s lease expired' : undefined,
    ),
  };
}

function stepsDoneBefore(strategy: Strategy, step: StepName): Set<StepName> {
  const steps = STRATEGY_STEPS[strategy];
  return new Set(steps.slice(0, Math.max(0, steps.indexOf(step))));
}

/** When a wait for a signal ends by itself: from the step's declared deadline, or the people's one. */
export type DeadlineOf = (signal: SignalName) => number;

/**
 * Hand-over values belong to the step that runs next: a run again of the same step keeps (and adds to) them,
 * leaving a step drops them (a new step gets only what its transition handed over), and an ending drops them all.
 */
function withHandoff(current: Teardown['handoff'], handoff: Handoff | undefined): Teardown['handoff'] {
  if (!handoff) return current;
  const merged: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(handoff)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}

function waitingFor(
  current: Teardown,
  now: number,
  actor: string,
  wait: Omit<NonNullable<Teardown['wait']>, 'since'>,
  changes: Partial<Teardown> = {},
  screenshot?: Screenshot,
): Transition {
  const next = bump(current, now, {
    lease: undefined,
    stepStatus: 'waiting',
    wait: { ...wait, since: now },
    failures: 0,
    ...changes,
  });
  const event = eventFor(next, now, actor, 'waiting', 'waiting', wait.reason);
  return screenshot ? { next, event, screenshot } : { next, event };
}

/**
 * Records what a step run, a signal or a deadline decided. `deadlineOf` tells when a wait for a signal ends by
 * itself (declared once, in the catalogue).
 */
export function applyOutcome(
  current: Teardown,
  outcome: StepOutcome,
  actor: string,
  now: number,
  deadlineOf: DeadlineOf,
): Transition {
  // Leaving the wait (and, unless set below, the hand-over values of the step).
  const base = { lease: undefined, wait: undefined, handoff: undefined };
  switch (outcome.type) {
    case 'done': {
      const data = { ...current.data, ...outcome.data };
      const handoff = withHandoff(undefined, outcome.handoff);
      const following = nextStep(current.strategy, current.step);
      const next = following
        ? bump(current, now, {
            ...base,
            data,
            handoff,
            step: following,
            stepStatus: 'pending',
            stepStartedAt: now,
            attempt: 0,
            failures: 0,
            lastError: undefined,
          })
        : bump(current, now, {
            ...base,
            data,
            handoff,
            status: 'succeeded',
            stepStatus: 'succeeded',
            endedAt: now,
            outcome: outcome.note,
            lastError: undefined,
          });
      // The event names the step that finished, not the one that comes next.
      const event = eventFor(next, now, actor, 'step-succeeded', 'succeeded', outcome.note);
      event.step = current.step;
      event.attempt = current.attempt;
      return outcome.screenshot ? { next, event, screenshot: outcome.screenshot } : { next, event };
    }
    case 'wait':
      return waitingFor(
        current,
        now,
        actor,
        { until: outcome.until, reason: outcome.reason },
        { data: { ...current.data, ...outcome.data } },
        outcome.screenshot,
      );
    case 'await':
      return waitingFor(
        current,
        now,
        actor,
        { signal: outcome.signal, until: deadlineOf(outcome.signal), reason: outcome.reason },
        { data: { ...current.data, ...outcome.data } },
        outcome.screenshot,
      );
    case 'rerun': {
      const next = bump(current, now, {
        ...base,
        stepStatus: 'pending',
        failures: 0,
        handoff: withHandoff(current.handoff, outcome.handoff),
      });
      return { next, event: eventFor(next, now, actor, 'rerun', 'pending', outcome.reason) };
    }
    case 'back-to': {
      const times = current.backSteps?.[outcome.step] ?? 0;
      if (times >= outcome.max || !STRATEGY_STEPS[current.strategy].includes(outcome.step)) {
        // Going round in circles helps no one: a person decides (Done / Retry / Abort).
        const canGoBack = STRATEGY_STEPS[current.strategy].includes(outcome.step);
        return waitingFor(current, now, actor, {
          signal: SIGNAL.human,
          until: deadlineOf(SIGNAL.human),
          reason: `${outcome.reason.replace(/\.$/, '')}; went back to ${STEPS[outcome.step].title.toLowerCase()} ${times === 1 ? 'once' : `${times} times`} already`,
          ...(canGoBack ? { retryGoesBackTo: outcome.step } : {}),
        });
      }
      const next = bump(current, now, {
        ...base,
        step: outcome.step,
        stepStatus: 'pending',
        stepStartedAt: now,
        attempt: 0,
        failures: 0,
        backSteps: { ...current.backSteps, [outcome.step]: times + 1 },
      });
      const event = eventFor(next, now, actor, 'went-back', outcome.step, outcome.reason);
      event.step = current.step;
      return { next, event };
    }
    case 'end': {
      const next = bump(current, now, {
        ...base,
        status: outcome.status,
        stepStatus: outcome.status === 'cancelled' ? 'cancelled' : 'failed',
        endedAt: now,
        outcome: outcome.reason,
        ...(outcome.status === 'failed' ? { lastError: outcome.reason } : {}),
      });
      return { next, event: eventFor(next, now, actor, 'ended', outcome.status, outcome.reason) };
    }
    case 'switch-strategy': {
      const done = stepsDoneBefore(current.strategy, current.step);
      const step = STRATEGY_STEPS[outcome.strategy].find((s) => !done.has(s)) ?? 'cleanup';
      const next = bump(current, now, {
        ...base,
        strategy: outcome.strategy,
        step,
        stepStatus: 'pending',
        stepStartedAt: now,
        attempt: 0,
        failures: 0,
      });
      return {
        next,
        event: eventFor(next, now, actor, 'strategy-switched', outcome.strategy, outcome.reason),
      };
    }
  }
}

/** Ends a teardown; no deadline applies. */
function endWith(
  current: Teardown,
  outcome: Extract<StepOutcome, { type: 'end' }>,
  actor: string,
  now: number,
) {
  return applyOutcome(current, outcome, actor, now, () => now);
}

/** A failed run: retried after `delayMs` while failures stay under the limit, else the teardown fails. */
export function applyFailure(
  current: Teardown,
  message: string,
  retry: { retryable: boolean; maxFailures: number; delayMs: number },
  actor: string,
  now: number,
): Transition {
  const failures = current.failures + 1;
  if (retry.retryable && failures < retry.maxFailures) {
    const next = bump(current, now, {
      lease: undefined,
      stepStatus: 'waiting',
      wait: {
        until: now + retry.delayMs,
        since: now,
        reason: `retry ${failures} of ${retry.maxFailures - 1} after an error`,
      },
      failures,
      lastError: message,
    });
    return { next, event: eventFor(next, now, actor, 'retry-scheduled', 'waiting', message) };
  }
  const reason = retry.retryable ? `${message} (gave up after ${failures} attempts)` : message;
  return endWith({ ...current, failures }, { type: 'end', status: 'failed', reason }, actor, now);
}

export function cancel(current: Teardown, actor: string, reason: string, now: number): Transition {
  return endWith(current, { type: 'end', status: 'cancelled', reason }, actor, now);
}
