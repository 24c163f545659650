// Tests src/pipeline/steps/await-reset-mail.ts: waiting for the mail Lambda's link, and asking again without it.
import { describe, expect, it } from 'vitest';
import { STEPS } from '../../../src/pipeline/catalogue';
import { awaitResetMailStep, RESET_REQUESTS_AGAIN } from '../../../src/pipeline/steps/await-reset-mail';
import { stepContext, teardownAt, testConfig } from '../../support/fakes';

const LINK = 'https://signin.aws.amazon.com/resetpassword?token=abc123';

describe('await-reset-mail step', () => {
  it('waits for the reset link as long as the mail deadline says', async () => {
    expect(await awaitResetMailStep.run(stepContext(teardownAt('await-reset-mail', '111111111111')))).toEqual(
      {
        type: 'await',
        signal: 'reset-link',
        // Not the step's title again ("Wait for the password reset mail — waiting for the password reset mail").
        reason: "waiting for AWS's mail to the root address",
      },
    );
    expect(STEPS['await-reset-mail'].waitsFor).toEqual({ signal: 'reset-link', deadline: 'mailMs' });
  });

  it('hands the link to the next step apart from data and notes, where nothing shows it', () => {
    const teardown = teardownAt('await-reset-mail', '111111111111');
    const outcome = STEPS['await-reset-mail'].rules.onSignal['reset-link']?.(
      { teardown, now: teardown.stepStartedAt, config: testConfig() },
      { name: 'reset-link', actor: 'mail', payload: { link: LINK } },
    );
    expect(outcome).toEqual({ type: 'done', note: 'reset mail received', handoff: { resetLink: LINK } });
  });

  it('goes back to request another reset when no mail came in time, a bounded number of times', () => {
    const config = testConfig();
    const since = Date.UTC(2026, 2, 1, 12);
    const wait = {
      signal: 'reset-link' as const,
      since,
      until: since + config.deadlines.mailMs,
      reason: 'r',
    };
    const teardown = teardownAt('await-reset-mail', '111111111111', { stepStatus: 'waiting', wait });
    expect(
      STEPS['await-reset-mail'].rules.onDeadline({ teardown, now: wait.until, config }, 'reset-link'),
    ).toEqual({
      type: 'back-to',
      step: 'request-reset',
      reason: 'no reset mail came within 15m; asking for another',
      max: RESET_REQUESTS_AGAIN,
    });
  });
});
