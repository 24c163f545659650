import type { AccountId } from '../common/account-id';
import type { Config } from '../common/config';
import { formatDuration } from '../common/duration';
import { PreflightRefusedError } from '../common/errors';
import type { AccountSummary } from './model';
import type { Organizations } from './ports/organizations';

/** States an account passes through once CloseAccount was accepted. */
const CLOSING_STATES = new Set(['PENDING_CLOSURE', 'SUSPENDED', 'CLOSED']);

// A protect tag whose value says "no" does not protect; any other value (empty included) does.
const NOT_PROTECTING = new Set(['false', 'no', '0', 'off']);

/**
 * Everything that must hold before an account may be torn down; run at the start and again right before
 * every destructive step. Throws PreflightRefusedError with the reason; returns what people should see.
 */
export async function preflight(
  orgs: Pick<Organizations, 'managementAccountId' | 'describeAccount' | 'parentChain' | 'tags'>,
  config: Pick<Config, 'allowedParentIds' | 'protectTagKey'>,
  accountId: AccountId,
  options: { closingIsFine?: boolean } = {},
): Promise<AccountSummary> {
  // Read everything at once (it is on the Slack ack path), then judge in a fixed order.
  const [managementId, account, parents, tags] = await Promise.allSettled([
    orgs.managementAccountId(),
    orgs.describeAccount(accountId),
    orgs.parentChain(accountId),
    orgs.tags(accountId),
  ]);
  if (settled(managementId) === accountId) {
    throw new PreflightRefusedError(
      `${accountId} is the organization's management account; it is never torn down.`,
    );
  }
  const member = settled(account);
  if (!member) throw new PreflightRefusedError(`${accountId} is not an account of this organization.`);
  if (member.state !== 'ACTIVE' && !(options.closingIsFine && CLOSING_STATES.has(member.state))) {
    throw new PreflightRefusedError(`${accountId} (${member.name}) is ${member.state}, not ACTIVE.`);
  }

  const chain = settled(parents);
  const ouPath = chain
    .map((p) => p.name)
    .reverse()
    .join(' / ');
  if (!chain.some((p) => config.allowedParentIds.includes(p.id))) {
    throw new PreflightRefusedError(
      `${accountId} (${member.name}) is in ${ouPath || 'an unknown place'}, where teardown is not allowed.`,
    );
  }

  const protect = settled(tags)[config.protectTagKey];
  if (protect !== undefined && !NOT_PROTECTING.has(protect.trim().toLowerCase())) {
    throw new PreflightRefusedError(
      `${accountId} (${member.name}) is protected by its tag ${config.protectTagKey}${protect ? `=${protect}` : ''}.`,
    );
  }

  const parent = chain[0];
  return {
    accountId,
    name: member.name,
    email: member.email,
    ouPath,
    parentId: parent?.id ?? '',
    joinedAt: member.joinedAt,
    state: member.state,
  };
}

function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

export function accountAge(summary: AccountSummary, now: number): string {
  return summary.joinedAt === undefined ? 'unknown' : formatDuration(now - summary.joinedAt);
}
