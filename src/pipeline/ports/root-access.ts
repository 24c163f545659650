import type { AccountId } from '../../common/account-id';

/**
 * IAM's centralized root access, seen from the management account. Where it manages root credentials, member
 * accounts may have no root password, and "Forgot password" only works once the root user has a login profile.
 */
export interface RootAccess {
  /** Whether the organization has `RootCredentialsManagement` among IAM's enabled organization features. */
  rootCredentialsManagementOn(): Promise<boolean>;
  /**
   * Gives the account's root user a login profile without a password (a privileged root session limited to
   * that task), so that it can recover its password. `existed`: it had one already (a rerun, or a password).
   */
  allowPasswordRecovery(accountId: AccountId): Promise<'created' | 'existed'>;
}
