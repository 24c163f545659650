import type { AccountId } from '../../common/account-id';
import type { Worker } from '../catalogue';

/** Which teardown a hand-off is for: the teardown id travels with it as the correlation id of the logs. */
export interface WorkItem {
  accountId: AccountId;
  teardownId: string;
}

/** Hands a teardown to a worker, without waiting for it (Lambda `Event` invocations in production). */
export interface Dispatcher {
  /** The workers this deployment can hand steps to. */
  readonly workers: ReadonlySet<Worker>;
  dispatch(worker: Worker, item: WorkItem): Promise<void>;
}
