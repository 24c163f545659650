import type { AccountId } from '../../common/account-id';
import type { Page, Teardown, TeardownEvent, TeardownStatus } from '../model';

/**
 * The teardowns and their event logs. Every change to a teardown is one conditional write on its version,
 * together with the event that explains it: two writers can never both win.
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
  /**
   * Appends an event that changes nothing on the record (something observed: a mail that is no reset mail).
   * `tag` names it: noting the same tag twice keeps one event. The event carries the record's current version.
   */
  note(event: TeardownEvent, tag: string): Promise<void>;
  /** The event log of one teardown, oldest first. */
  events(accountId: AccountId, teardownId: string): Promise<TeardownEvent[]>;
}
