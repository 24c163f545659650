import { describe, expect, it } from 'vitest';
import type { TeardownEvent } from '../../../src/pipeline/model';
import { stepReply, wentBackReply } from '../../../src/slack/render/thread';
import { NOW, summary, teardown } from '../support/teardown-fixture';

describe('thread replies', () => {
  it('has one reply per finished step with its note, e-mail addresses masked', () => {
    const event: TeardownEvent = {
      accountId: summary.accountId,
      teardownId: 't-1',
      version: 3,
      at: NOW,
      actor: 'worker',
      action: 'step-succeeded',
      step: 'preflight',
      attempt: 1,
      outcome: 'succeeded',
      detail: 'sandbox-alice <sandbox-alice@sandboxes.example.com> in Root / Sandbox',
    };
    expect(stepReply(teardown(), event, NOW - 2000)).toBe(
      ':white_check_mark: Step 1 of 5 · Check the account may be torn down — sandbox-alice &lt;s***-alice@sandboxes.example.com&gt; in Root / Sandbox (2s)',
    );
  });

  it('says where the teardown went back to, and why', () => {
    const event: TeardownEvent = {
      accountId: summary.accountId,
      teardownId: 't-1',
      version: 9,
      at: NOW,
      actor: 'pipeline',
      action: 'went-back',
      step: 'await-reset-mail',
      attempt: 1,
      outcome: 'request-reset',
      detail: 'no reset mail came within 15m; asking for another',
    };
    const back = teardown({ strategy: 'remove', step: 'request-reset', stepStatus: 'pending' });
    expect(wentBackReply(back, event)).toBe(
      ':leftwards_arrow_with_hook: Back to step 4 of 12 · Request a root password reset — no reset mail came within 15m; asking for another',
    );
  });
});
