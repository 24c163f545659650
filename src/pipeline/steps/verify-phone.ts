import { SIGNAL } from '../signals';
import type { WaitRules } from '../step-handler';
import { waitedFor } from '../wait-rules';

// The page flow runs in the browser worker; the code comes from the phone Lambda (SMS) or a person's modal.
export const verifyPhoneRules: Partial<WaitRules> = {
  onSignal: {
    [SIGNAL.phoneCode]: (_ctx, signal) => ({
      type: 'rerun',
      reason: `verification code received${signal.payload.line ? ` on ${signal.payload.line}` : ''}`,
      handoff: { phoneCode: signal.payload.code },
    }),
  },
  // No signal came: the next run looks at the line itself, and asks a person if nothing is there either.
  onDeadline: (ctx) => ({
    type: 'rerun',
    reason: `no verification code signal within ${waitedFor(ctx)}; looking at the line again`,
  }),
};
