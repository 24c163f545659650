import { SIGNAL } from '../signals';
import type { WaitRules } from '../step-handler';

// The page flow runs in the browser worker; the code comes from the phone Lambda (SMS) or a person's modal.
export const verifyPhoneRules: Partial<WaitRules> = {
  onSignal: {
    [SIGNAL.phoneCode]: (_ctx, signal) => ({
      type: 'rerun',
      reason: `verification code received${signal.payload.line ? ` on ${signal.payload.line}` : ''}`,
      handoff: { phoneCode: signal.payload.code },
    }),
  },
};
