import { describe, expect, it } from 'vitest';
import { parseAccountId } from '../../src/common/account-id';
import { closeQuotaLimit, nextCloseAttemptAt } from '../../src/pipeline/close-quota';
import { CLOSE_WINDOW_MS, type CloseLedger, type CloseRecord } from '../../src/pipeline/ports/close-ledger';

const DAY = 86_400_000;
const MINUTE = 60_000;
const NOW = Date.UTC(2026, 2, 1, 12);

/** The close-quota ledger in memory, recording what it was asked. */
class FakeLedger implements CloseLedger {
  readonly queries: number[] = [];
  constructor(private readonly closes: CloseRecord[]) {}

  async closesSince(since: number): Promise<CloseRecord[]> {
    this.queries.push(since);
    return this.closes.filter((c) => c.closedAt >= since);
  }

  async recordClose(record: CloseRecord): Promise<void> {
    this.closes.push(record);
  }
}

function ledger(...closedAt: number[]): FakeLedger {
  return new FakeLedger(
    closedAt.map((at, i) => ({
      accountId: parseAccountId(String(i).padStart(12, '0')),
      teardownId: `t${i}`,
      closedAt: at,
    })),
  );
}

describe('closeQuotaLimit', () => {
  it.each<[number, number]>([
    [0, 250],
    [10, 250],
    [1_000, 250],
    [1_250, 250],
    [1_255, 251],
    [1_259, 251],
    [2_500, 500],
    [4_999, 999],
    [5_000, 1_000],
    [5_005, 1_000],
    [40_000, 1_000],
  ])('allows %i member accounts %i closes per 30 days', (members, limit) => {
    expect(closeQuotaLimit(members)).toBe(limit);
  });
});

describe('nextCloseAttemptAt', () => {
  it('looks at the closes of the last 30 days', async () => {
    const store = ledger(NOW - 3 * DAY);
    await nextCloseAttemptAt(store, NOW);
    expect(store.queries).toEqual([NOW - CLOSE_WINDOW_MS]);
  });

  it('tries again when the oldest close in the window leaves it', async () => {
    const oldest = NOW - 20 * DAY;
    const at = await nextCloseAttemptAt(ledger(NOW - 2 * DAY, oldest, NOW - 10 * DAY), NOW);
    expect(at).toBe(oldest + 30 * DAY);
  });

  it('ignores closes that already left the window', async () => {
    const at = await nextCloseAttemptAt(ledger(NOW - 45 * DAY, NOW - 5 * DAY), NOW);
    expect(at).toBe(NOW - 5 * DAY + 30 * DAY);
  });

  it('waits at least a minute, even when the oldest close is just leaving the window', async () => {
    const at = await nextCloseAttemptAt(ledger(NOW - CLOSE_WINDOW_MS + 1_000), NOW);
    expect(at).toBe(NOW + MINUTE);
  });

  it('tries again in a day when this tool made no closes (the quota was used elsewhere)', async () => {
    expect(await nextCloseAttemptAt(ledger(), NOW)).toBe(NOW + DAY);
  });
});
