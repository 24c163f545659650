/**
 * The latest record of every teardown, seen as the workers write it (by watching the store object they share), so
 * a benchmark can follow many teardowns without reading the table over and over: reads that would load moto and
 * this process, and so slow down what is measured.
 */
import type { AccountId } from '../../src/common/account-id';
import type { Teardown } from '../../src/pipeline/model';
import type { TeardownStore } from '../../src/pipeline/ports/teardown-store';

export interface TeardownWatch {
  /** The teardown's record as last written, if it was written since the watch began. */
  latest(accountId: string): Teardown | undefined;
  /** Gives the store its own methods back (call in the reverse order of other wrappers of the same store). */
  restore(): void;
}

export function watchTeardowns(store: TeardownStore): TeardownWatch {
  const latest = new Map<string, Teardown>();
  const own = { create: Object.hasOwn(store, 'create'), transition: Object.hasOwn(store, 'transition') };
  const create = store.create;
  const transition = store.transition;
  const keep = (record: Teardown) => {
    const known = latest.get(record.accountId);
    if (!known || known.teardownId !== record.teardownId || known.version < record.version) {
      latest.set(record.accountId, record);
    }
  };
  store.create = async (teardown, event) => {
    await create.call(store, teardown, event);
    keep(teardown);
  };
  store.transition = async (expectedVersion, next, event) => {
    await transition.call(store, expectedVersion, next, event);
    keep(next);
  };
  return {
    latest: (accountId) => latest.get(accountId as AccountId),
    restore() {
      if (own.create) store.create = create;
      else delete (store as Partial<TeardownStore>).create;
      if (own.transition) store.transition = transition;
      else delete (store as Partial<TeardownStore>).transition;
    },
  };
}
