// Tests src/pipeline/steps/approval.ts: the step asks, the catalogue's rules decide (as the bot applies them).
import { describe, expect, it } from 'vitest';
import { NotAuthorizedError } from '../../../src/common/errors';
import { STEPS } from '../../../src/pipeline/catalogue';
import type { SignalOf } from '../../../src/pipeline/signals';
import { approvalStep } from '../../../src/pipeline/steps/approval';
import { stepContext, teardownAt, testConfig } from '../../support/fakes';

const rules = STEPS.approval.rules;
const decide = (decision: 'approve' | 'deny', actor: string) => {
  const teardown = teardownAt('approval', '111111111111');
  const signal: SignalOf<'approval'> = { name: 'approval', actor, payload: { decision } };
  const ctx = { teardown, now: teardown.stepStartedAt + 60_000, config: testConfig() };
  return { ctx, outcome: () => rules.onSignal.approval?.(ctx, signal) };
};

describe('approval step', () => {
  it('waits for the approval signal; how long is declared, not chosen by the step', async () => {
    const outcome = await approvalStep.run(stepContext(teardownAt('approval', '111111111111')));
    expect(outcome).toEqual({ type: 'await', signal: 'approval', reason: 'waiting for an approver' });
    expect(STEPS.approval.waitsFor).toEqual({ signal: 'approval', deadline: 'approvalMs' });
  });

  it('goes on when someone other than the requester approves, recording who and when', () => {
    const { ctx, outcome } = decide('approve', 'UAPPROVER1');
    expect(outcome()).toEqual({ type: 'done', note: 'approved by UAPPROVER1' });
    expect(ctx.teardown).toMatchObject({ approver: 'UAPPROVER1', decidedAt: ctx.now });
  });

  it('ends the teardown as denied on Deny', () => {
    expect(decide('deny', 'UAPPROVER1').outcome()).toEqual({
      type: 'end',
      status: 'denied',
      reason: 'Denied by UAPPROVER1.',
    });
  });

  it('never lets the requester decide on their own request', () => {
    const { ctx, outcome } = decide('approve', 'UREQUESTER1');
    expect(outcome).toThrow(NotAuthorizedError);
    expect(ctx.teardown.approver).toBeUndefined();
  });

  it('expires when no one decides before the deadline', () => {
    const config = testConfig();
    const since = Date.UTC(2026, 2, 1, 12);
    const wait = {
      signal: 'approval' as const,
      since,
      until: since + config.deadlines.approvalMs,
      reason: 'r',
    };
    const teardown = teardownAt('approval', '111111111111', { stepStatus: 'waiting', wait });
    // The declared length of the wait, not when the timer happened to fire.
    expect(rules.onDeadline({ teardown, now: wait.until + 5_000, config }, 'approval')).toEqual({
      type: 'end',
      status: 'expired',
      reason: 'No one approved within 1d.',
    });
  });
});
