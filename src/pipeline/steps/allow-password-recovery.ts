import type { RootAccess } from '../ports/root-access';
import type { StepHandler, StepOutcome } from '../step-handler';

export const RECOVERY_NOT_NEEDED =
  'root credentials management is off in this organization: the root user keeps its own password recovery';
export const RECOVERY_ALLOWED = 'root password recovery allowed (root credentials management is on)';

/**
 * Where IAM manages root credentials centrally, a member account may have no root password, and "Forgot
 * password" fails until the root user has a login profile: this step gives it one (without a password).
 */
export function allowPasswordRecoveryStep(ports: { rootAccess: RootAccess }): StepHandler {
  return {
    async run(ctx): Promise<StepOutcome> {
      if (!(await ports.rootAccess.rootCredentialsManagementOn())) {
        return { type: 'done', note: RECOVERY_NOT_NEEDED };
      }
      // A rerun (or a root user that had a password) finds the login profile there already: the same success.
      const profile = await ports.rootAccess.allowPasswordRecovery(ctx.teardown.accountId);
      return {
        type: 'done',
        data: { passwordRecoveryAllowed: true },
        note:
          profile === 'created'
            ? RECOVERY_ALLOWED
            : `${RECOVERY_ALLOWED}; the root user had a login profile already`,
      };
    },
  };
}
