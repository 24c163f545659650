import { describe, expect, it } from 'vitest';
import { validateMessageBlocks } from '../../../sim/slack';
import type { Teardown } from '../../../src/pipeline/model';
import { ACTION, decodeRef } from '../../../src/slack/ids';
import { requestMessage, statusText } from '../../../src/slack/render/request';
import { json, NOW, teardown } from '../support/teardown-fixture';

describe('the request message', () => {
  it('shows account, masked email, OU, age, strategy with quota, reason, requester and the two buttons', () => {
    const message = requestMessage(teardown(), {
      now: NOW,
      quota: { used: 3, limit: 250, left: 247, nextFreeAt: undefined },
    });
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    const text = json(message.blocks);
    for (const part of [
      'sandbox-alice',
      '012345678901',
      's***-alice@sandboxes.example.com',
      'Root / Sandbox',
      '3d 4h',
      'close quota: 3 used, 247 left of 250',
      '<@UREQUESTER1>',
      // People's text cannot mention the whole channel.
      'demo &lt;!channel&gt; over',
    ]) {
      expect(text).toContain(part);
    }
    expect(text).not.toContain('sandbox-alice@sandboxes');
    const actions = message.blocks.find((b) => b.type === 'actions');
    expect(actions).toMatchObject({
      elements: [
        { action_id: ACTION.approve, style: 'primary', confirm: { title: { text: 'Approve teardown?' } } },
        { action_id: ACTION.deny, style: 'danger' },
      ],
    });
    const value = (actions as { elements: Array<{ value: string }> }).elements[0]?.value;
    expect(decodeRef(value)).toEqual({ accountId: '012345678901', teardownId: 't-1' });
  });

  it('drops the buttons and says who decided and when once decided', () => {
    const decided = teardown({
      step: 'close-via-api',
      stepStatus: 'pending',
      wait: undefined,
      approver: 'UAPPROVER1',
      decidedAt: NOW - 30_000,
    });
    const message = requestMessage(decided, { now: NOW });
    expect(message.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(json(message.blocks)).toContain(
      `Approved by <@UAPPROVER1> on <!date^${Math.floor((NOW - 30_000) / 1000)}^{date_short_pretty} at {time}|2026-11-25 11:59 UTC>`,
    );
    expect(json(message.blocks)).toContain('Step 3 of 5:* Close the account through Organizations — queued');
  });
});

describe('status', () => {
  it('shows step n of m, state, elapsed time and the last error', () => {
    const retrying = teardown({
      step: 'close-via-api',
      stepStatus: 'waiting',
      wait: { until: NOW + 5000, reason: 'retry 1 of 4 after an error' },
      lastError: 'CloseAccount failed: TooManyRequestsException',
    });
    expect(statusText(retrying, NOW)).toBe(
      ':arrows_counterclockwise: *Step 3 of 5:* Close the account through Organizations — waiting: retry 1 of 4 after an error · 1m 30s elapsed\n' +
        ':warning: Last error: CloseAccount failed: TooManyRequestsException',
    );
    const done = teardown({
      status: 'succeeded',
      stepStatus: 'succeeded',
      step: 'cleanup',
      endedAt: NOW,
      outcome: 'closed',
    });
    expect(statusText(done, NOW)).toBe(':white_check_mark: *Succeeded* all 5 steps after 1m 30s: closed');
    const denied = teardown({
      status: 'denied',
      stepStatus: 'failed',
      endedAt: NOW,
      approver: 'UAPPROVER1',
      outcome: 'Denied by UAPPROVER1.',
    });
    expect(statusText(denied, NOW)).toBe(
      ':no_entry_sign: *Denied* by <@UAPPROVER1> at step 2 of 5 (Wait for a second person to approve) after 1m 30s',
    );
  });

  // Regression: the status read "waiting: waiting for an approver", "waiting: waiting for a free phone line".
  it('says "waiting" once, whether or not the reason says it', () => {
    const waitingFor = (wait: Teardown['wait'], step: Teardown['step'] = 'approval') =>
      statusText(teardown({ strategy: 'remove', step, wait }), NOW);
    expect(waitingFor({ signal: 'approval', until: NOW, reason: 'waiting for an approver' })).toBe(
      ':arrows_counterclockwise: *Step 2 of 12:* Wait for a second person to approve — waiting for an approver · 1m 30s elapsed',
    );
    expect(
      waitingFor(
        { until: NOW, reason: 'waiting for a free phone line (number 2 in the queue)' },
        'verify-phone',
      ),
    ).toContain('Verify the phone number — waiting for a free phone line (number 2 in the queue) · 1m 30s');
    expect(waitingFor({ until: NOW, reason: 'account is ACTIVE; checking again' }, 'await-closed')).toContain(
      'Wait until the account is no longer active — waiting: account is ACTIVE; checking again ·',
    );
    // A wait for a signal says for what when its reason does not.
    expect(
      waitingFor({ signal: 'human', until: NOW, reason: 'The billing sign-up wizard did not open.' }),
    ).toContain('— waiting for an answer from a person: The billing sign-up wizard did not open. ·');
    // "waiting" inside a parenthesis is what the reason quotes, not what the step does.
    expect(
      waitingFor({
        signal: 'human',
        until: NOW,
        reason: 'Signing in again needs more than the password (AWS mailed a sign-in code; waiting for it).',
      }),
    ).toContain('— waiting for an answer from a person: Signing in again needs more');
  });
});

// Regression: a denied request said "Denied" twice (the decision line and the status, or the status and its
// outcome "Denied by …"); an expired one said three times that nobody decided.
describe('an ended request', () => {
  const blocksText = (t: Teardown) => json(requestMessage(t, { now: NOW }).blocks);

  it('says once that it was denied, and by whom', () => {
    const denied = teardown({
      status: 'denied',
      stepStatus: 'failed',
      endedAt: NOW,
      approver: 'UAPPROVER1',
      decidedAt: NOW,
      wait: undefined,
      outcome: 'Denied by UAPPROVER1.',
    });
    const shown = blocksText(denied);
    expect(shown.match(/denied/gi)).toHaveLength(1);
    expect(shown).toContain(
      ':no_entry_sign: *Denied* by <@UAPPROVER1> at step 2 of 5 (Wait for a second person to approve) after 1m 30s',
    );
  });

  it('says once that nobody decided in time', () => {
    const expired = teardown({
      status: 'expired',
      stepStatus: 'failed',
      endedAt: NOW,
      wait: undefined,
      outcome: 'No one approved within 1d.',
    });
    const shown = blocksText(expired);
    expect(shown.match(/expired|no one|nobody/gi)).toEqual(['Expired', 'No one']);
  });

  it('names who cancelled, with "Cancelled" once', () => {
    const cancelled = teardown({
      status: 'cancelled',
      stepStatus: 'cancelled',
      endedAt: NOW,
      wait: undefined,
      outcome: 'Cancelled by UREQUESTER1.',
    });
    expect(statusText(cancelled, NOW)).toBe(
      ':octagonal_sign: *Cancelled* by <@UREQUESTER1> at step 2 of 5 (Wait for a second person to approve) after 1m 30s',
    );
    expect(blocksText(cancelled).match(/cancelled/gi)).toHaveLength(1);
  });
});
