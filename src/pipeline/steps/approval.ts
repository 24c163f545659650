import { NotAuthorizedError } from '../../common/errors';
import { SIGNAL } from '../signals';
import type { StepHandler, WaitRules } from '../step-handler';
import { waitedFor } from '../wait-rules';

/** Asks for an approver; the request message shows the buttons while the teardown waits here. */
export const approvalStep: StepHandler = {
  async run() {
    return { type: 'await', signal: SIGNAL.approval, reason: 'waiting for an approver' };
  },
};

export const approvalRules: Partial<WaitRules> = {
  onSignal: {
    [SIGNAL.approval]: (ctx, signal) => {
      const { teardown } = ctx;
      if (signal.actor === teardown.requester) {
        throw new NotAuthorizedError('You asked for this teardown; someone else has to approve or deny it.');
      }
      teardown.approver = signal.actor;
      teardown.decidedAt = ctx.now;
      if (signal.payload.decision === 'approve') return { type: 'done', note: `approved by ${signal.actor}` };
      return { type: 'end', status: 'denied', reason: `Denied by ${signal.actor}.` };
    },
  },
  onDeadline: (ctx) => ({
    type: 'end',
    status: 'expired',
    reason: `No one approved within ${waitedFor(ctx)}.`,
  }),
};
