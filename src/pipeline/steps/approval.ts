import { formatDuration } from '../../common/duration';
import { NotAuthorizedError } from '../../common/errors';
import type { StepHandler, StepOutcome } from '../step-handler';

export const APPROVAL_SIGNAL = 'approval';

export const approvalStep: StepHandler = {
  async run(ctx): Promise<StepOutcome> {
    return {
      type: 'wait',
      signal: APPROVAL_SIGNAL,
      until: ctx.now + ctx.config.deadlines.approvalMs,
      reason: 'waiting for an approver',
    };
  },

  onSignal(ctx, signal) {
    const { teardown } = ctx;
    if (signal.actor === teardown.requester) {
      throw new NotAuthorizedError('You asked for this teardown; someone else has to approve or deny it.');
    }
    teardown.approver = signal.actor;
    teardown.decidedAt = ctx.now;
    if (signal.payload.decision === 'approve') return { type: 'done', note: `approved by ${signal.actor}` };
    return { type: 'end', status: 'denied', reason: `Denied by ${signal.actor}.` };
  },

  onDeadline(ctx) {
    return {
      type: 'end',
      status: 'expired',
      reason: `No one approved within ${formatDuration(ctx.config.deadlines.approvalMs)}.`,
    };
  },
};
