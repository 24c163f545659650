import { SIGNAL } from '../signals';
import type { WaitRules } from '../step-handler';

// The page flow runs in the browser worker (src/console); what ends its waits is decided here, by any Lambda.
export const signInRules: Partial<WaitRules> = {
  onSignal: {
    // AWS mailed a one-time code to the root address: the next run types it in.
    [SIGNAL.signInCode]: (_ctx, signal) => ({
      type: 'rerun',
      reason: 'sign-in code received',
      handoff: { signInCode: signal.payload.code },
    }),
  },
};
