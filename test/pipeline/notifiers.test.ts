// Tests src/pipeline/notifiers.ts leftoversNotifier: a remove teardown that ends without succeeding is cleaned as
// cleanup would clean it; nothing else is touched, and a cleaner's failure does not undo the saved ending.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/common/logger';
import type { TeardownEvent } from '../../src/pipeline/model';
import { leftoversNotifier } from '../../src/pipeline/notifiers';
import type { Cleaner } from '../../src/pipeline/steps/cleanup';
import { teardownAt, testConfig } from '../support/fakes';

const logger = createLogger('unit', { logLevel: 'ERROR' });

function notice(action: string, changes: Parameters<typeof teardownAt>[2] = {}) {
  const teardown = teardownAt('verify-phone', '111111111111', {
    strategy: 'remove',
    approver: 'UAPPROVER1',
    ...changes,
  });
  const event: TeardownEvent = {
    accountId: teardown.accountId,
    teardownId: teardown.teardownId,
    version: teardown.version,
    at: 0,
    actor: 'UAPPROVER1',
    action,
    step: teardown.step,
    attempt: 1,
    outcome: teardown.status,
  };
  return { teardown, previous: undefined, event };
}

describe('leftovers of a teardown that ended without succeeding', () => {
  it('are cleaned when a remove teardown is aborted or fails, and only then', async () => {
    const cleaned: string[] = [];
    const cleaners: Cleaner[] = [
      async ({ teardown }) => void cleaned.push(`session of ${teardown.teardownId}`),
      async ({ teardown }) => void cleaned.push(`line of ${teardown.teardownId}`),
    ];
    const notifier = leftoversNotifier({ cleaners, config: testConfig(), logger });
    await notifier.notify(notice('ended', { status: 'cancelled' }));
    expect(cleaned).toEqual(['session of t-unit', 'line of t-unit']);
    cleaned.length = 0;
    // Not an ending, a close teardown (it leaves nothing behind), or a success (cleanup did it): nothing.
    await notifier.notify(notice('waiting'));
    await notifier.notify(notice('ended', { status: 'failed', strategy: 'close' }));
    await notifier.notify(notice('step-succeeded', { status: 'succeeded' }));
    await notifier.notify(notice('ended', { status: 'denied', approver: undefined }));
    expect(cleaned).toEqual([]);
  });

  it('runs every cleaner even when one fails, and throws nothing', async () => {
    const cleaned: string[] = [];
    const notifier = leftoversNotifier({
      cleaners: [
        async () => {
          throw new Error('Secrets Manager throttled');
        },
        async () => void cleaned.push('line'),
      ],
      config: testConfig(),
      logger,
    });
    await expect(notifier.notify(notice('ended', { status: 'failed' }))).resolves.toBeUndefined();
    expect(cleaned).toEqual(['line']);
  });
});
