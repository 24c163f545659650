import type { AccountId } from '../common/account-id';
import type { Config } from '../common/config';
import { formatDuration } from '../common/duration';
import { PreflightRefusedError } from '../common/errors';
import type { AccountSummary } from './model';
import type { OrganizationsGateway } from './organizations';

// A protect tag whose value says "no" does not protect; any other value (empty included) does.
const NOT_PROTECTING = new Set(['false', 'no', '0', 'off']);

/**
 * Everything that must hold before an account may be torn down; run at the start and again right before
 * every destructive step. Throws PreflightRefusedError with the reason; returns what people should see.
 */
export async function preflight(
  orgs: OrganizationsGateway,
  config: Pick<Config, 'allowedParentIds' | 'protectTagKey'>,
  accountId: AccountId,
): Promise<AccountSummary> {
  if ((await orgs.managementAccountId()) === accountId) {
    throw new PreflightRefusedError(
      `${accountId} is the organization's management account; it is never torn down.`,
    );
  }
  const account = await orgs.describeAccount(accountId);
  if (!account) throw new PreflightRefusedError(`${accountId} is not an account of this organization.`);
  if (account.state !== 'ACTIVE') {
    throw new PreflightRefusedError(`${accountId} (${account.name}) is ${account.state}, not ACTIVE.`);
  }

  const parents = await orgs.parentChain(accountId);
  const ouPath = parents
    .map((p) => p.name)
    .reverse()
    .join(' / ');
  if (!parents.some((p) => config.allowedParentIds.includes(p.id))) {
    throw new PreflightRefusedError(
      `${accountId} (${account.name}) is in ${ouPath || 'an unknown place'}, where teardown is not allowed.`,
    );
  }

  const tags = await orgs.tags(accountId);
  const protect = tags[config.protectTagKey];
  if (protect !== undefined && !NOT_PROTECTING.has(protect.trim().toLowerCase())) {
    throw new PreflightRefusedError(
      `${accountId} (${account.name}) is protected by its tag ${config.protectTagKey}${protect ? `=${protect}` : ''}.`,
    );
  }

  const parent = parents[0];
  return {
    accountId,
    name: account.name,
    email: account.email,
    ouPath,
    parentId: parent?.id ?? '',
    joinedAt: account.joinedAt,
    state: account.state,
  };
}

export function accountAge(summary: AccountSummary, now: number): string {
  return summary.joinedAt === undefined ? 'unknown' : formatDuration(now - summary.joinedAt);
}
