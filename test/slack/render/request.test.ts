import { describe, expect, it } from 'vitest';
import { validateMessageBlocks } from '../../../sim/slack';
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
    expect(statusText(denied, NOW)).toContain(
      '*Denied* at step 2 of 5 (Wait for a second person to approve) after 1m 30s: Denied by <@UAPPROVER1>.',
    );
  });
});
