// Tests src/pipeline/steps/cleanup.ts.
import { describe, expect, it } from 'vitest';
import { cleanupStep } from '../../../src/pipeline/steps/cleanup';
import { stepContext, teardownAt } from '../../support/fakes';

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
