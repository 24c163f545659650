import type { AccountId } from '../../../src/common/account-id';
import type { AccountSummary, Teardown } from '../../../src/pipeline/model';

/** A fixed moment, so rendered dates and durations are the same on every run. */
export const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

export const summary: AccountSummary = {
  accountId: '012345678901' as AccountId,
  name: 'sandbox-alice',
  email: 'sandbox-alice@sandboxes.example.com',
  ouPath: 'Root / Sandbox',
  parentId: 'ou-abcd-12345678',
  joinedAt: NOW - 3 * 86_400_000 - 4 * 3_600_000,
  state: 'ACTIVE',
};

/** A close teardown waiting for its approver, with `changes` applied. */
export function teardown(changes: Partial<Teardown> = {}): Teardown {
  return {
    accountId: summary.accountId,
    teardownId: 't-1',
    status: 'active',
    strategy: 'close',
    requester: 'UREQUESTER1',
    reason: 'demo <!channel> over',
    step: 'approval',
    stepStatus: 'waiting',
    stepStartedAt: NOW - 60_000,
    attempt: 1,
    failures: 0,
    wait: { signal: 'approval', until: NOW + 86_400_000, reason: 'waiting for an approver' },
    version: 5,
    createdAt: NOW - 90_000,
    updatedAt: NOW - 60_000,
    summary,
    slack: { channel: 'C1', requestTs: '1.000001', threadTs: '1.000001', statusTs: '1.000001' },
    data: {},
    ...changes,
  };
}

export const json = (value: unknown) => JSON.stringify(value);
