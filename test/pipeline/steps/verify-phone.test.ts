// Tests the wait rules of src/pipeline/steps/verify-phone.ts (its page flow is the browser worker's).
import { describe, expect, it } from 'vitest';
import { STEPS } from '../../../src/pipeline/catalogue';
import { teardownAt, testConfig } from '../../support/fakes';

describe('verify-phone step rules', () => {
  const teardown = teardownAt('verify-phone', '111111111111', { strategy: 'remove' });
  const ctx = { teardown, now: teardown.stepStartedAt, config: testConfig() };

  it('types the code that reached our line in on the next run', () => {
    expect(
      STEPS['verify-phone'].rules.onSignal['phone-code']?.(ctx, {
        name: 'phone-code',
        actor: 'phone',
        payload: { code: '4821', line: '+15550100' },
      }),
    ).toEqual({
      type: 'rerun',
      reason: 'verification code received on +15550100',
      handoff: { phoneCode: '4821' },
    });
  });

  it.each([
    ['done', { type: 'done', note: 'done by hand by UAPPROVER1' }],
    ['retry', { type: 'rerun', reason: 'retry asked by UAPPROVER1' }],
    ['abort', { type: 'end', status: 'cancelled', reason: 'Aborted by UAPPROVER1.' }],
  ] as const)('follows a person’s %s', (choice, expected) => {
    expect(
      STEPS['verify-phone'].rules.onSignal.human?.(ctx, {
        name: 'human',
        actor: 'UAPPROVER1',
        payload: { choice },
      }),
    ).toEqual(expected);
  });

  it('fails when no one answers a prompt in time, saying for how long it waited', () => {
    const waiting = {
      ...teardown,
      wait: { signal: 'human' as const, since: 0, until: 86_400_000, reason: 'x' },
    };
    expect(STEPS['verify-phone'].rules.onDeadline({ ...ctx, teardown: waiting }, 'human')).toEqual({
      type: 'end',
      status: 'failed',
      reason: 'No one gave an answer from a person within 1d.',
    });
  });
});

describe('verify-phone when no code signal comes', () => {
  it('runs the step again at the deadline, to read the code off the line itself', () => {
    const teardown = teardownAt('verify-phone', '111111111111', {
      strategy: 'remove',
      wait: { signal: 'phone-code', since: 0, until: 15 * 60_000, reason: 'waiting for the code' },
    });
    const ctx = { teardown, now: 15 * 60_000, config: testConfig() };
    expect(STEPS['verify-phone'].rules.onDeadline(ctx, 'phone-code')).toEqual({
      type: 'rerun',
      reason: 'no verification code signal within 15m; looking at the line again',
    });
    // The wait lasts the configured mail deadline, not a person's day.
    expect(STEPS['verify-phone'].waitsFor).toEqual({ signal: 'phone-code', deadline: 'mailMs' });
  });
});
