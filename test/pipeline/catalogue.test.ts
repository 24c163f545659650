import { describe, expect, it } from 'vitest';
import {
  IMPLEMENTED_STEPS,
  nextStep,
  type RetryPolicy,
  retryDelayMs,
  STEPS,
  STRATEGY_STEPS,
  type StepName,
} from '../../src/pipeline/catalogue';
import { pipelineStepHandlers } from '../../src/pipeline/pipeline-worker';
import { FakeOrganizations, FakeRootAccess, MemoryCloseLedger } from '../support/fakes';

// The step table of DESIGN.md ("The steps"), in its order, with the strategy and where each step runs.
const DESIGN_TABLE: Array<[StepName, 'both' | 'close' | 'remove']> = [
  ['preflight', 'both'],
  ['approval', 'both'],
  ['close-via-api', 'close'],
  ['await-closed', 'close'],
  ['allow-password-recovery', 'remove'],
  ['request-reset', 'remove'],
  ['await-reset-mail', 'remove'],
  ['set-password', 'remove'],
  ['sign-in', 'remove'],
  ['complete-signup', 'remove'],
  ['verify-phone', 'remove'],
  ['remove-from-org', 'remove'],
  ['close-as-root', 'remove'],
  ['cleanup', 'both'],
];

describe('STRATEGY_STEPS', () => {
  it('runs the close strategy in the order of the design table', () => {
    expect(STRATEGY_STEPS.close).toEqual(
      DESIGN_TABLE.filter(([, strategy]) => strategy !== 'remove').map(([step]) => step),
    );
    expect(STRATEGY_STEPS.close).toEqual([
      'preflight',
      'approval',
      'close-via-api',
      'await-closed',
      'cleanup',
    ]);
  });

  it('runs the remove strategy in the order of the design table', () => {
    expect(STRATEGY_STEPS.remove).toEqual(
      DESIGN_TABLE.filter(([, strategy]) => strategy !== 'close').map(([step]) => step),
    );
  });

  it('starts every teardown with preflight then approval, and ends it with cleanup', () => {
    for (const steps of Object.values(STRATEGY_STEPS)) {
      expect(steps.slice(0, 2)).toEqual(['preflight', 'approval']);
      expect(steps.at(-1)).toBe('cleanup');
    }
  });
});

describe('STEPS', () => {
  it('defines every step of the design table under its own name', () => {
    expect(Object.keys(STEPS).sort()).toEqual(DESIGN_TABLE.map(([step]) => step).sort());
    for (const [name, definition] of Object.entries(STEPS)) expect(definition.name).toBe(name);
  });

  it('hands exactly the browser steps to the browser worker', () => {
    const browserSteps = Object.values(STEPS)
      .filter((s) => s.worker === 'browser')
      .map((s) => s.name);
    expect(browserSteps.sort()).toEqual(
      ['request-reset', 'set-password', 'sign-in', 'complete-signup', 'verify-phone', 'close-as-root'].sort(),
    );
  });

  it('re-checks preflight before every step that changes the account for good', () => {
    const destructive = Object.values(STEPS)
      .filter((s) => s.destructive)
      .map((s) => s.name);
    expect(destructive.sort()).toEqual(['close-as-root', 'close-via-api', 'remove-from-org']);
  });

  it('declares how long each wait for a machine or an approver may take', () => {
    expect(STEPS.approval.waitsFor).toEqual({ signal: 'approval', deadline: 'approvalMs' });
    expect(STEPS['await-closed'].pollsFor).toBe('closeMs');
    expect(STEPS['await-reset-mail'].waitsFor).toEqual({ signal: 'reset-link', deadline: 'mailMs' });
    expect(STEPS['sign-in'].waitsFor).toEqual({ signal: 'sign-in-code', deadline: 'mailMs' });
    expect(STEPS['verify-phone'].waitsFor).toEqual({ signal: 'phone-code', deadline: 'mailMs' });
  });

  it('has a rule for every signal a step declares it waits for', () => {
    for (const step of Object.values(STEPS)) {
      if (step.waitsFor) expect(step.rules.onSignal[step.waitsFor.signal], step.name).toBeTypeOf('function');
    }
  });

  it('lets people answer a CAPTCHA or Done / Retry / Abort on every step', () => {
    for (const step of Object.values(STEPS)) {
      expect(step.rules.onSignal['captcha-answer'], step.name).toBeTypeOf('function');
      expect(step.rules.onSignal.human, step.name).toBeTypeOf('function');
    }
  });

  it('names only steps that exist, run by their own worker, as implemented', () => {
    for (const [worker, steps] of Object.entries(IMPLEMENTED_STEPS)) {
      for (const step of steps) expect(STEPS[step].worker).toBe(worker);
    }
  });

  it('lets a browser step keep its lease for longer than a 15-minute Lambda run', () => {
    for (const step of Object.values(STEPS).filter((s) => s.worker === 'browser'))
      expect(step.leaseMs).toBeGreaterThan(15 * 60_000);
  });
});

describe('nextStep', () => {
  it('walks each strategy from preflight to cleanup, then stops', () => {
    for (const [strategy, steps] of Object.entries(STRATEGY_STEPS) as Array<
      [keyof typeof STRATEGY_STEPS, readonly StepName[]]
    >) {
      const walked: StepName[] = ['preflight'];
      for (let step = nextStep(strategy, 'preflight'); step; step = nextStep(strategy, step))
        walked.push(step);
      expect(walked).toEqual(steps);
    }
  });

  it('goes from approval to the strategy’s first own step', () => {
    expect(nextStep('close', 'approval')).toBe('close-via-api');
    expect(nextStep('remove', 'approval')).toBe('allow-password-recovery');
  });

  it('has nothing after cleanup', () => {
    expect(nextStep('close', 'cleanup')).toBeUndefined();
    expect(nextStep('remove', 'cleanup')).toBeUndefined();
  });

  it('has nothing after a step that is not part of the strategy', () => {
    expect(nextStep('close', 'sign-in')).toBeUndefined();
    expect(nextStep('remove', 'await-closed')).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  const policy: RetryPolicy = { maxFailures: 10, baseDelayMs: 1_000, maxDelayMs: 10_000 };
  const lowest = () => 0;
  const highest = () => 1;

  it('doubles the ceiling with every failure', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(policy, n, highest))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('never waits longer than the policy’s maximum', () => {
    expect(retryDelayMs(policy, 5, highest)).toBe(10_000);
    expect(retryDelayMs(policy, 50, highest)).toBe(10_000);
    expect(retryDelayMs(policy, 5000, highest)).toBe(10_000);
  });

  it('waits at least half the ceiling', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(policy, n, lowest))).toEqual([
      500, 1_000, 2_000, 4_000, 5_000, 5_000,
    ]);
  });

  it('spreads the delay between half and the full ceiling with the random number', () => {
    expect(retryDelayMs(policy, 3, () => 0.5)).toBe(3_000);
    expect(retryDelayMs(policy, 3, () => 0.25)).toBe(2_500);
  });

  it('stays within bounds for any random draw', () => {
    for (let failures = 1; failures <= 8; failures++) {
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
      for (let i = 0; i < 50; i++) {
        const delay = retryDelayMs(policy, failures);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('treats a first call with zero failures like the first retry', () => {
    expect(retryDelayMs(policy, 0, highest)).toBe(1_000);
  });

  it('gives the real API steps a short first retry and the browser steps a longer one', () => {
    expect(retryDelayMs(STEPS['close-via-api'].retry, 1, lowest)).toBe(1_000);
    expect(retryDelayMs(STEPS['close-via-api'].retry, 20, highest)).toBe(60_000);
    expect(retryDelayMs(STEPS['sign-in'].retry, 1, lowest)).toBe(15_000);
    expect(retryDelayMs(STEPS['sign-in'].retry, 20, highest)).toBe(300_000);
  });
});

describe('IMPLEMENTED_STEPS', () => {
  // The bot refuses a strategy up front from this list: it must be exactly what the pipeline worker runs.
  it('names exactly the steps the pipeline worker has handlers for', () => {
    const handlers = pipelineStepHandlers({
      orgs: new FakeOrganizations(),
      ledger: new MemoryCloseLedger(),
      rootAccess: new FakeRootAccess(),
    });
    expect(Object.keys(handlers).sort()).toEqual([...IMPLEMENTED_STEPS.pipeline].sort());
  });
});
