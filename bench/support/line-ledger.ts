/**
 * Who held which phone line when, and which PIN or code each holder put on it: recorded by watching the lease
 * store the browser and phone workers share, so a benchmark can check that every call and text reached the
 * teardown that held the line. PINs and codes stay in memory; only counts are printed.
 */
import type { PhoneLineLeases } from '../../src/pipeline/ports/phone-line-leases';

export interface LineHold {
  line: string;
  accountId: string;
  teardownId: string;
  from: number;
  /** The lease's own stamp: the `now` its caller passed (retries after lost races keep it). */
  leasedAt: number;
  /** When the holder released it (undefined: still held, or its lease ran out). */
  until?: number;
  pin?: string;
  pinAt?: number;
  code?: string;
  codeAt?: number;
}

/** A PIN or code the store refused (its writer did not hold the line then). */
export interface RefusedWrite {
  kind: 'pin' | 'code';
  line: string;
  accountId: string;
  at: number;
}

export interface LineLedger {
  holds: LineHold[];
  refused: RefusedWrite[];
  /** The hold of `line` at `at`, if any. */
  holderAt(line: string, at: number): LineHold | undefined;
  /** Gives the store its own methods back. */
  restore(): void;
}

/** Watches `leases` (the very object the workers use) from now on. */
export function watchLineLeases(leases: PhoneLineLeases): LineLedger {
  const holds: LineHold[] = [];
  const refused: RefusedWrite[] = [];
  const watched = ['lease', 'setPin', 'setCode', 'release'] as const;
  const ownBefore = new Set(watched.filter((name) => Object.hasOwn(leases, name)));
  const original = {
    lease: leases.lease.bind(leases),
    setPin: leases.setPin.bind(leases),
    setCode: leases.setCode.bind(leases),
    release: leases.release.bind(leases),
  };
  const current = (line: string, teardownId: string) =>
    holds.findLast((h) => h.line === line && h.teardownId === teardownId && h.until === undefined);

  leases.lease = async (pool, holder, now, ttlMs) => {
    const lease = await original.lease(pool, holder, now, ttlMs);
    if (lease && !current(lease.line, holder.teardownId)) {
      holds.push({
        line: lease.line,
        accountId: holder.accountId,
        teardownId: holder.teardownId,
        // When the grant was seen written (the caller's `now` may be seconds older under load).
        from: Date.now(),
        leasedAt: lease.leasedAt,
      });
    }
    return lease;
  };
  leases.setPin = async (line, holder, pin, now) => {
    const stored = await original.setPin(line, holder, pin, now);
    const hold = current(line, holder.teardownId);
    if (stored && hold) Object.assign(hold, { pin, pinAt: Date.now() });
    if (!stored) refused.push({ kind: 'pin', line, accountId: holder.accountId, at: Date.now() });
    return stored;
  };
  leases.setCode = async (line, holder, code, now) => {
    const stored = await original.setCode(line, holder, code, now);
    const hold = current(line, holder.teardownId);
    if (stored && hold) Object.assign(hold, { code, codeAt: Date.now() });
    if (!stored) refused.push({ kind: 'code', line, accountId: holder.accountId, at: Date.now() });
    return stored;
  };
  leases.release = async (line, holder) => {
    await original.release(line, holder);
    const hold = current(line, holder.teardownId);
    if (hold) hold.until = Date.now();
  };
  return {
    holds,
    refused,
    holderAt: (line, at) =>
      holds.findLast((h) => h.line === line && h.from <= at && (h.until === undefined || h.until >= at)),
    restore() {
      for (const name of watched) {
        if (ownBefore.has(name)) Object.assign(leases, { [name]: original[name] });
        else delete (leases as Partial<PhoneLineLeases>)[name];
      }
    },
  };
}
