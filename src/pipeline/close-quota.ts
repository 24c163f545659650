import { CLOSE_WINDOW_MS, type CloseLedger } from './ports/close-ledger';
import type { Organizations } from './ports/organizations';

export interface CloseQuota {
  /** Closes this tool made in the last 30 days. */
  used: number;
  limit: number;
  left: number;
  /** When the oldest close in the window leaves it (undefined when none is recorded). */
  nextFreeAt: number | undefined;
}

/** AWS allows 20 % of member accounts per rolling 30 days, at least 250 and at most 1,000. */
export function closeQuotaLimit(memberCount: number): number {
  return Math.min(1000, Math.max(250, Math.floor(memberCount * 0.2)));
}

export async function closeQuota(
  ledger: CloseLedger,
  orgs: Pick<Organizations, 'activeMemberCount'>,
  now: number,
): Promise<CloseQuota> {
  const [closes, members] = await Promise.all([
    ledger.closesSince(now - CLOSE_WINDOW_MS),
    orgs.activeMemberCount(),
  ]);
  const limit = closeQuotaLimit(members);
  const oldest = closes.reduce<number | undefined>(
    (min, c) => (min === undefined || c.closedAt < min ? c.closedAt : min),
    undefined,
  );
  return {
    used: closes.length,
    limit,
    left: Math.max(0, limit - closes.length),
    nextFreeAt: oldest === undefined ? undefined : oldest + CLOSE_WINDOW_MS,
  };
}

/**
 * When to try CloseAccount again after AWS said the quota is used up: when the oldest close we made leaves
 * the window. Closes made outside this tool are invisible to the ledger; then try again in a day.
 */
export async function nextCloseAttemptAt(ledger: CloseLedger, now: number): Promise<number> {
  const closes = await ledger.closesSince(now - CLOSE_WINDOW_MS);
  if (closes.length === 0) return now + 86_400_000;
  const oldest = Math.min(...closes.map((c) => c.closedAt));
  return Math.max(now + 60_000, oldest + CLOSE_WINDOW_MS);
}
