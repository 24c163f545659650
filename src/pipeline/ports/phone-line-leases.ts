import type { AccountId } from '../../common/account-id';

/** A phone line (E.164, e.g. +15550100) held by one teardown for its phone verification. */
export interface LineLease {
  line: string;
  accountId: AccountId;
  teardownId: string;
  leasedAt: number;
  /** Afterwards the line is free again: a crashed teardown must not hold it forever. */
  expiresAt: number;
  /** What the page showed, for the contact flow to key in. A secret: never logged or put into an error. */
  pin?: string;
  /**
   * A code AWS sent to the line (SMS, taken by the phone Lambda) or a person typed in for their own phone; the
   * browser step polls for it. A secret like the PIN.
   */
  code?: string;
}

/** A teardown as holder of a line or of a place in the queue; it is known by its teardown id. */
export type LineHolder = Pick<LineLease, 'accountId' | 'teardownId'>;

/** A teardown waiting for a line. */
export interface QueuedHolder extends LineHolder {
  queuedAt: number;
  /** Its place is kept until then; every `lease` call by it keeps it longer. */
  keptUntil: number;
}

/**
 * The pool's lines, leased one teardown at a time, and the queue of teardowns waiting for one (first come,
 * first served). Every change is a conditional write: concurrent callers never share a line.
 */
export interface PhoneLineLeases {
  /**
   * Leases a free line of `pool` for `ttlMs`, honouring the queue; undefined when none is free or others wait
   * ahead (the holder is then queued, or keeps its place for another `ttlMs`). A holder that already has a line
   * gets that lease back unchanged. Every caller passes the deployment's one pool: there is one queue.
   */
  lease(
    pool: readonly string[],
    holder: LineHolder,
    now: number,
    ttlMs: number,
  ): Promise<LineLease | undefined>;
  /** Where the holder stands in the queue (1 = next), or undefined when it is not queued. */
  position(holder: LineHolder, now: number): Promise<number | undefined>;
  /**
   * Where the holder would stand without taking a line: 0 when `lease` would give it one of `pool` now (nothing
   * is written), else its place in the queue (1 = next), which it joins or keeps for another `ttlMs`. A teardown
   * far back looks with this instead of opening a browser, and one near the front gets its page ready first.
   */
  place(pool: readonly string[], holder: LineHolder, now: number, ttlMs: number): Promise<number>;
  /** Gives up the holder's place in the queue (its teardown ended while waiting); not queued: no change. */
  leaveQueue(holder: LineHolder): Promise<void>;
  /** Extends the holder's live lease to now + ttlMs; false when it is not (or no longer) the holder. */
  renew(line: string, holder: LineHolder, now: number, ttlMs: number): Promise<boolean>;
  /** Stores the PIN on the holder's live lease; false when it is not (or no longer) the holder. */
  setPin(line: string, holder: LineHolder, pin: string, now: number): Promise<boolean>;
  /** Stores a received code on the holder's live lease; false when it is not (or no longer) the holder. */
  setCode(line: string, holder: LineHolder, code: string, now: number): Promise<boolean>;
  /** The live lease of `line` (with its PIN), or undefined when the line is free (expired leases count as free). */
  holderOf(line: string, now: number): Promise<LineLease | undefined>;
  /** Frees the line if `holder` holds it (the PIN goes with it); anyone else's lease stays. Twice is fine. */
  release(line: string, holder: LineHolder): Promise<void>;
}

export type LeaseDecision =
  | { kind: 'held'; lease: LineLease }
  | { kind: 'granted'; lease: LineLease; queue: QueuedHolder[] }
  /** `changed`: false when the stored queue stands as it is (nothing to write). */
  | { kind: 'queued'; queue: QueuedHolder[]; changed: boolean };

/**
 * The queue rule every implementation applies, on what it read: the leases stored for the pool's lines (live or
 * not) and the queue. A holder may take a free line only when fewer teardowns wait ahead of it than lines are
 * free, so a newcomer never overtakes a waiter that has not come back for its line yet. Waiters whose place
 * lapsed are dropped; a waiter's place is kept for another `ttlMs` once less than half of it is left. The caller
 * writes the outcome atomically (granted: the lease and the queue together).
 */
export function decideLease(
  pool: readonly string[],
  stored: readonly LineLease[],
  queue: readonly QueuedHolder[],
  holder: LineHolder,
  now: number,
  ttlMs: number,
): LeaseDecision {
  if (pool.length === 0) throw new RangeError('The phone-line pool has no lines.');
  const live = stored.filter((lease) => pool.includes(lease.line) && lease.expiresAt > now);
  const held = live.find((lease) => lease.teardownId === holder.teardownId);
  if (held) return { kind: 'held', lease: held };

  const waiting = queue.filter((waiter) => waiter.keptUntil > now);
  const ownPlace = waiting.findIndex((waiter) => waiter.teardownId === holder.teardownId);
  const waitingAhead = ownPlace === -1 ? waiting.length : ownPlace;
  // A line listed twice is still one line: counted twice it would let a newcomer overtake a waiter.
  const free = [...new Set(pool)].filter((line) => !live.some((lease) => lease.line === line));
  // Only the holder's identity is stored, whatever else the caller's object carries.
  const who: LineHolder = { accountId: holder.accountId, teardownId: holder.teardownId };
  const line = free[0];
  if (line !== undefined && waitingAhead < free.length) {
    return {
      kind: 'granted',
      lease: { line, ...who, leasedAt: now, expiresAt: now + ttlMs },
      queue: waiting.filter((waiter) => waiter.teardownId !== who.teardownId),
    };
  }
  if (ownPlace === -1) {
    return {
      kind: 'queued',
      queue: [...waiting, { ...who, queuedAt: now, keptUntil: now + ttlMs }],
      changed: true,
    };
  }
  // A place with more than half its time left is not written again: waiters that look often would otherwise
  // write the one queue item on every look, and grants would keep losing races to them.
  const own = waiting[ownPlace];
  if (own && own.keptUntil - now > ttlMs / 2) {
    return { kind: 'queued', queue: waiting, changed: waiting.length !== queue.length };
  }
  return {
    kind: 'queued',
    queue: waiting.map((waiter, i) => (i === ownPlace ? { ...waiter, keptUntil: now + ttlMs } : waiter)),
    changed: true,
  };
}

/** The holder's place among the waiters whose place has not lapsed (1 = next), or undefined. */
export function queuePosition(
  queue: readonly QueuedHolder[],
  holder: LineHolder,
  now: number,
): number | undefined {
  const place = queue
    .filter((waiter) => waiter.keptUntil > now)
    .findIndex((waiter) => waiter.teardownId === holder.teardownId);
  return place === -1 ? undefined : place + 1;
}
