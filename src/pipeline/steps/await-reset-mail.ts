import { SIGNAL } from '../signals';
import type { StepHandler, WaitRules } from '../step-handler';
import { waitedFor } from '../wait-rules';

/** How often a reset is requested again when its mail never comes, before a person is asked. */
export const RESET_REQUESTS_AGAIN = 2;

/** Waits for the mail Lambda to hand over the reset link of this account's root user. */
export const awaitResetMailStep: StepHandler = {
  async run() {
    return { type: 'await', signal: SIGNAL.resetLink, reason: "waiting for AWS's mail to the root address" };
  },
};

export const awaitResetMailRules: Partial<WaitRules> = {
  onSignal: {
    // The link is a secret: it travels in the hand-off to set-password, never in data or notes.
    [SIGNAL.resetLink]: (_ctx, signal) => ({
      type: 'done',
      note: 'reset mail received',
      handoff: { resetLink: signal.payload.link },
    }),
  },
  onDeadline: (ctx) => ({
    type: 'back-to',
    step: 'request-reset',
    reason: `no reset mail came within ${waitedFor(ctx)}; asking for another`,
    max: RESET_REQUESTS_AGAIN,
  }),
};
