// Tests the wait rules of src/pipeline/steps/sign-in.ts (its page flow is the browser worker's).
import { describe, expect, it } from 'vitest';
import { STEPS } from '../../../src/pipeline/catalogue';
import { teardownAt, testConfig } from '../../support/fakes';

describe('sign-in step rules', () => {
  const teardown = teardownAt('sign-in', '111111111111', { strategy: 'remove' });
  const ctx = { teardown, now: teardown.stepStartedAt, config: testConfig() };

  it('runs the sign-in again with the code AWS mailed, handed over, never in data', () => {
    expect(
      STEPS['sign-in'].rules.onSignal['sign-in-code']?.(ctx, {
        name: 'sign-in-code',
        actor: 'mail',
        payload: { code: '123456' },
      }),
    ).toEqual({ type: 'rerun', reason: 'sign-in code received', handoff: { signInCode: '123456' } });
    expect(STEPS['sign-in'].waitsFor).toEqual({ signal: 'sign-in-code', deadline: 'mailMs' });
  });

  it('hands a person’s CAPTCHA answer to the next run', () => {
    expect(
      STEPS['sign-in'].rules.onSignal['captcha-answer']?.(ctx, {
        name: 'captcha-answer',
        actor: 'UAPPROVER1',
        payload: { answer: 'x7Kq2' },
      }),
    ).toEqual({
      type: 'rerun',
      reason: 'CAPTCHA answered by UAPPROVER1',
      handoff: { captchaAnswer: 'x7Kq2' },
    });
  });
});
