import type { CloseLedger } from './close-ledger';
import type { IdempotencyKeys } from './idempotency-keys';
import type { Organizations } from './organizations';
import type { TeardownStore } from './teardown-store';

/** The data ports every entry point shares: built once per container by its composition root. */
export interface DataPorts {
  teardowns: TeardownStore;
  ledger: CloseLedger;
  idempotency: IdempotencyKeys;
  orgs: Organizations;
}
