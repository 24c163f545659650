import type { AccountId } from '../../common/account-id';

export const CLOSE_WINDOW_MS = 30 * 86_400_000;

export interface CloseRecord {
  accountId: AccountId;
  /** One entry per teardown: recording the same teardown's close again changes nothing. */
  teardownId: string;
  closedAt: number;
}

/** The close-quota ledger: closes made by this tool, kept for AWS's rolling 30-day window. */
export interface CloseLedger {
  recordClose(record: CloseRecord): Promise<void>;
  closesSince(since: number): Promise<CloseRecord[]>;
}
