import type { AccountId } from '../common/account-id';
import type { Page, Teardown, TeardownEvent, TeardownStatus } from './model';

export interface CloseRecord {
  accountId: AccountId;
  /** One entry per teardown: recording the same teardown's close again changes nothing. */
  teardownId: string;
  closedAt: number;
}

/**
 * The persistence port. Every change to a teardown is one conditional write on its version, together with
 * the event that explains it: two writers can never both win.
 */
export interface TeardownStore {
  /** Creates a teardown; TeardownExistsError while another one of the same account is active. */
  create(teardown: Teardown, event: TeardownEvent): Promise<void>;
  get(accountId: AccountId): Promise<Teardown | undefined>;
  /** Teardowns with this status, newest first. */
  list(status: TeardownStatus, options?: { limit?: number; cursor?: string }): Promise<Page<Teardown>>;
  /**
   * Replaces the record if it still has `expectedVersion` (next.version must be expectedVersion + 1) and appends
   * the event. ConflictError when someone else wrote first.
   */
  transition(expectedVersion: number, next: Teardown, event: TeardownEvent): Promise<void>;
  /** The event log of one teardown, oldest first. */
  events(accountId: AccountId, teardownId: string): Promise<TeardownEvent[]>;
  /** The close-quota ledger: closes made by this tool, kept for the 30-day window. */
  recordClose(record: CloseRecord): Promise<void>;
  closesSince(since: number): Promise<CloseRecord[]>;
  /** True the first time a key is claimed (within its time to live), false for every repeat. */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
}

export const CLOSE_WINDOW_MS = 30 * 86_400_000;
