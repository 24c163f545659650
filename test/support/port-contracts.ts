// Behaviour suites a port's every implementation must pass: each runs against the DynamoDB adapter (moto) and
// against the in-memory fake of test/support/fakes.ts, so unit tests built on the fake stand on what is real.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AccountId } from '../../src/common/account-id';
import { ConflictError } from '../../src/common/errors';
import { createStateTable } from '../../src/pipeline/adapters/dynamodb/state-table';
import { StateTable } from '../../src/pipeline/adapters/dynamodb/table';
import type { CaptchaChallenges, NewCaptchaChallenge } from '../../src/pipeline/ports/captcha-challenges';
import type { LineHolder, PhoneLineLeases } from '../../src/pipeline/ports/phone-line-leases';

/** A state table of its own on moto, as deployed (keys, index, TTL). */
export async function freshStateTable(prefix: string): Promise<StateTable> {
  const client = new DynamoDBClient({});
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  await createStateTable(client, name);
  return new StateTable(client, name);
}

const T = Date.UTC(2026, 2, 1, 12);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const accountId = (n: number) => String(n).padStart(12, '0') as AccountId;

export function describeCaptchaChallenges(name: string, make: () => Promise<CaptchaChallenges>): void {
  describe(`${name}: CAPTCHA challenges`, () => {
    let challenges: CaptchaChallenges;
    beforeEach(async () => {
      challenges = await make();
    });

    const challenge: NewCaptchaChallenge = {
      id: 'c-1',
      accountId: accountId(1),
      teardownId: 't-1',
      imageRef: 'captcha/t-1/c-1.png',
      createdAt: T,
      expiresAt: T + 15 * MINUTE,
    };
    const reply = (answer: string, by: string, now = T + MINUTE) => ({ teardownId: 't-1', answer, by, now });

    it('shows an opened challenge as open, with the reference to its picture', async () => {
      await challenges.open(challenge);
      expect(await challenges.get('c-1')).toEqual({ ...challenge, status: 'open' });
      expect(await challenges.get('c-unknown')).toBeUndefined();
    });

    it('refuses to open a second challenge with the same id, keeping the first', async () => {
      await challenges.open(challenge);
      await expect(challenges.open({ ...challenge, imageRef: 'other.png' })).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect((await challenges.get('c-1'))?.imageRef).toBe(challenge.imageRef);
    });

    it('takes the first answer and tells a later one it was already answered', async () => {
      await challenges.open(challenge);
      expect(await challenges.answer('c-1', reply('xk4pq', 'UALICE'))).toEqual({ ok: true });
      expect(await challenges.answer('c-1', reply('xk4pg', 'UBOB', T + 2 * MINUTE))).toEqual({
        ok: false,
        why: 'already-answered',
      });
      expect(await challenges.get('c-1')).toMatchObject({
        status: 'answered',
        answer: 'xk4pq',
        answeredBy: 'UALICE',
        answeredAt: T + MINUTE,
      });
    });

    it('lets exactly one of many answers sent at once win, and keeps that one', async () => {
      await challenges.open(challenge);
      const people = Array.from({ length: 10 }, (_, i) => `UPERSON${i}`);
      const results = await Promise.all(
        people.map((by, i) => challenges.answer('c-1', reply(`answer-${i}`, by))),
      );
      const winner = results.findIndex((result) => result.ok);
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(results.filter((result) => !result.ok)).toEqual(
        Array.from({ length: 9 }, () => ({ ok: false, why: 'already-answered' })),
      );
      expect(await challenges.get('c-1')).toMatchObject({
        answer: `answer-${winner}`,
        answeredBy: people[winner],
      });
    });

    it('takes answers until the deadline and refuses them from then on', async () => {
      await challenges.open(challenge);
      await challenges.open({ ...challenge, id: 'c-2' });
      expect(await challenges.answer('c-1', reply('late', 'UALICE', challenge.expiresAt))).toEqual({
        ok: false,
        why: 'expired',
      });
      expect((await challenges.get('c-1'))?.status).toBe('open');
      expect(await challenges.answer('c-2', reply('in time', 'UALICE', challenge.expiresAt - 1))).toEqual({
        ok: true,
      });
    });

    it('refuses answers to a closed challenge', async () => {
      await challenges.open(challenge);
      await challenges.close('c-1');
      expect(await challenges.answer('c-1', reply('xk4pq', 'UALICE'))).toEqual({ ok: false, why: 'closed' });
      expect((await challenges.get('c-1'))?.status).toBe('closed');
    });

    it('forgets the answer when the challenge closes, keeping who answered, and still says it was answered', async () => {
      await challenges.open(challenge);
      await challenges.answer('c-1', reply('xk4pq', 'UALICE'));
      await challenges.close('c-1');
      const closed = await challenges.get('c-1');
      expect(closed).toMatchObject({ status: 'closed', answeredBy: 'UALICE', answeredAt: T + MINUTE });
      expect(closed?.answer).toBeUndefined();
      expect(await challenges.answer('c-1', reply('xk4pg', 'UBOB'))).toEqual({
        ok: false,
        why: 'already-answered',
      });
      // Closing twice, or an unknown challenge, changes nothing.
      await challenges.close('c-1');
      await challenges.close('c-unknown');
      expect(await challenges.get('c-1')).toEqual(closed);
      expect(await challenges.get('c-unknown')).toBeUndefined();
    });

    it("refuses an answer meant for another teardown's challenge, which stays open for its own", async () => {
      await challenges.open(challenge);
      expect(await challenges.answer('c-1', { ...reply('xk4pq', 'UALICE'), teardownId: 't-other' })).toEqual({
        ok: false,
        why: 'other-teardown',
      });
      expect(await challenges.answer('c-1', reply('xk4pq', 'UBOB'))).toEqual({ ok: true });
    });

    it('refuses an answer to an unknown challenge and a blank answer, which leaves the challenge open', async () => {
      await challenges.open(challenge);
      expect(await challenges.answer('c-unknown', reply('xk4pq', 'UALICE'))).toEqual({
        ok: false,
        why: 'unknown',
      });
      expect(await challenges.answer('c-1', reply('  ', 'UALICE'))).toEqual({ ok: false, why: 'empty' });
      expect(await challenges.answer('c-1', reply('xk4pq', 'UBOB'))).toEqual({ ok: true });
    });
  });
}

export function describePhoneLineLeases(name: string, make: () => Promise<PhoneLineLeases>): void {
  describe(`${name}: phone-line leases`, () => {
    let leases: PhoneLineLeases;
    beforeEach(async () => {
      leases = await make();
    });

    const holder = (n: number): LineHolder => ({ accountId: accountId(n), teardownId: `t-${n}` });
    const [A, B, C, D] = [holder(1), holder(2), holder(3), holder(4)];
    const ONE_LINE = ['+15550100'];
    const TWO_LINES = ['+15550100', '+15550101'];

    it('gives two teardowns different lines of the pool and queues the third', async () => {
      const a = await leases.lease(TWO_LINES, A, T, HOUR);
      const b = await leases.lease(TWO_LINES, B, T, HOUR);
      expect(a).toEqual({ line: '+15550100', ...A, leasedAt: T, expiresAt: T + HOUR });
      expect(b?.line).toBe('+15550101');
      expect(await leases.lease(TWO_LINES, C, T, HOUR)).toBeUndefined();
      expect(await leases.position(C, T)).toBe(1);
      expect(await leases.position(A, T)).toBeUndefined();
    });

    it('gives a holder that asks again the lease it has, without queueing it', async () => {
      const first = await leases.lease(TWO_LINES, A, T, HOUR);
      expect(await leases.lease(TWO_LINES, A, T + MINUTE, HOUR)).toEqual(first);
      expect(await leases.position(A, T + MINUTE)).toBeUndefined();
      expect((await leases.lease(TWO_LINES, B, T + MINUTE, HOUR))?.line).toBe('+15550101');
    });

    it('never gives one line to two teardowns, however many ask at once', async () => {
      const pool = ['+15550100', '+15550101', '+15550102'];
      const holders = Array.from({ length: 10 }, (_, i) => holder(i + 1));
      const results = await Promise.all(holders.map((h) => leases.lease(pool, h, T, HOUR)));
      const granted = results.filter((lease) => lease !== undefined);
      expect(granted.map((lease) => lease.line).sort()).toEqual(pool);
      for (const lease of granted)
        expect((await leases.holderOf(lease.line, T))?.teardownId).toBe(lease.teardownId);
      const positions = await Promise.all(holders.map((h) => leases.position(h, T)));
      expect(positions.filter((p) => p !== undefined).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });

    it('gives a freed line to the first waiter even when everyone asks at once, round after round', async () => {
      // (Enough callers and rounds to collide on every write; each one costs a few round trips per caller.)
      const holders = Array.from({ length: 6 }, (_, i) => holder(i + 1));
      const first = await Promise.all(holders.map((h) => leases.lease(ONE_LINE, h, T, HOUR)));
      expect(first.filter((lease) => lease !== undefined)).toHaveLength(1);
      let holding = holders[first.findIndex((lease) => lease !== undefined)]!;
      let queue = await inQueueOrder(
        holders.filter((h) => h !== holding),
        T,
      );
      expect(queue).toHaveLength(5);

      for (let round = 1; round <= 2; round++) {
        const now = T + round * MINUTE;
        await leases.release(ONE_LINE[0]!, holding);
        const newcomer = holder(100 + round);
        const asking = [...queue, newcomer];
        const results = await Promise.all(asking.map((h) => leases.lease(ONE_LINE, h, now, HOUR)));
        expect(results.filter((lease) => lease !== undefined)).toHaveLength(1);
        expect(results[0]?.teardownId).toBe(queue[0]?.teardownId);
        holding = queue[0]!;
        const expected = [...queue.slice(1), newcomer];
        queue = await inQueueOrder(asking.slice(1), now);
        expect(queue).toEqual(expected);
      }
    });

    /** The holders that wait, by their position; each position is held by exactly one of them. */
    async function inQueueOrder(holders: LineHolder[], now: number): Promise<LineHolder[]> {
      const placed = await Promise.all(
        holders.map(async (h) => ({ h, position: await leases.position(h, now) })),
      );
      placed.sort((x, y) => (x.position ?? 0) - (y.position ?? 0));
      expect(placed.map((p) => p.position)).toEqual(holders.map((_, i) => i + 1));
      return placed.map((p) => p.h);
    }

    it('serves the queue in order: a freed line waits for the first waiter, not for whoever asks first', async () => {
      await leases.lease(ONE_LINE, A, T, HOUR);
      expect(await leases.lease(ONE_LINE, B, T + 1, HOUR)).toBeUndefined();
      expect(await leases.lease(ONE_LINE, C, T + 2, HOUR)).toBeUndefined();
      await leases.release('+15550100', A);

      // C, behind B, and D, new, ask before B comes back: neither gets the line.
      expect(await leases.lease(ONE_LINE, C, T + 3, HOUR)).toBeUndefined();
      expect(await leases.lease(ONE_LINE, D, T + 3, HOUR)).toBeUndefined();
      expect(await leases.holderOf('+15550100', T + 3)).toBeUndefined();
      expect([
        await leases.position(B, T + 3),
        await leases.position(C, T + 3),
        await leases.position(D, T + 3),
      ]).toEqual([1, 2, 3]);

      expect((await leases.lease(ONE_LINE, B, T + 4, HOUR))?.teardownId).toBe(B.teardownId);
      expect([await leases.position(B, T + 4), await leases.position(C, T + 4)]).toEqual([undefined, 1]);
    });

    it('frees the line of a lease that expired: it goes to the next teardown, not back to the old holder', async () => {
      await leases.lease(ONE_LINE, A, T, MINUTE);
      expect(await leases.holderOf('+15550100', T + MINUTE - 1)).toMatchObject(A);
      expect(await leases.holderOf('+15550100', T + MINUTE)).toBeUndefined();
      expect(await leases.renew('+15550100', A, T + MINUTE, HOUR)).toBe(false);

      expect((await leases.lease(ONE_LINE, B, T + MINUTE, HOUR))?.teardownId).toBe(B.teardownId);
      await leases.release('+15550100', A);
      expect(await leases.holderOf('+15550100', T + MINUTE)).toMatchObject(B);
    });

    it('renews only the live lease of its holder', async () => {
      await leases.lease(ONE_LINE, A, T, MINUTE);
      expect(await leases.renew('+15550100', B, T + 30_000, HOUR)).toBe(false);
      expect(await leases.renew('+15550100', A, T + 30_000, HOUR)).toBe(true);
      expect(await leases.holderOf('+15550100', T + 30 * MINUTE)).toMatchObject({
        ...A,
        expiresAt: T + 30_000 + HOUR,
      });
      expect(await leases.lease(ONE_LINE, B, T + 30 * MINUTE, HOUR)).toBeUndefined();
    });

    it('tells the contact flow who holds a line and the PIN its holder set; nobody else can set it', async () => {
      await leases.lease(TWO_LINES, A, T, HOUR);
      await leases.lease(TWO_LINES, B, T, HOUR);
      expect(await leases.setPin('+15550100', A, '4821', T + 1)).toBe(true);
      expect(await leases.setPin('+15550100', B, '9999', T + 1)).toBe(false);
      expect(await leases.holderOf('+15550100', T + 2)).toEqual({
        line: '+15550100',
        ...A,
        leasedAt: T,
        expiresAt: T + HOUR,
        pin: '4821',
      });
      expect((await leases.holderOf('+15550101', T + 2))?.pin).toBeUndefined();
      expect(await leases.holderOf('+15550199', T + 2)).toBeUndefined();
    });

    it("never shows a new holder the previous holder's PIN, nor lets an expired holder set one", async () => {
      await leases.lease(ONE_LINE, A, T, MINUTE);
      await leases.setPin('+15550100', A, '4821', T + 1);
      expect(await leases.setPin('+15550100', A, '1234', T + MINUTE)).toBe(false);
      await leases.lease(ONE_LINE, B, T + MINUTE, HOUR);
      expect((await leases.holderOf('+15550100', T + MINUTE))?.pin).toBeUndefined();
      await leases.setPin('+15550100', B, '5555', T + MINUTE);
      await leases.release('+15550100', B);
      await leases.lease(ONE_LINE, C, T + MINUTE, HOUR);
      expect(await leases.holderOf('+15550100', T + MINUTE)).toMatchObject({ ...C });
      expect((await leases.holderOf('+15550100', T + MINUTE))?.pin).toBeUndefined();
    });

    it('keeps a received code on the lease of its line, for its holder only; it goes with the lease', async () => {
      await leases.lease(TWO_LINES, A, T, MINUTE);
      await leases.lease(TWO_LINES, B, T, HOUR);
      await leases.setPin('+15550100', A, '4821', T);
      expect(await leases.setCode('+15550100', A, '705512', T + 1)).toBe(true);
      expect(await leases.setCode('+15550100', B, '111111', T + 1)).toBe(false);
      expect(await leases.holderOf('+15550100', T + 2)).toMatchObject({ ...A, pin: '4821', code: '705512' });
      expect((await leases.holderOf('+15550101', T + 2))?.code).toBeUndefined();
      // A later code replaces the earlier one (AWS sent another).
      expect(await leases.setCode('+15550100', A, '300019', T + 3)).toBe(true);
      expect((await leases.holderOf('+15550100', T + 3))?.code).toBe('300019');
      // Expired: no code is stored, and the next holder never sees the previous one's.
      expect(await leases.setCode('+15550100', A, '999999', T + MINUTE)).toBe(false);
      expect(await leases.setCode('+15550199', A, '999999', T + 1)).toBe(false);
      await leases.lease(TWO_LINES, C, T + MINUTE, HOUR);
      expect(await leases.holderOf('+15550100', T + MINUTE)).toMatchObject({ ...C });
      expect((await leases.holderOf('+15550100', T + MINUTE))?.code).toBeUndefined();
    });

    it("releases only the holder's lease; releasing twice changes nothing", async () => {
      await leases.lease(ONE_LINE, A, T, HOUR);
      await leases.setPin('+15550100', A, '4821', T);
      await leases.release('+15550100', B);
      expect(await leases.holderOf('+15550100', T)).toMatchObject({ ...A, pin: '4821' });
      await leases.release('+15550100', A);
      await leases.release('+15550100', A);
      expect(await leases.holderOf('+15550100', T)).toBeUndefined();
      expect((await leases.lease(ONE_LINE, B, T, HOUR))?.teardownId).toBe(B.teardownId);
    });

    it('drops a waiter that stopped asking; one that asks again keeps its place', async () => {
      await leases.lease(ONE_LINE, A, T, 24 * HOUR);
      await leases.lease(ONE_LINE, B, T, 10 * MINUTE);
      await leases.lease(ONE_LINE, C, T + MINUTE, 10 * MINUTE);
      await leases.lease(ONE_LINE, B, T + 9 * MINUTE, 10 * MINUTE);
      expect(await leases.position(C, T + 11 * MINUTE - 1)).toBe(2);
      // C did not ask again in time; B did.
      expect(await leases.position(C, T + 11 * MINUTE)).toBeUndefined();
      expect(await leases.position(B, T + 11 * MINUTE)).toBe(1);
      await leases.release('+15550100', A);
      expect(await leases.lease(ONE_LINE, C, T + 12 * MINUTE, 10 * MINUTE)).toBeUndefined();
      expect(await leases.position(C, T + 12 * MINUTE)).toBe(2);
      expect(await leases.position(B, T + 20 * MINUTE)).toBeUndefined();
      // B's place lapsed as well: the line is C's now.
      expect((await leases.lease(ONE_LINE, C, T + 20 * MINUTE, 10 * MINUTE))?.teardownId).toBe(C.teardownId);
    });

    it('tells a teardown its place without giving it a line: 0 while a line would be its, else it queues', async () => {
      expect(await leases.place(ONE_LINE, A, T, HOUR)).toBe(0);
      // Looking took nothing: the line is still free, for anyone.
      expect(await leases.holderOf('+15550100', T)).toBeUndefined();
      expect(await leases.position(A, T)).toBeUndefined();
      await leases.lease(ONE_LINE, B, T, HOUR);
      expect(await leases.place(ONE_LINE, A, T, HOUR)).toBe(1);
      expect(await leases.place(ONE_LINE, C, T, HOUR)).toBe(2);
      // Looking again keeps the place; a holder is at the front of its own line.
      expect(await leases.place(ONE_LINE, A, T + 50 * MINUTE, HOUR)).toBe(1);
      expect(await leases.place(ONE_LINE, B, T, HOUR)).toBe(0);
      // C stopped looking and its place lapsed; A's was kept by its look.
      expect(await leases.position(C, T + 61 * MINUTE)).toBeUndefined();
      expect(await leases.position(A, T + 61 * MINUTE)).toBe(1);
      // The freed line is owed to A: C, coming back, queues behind it, and A's lease takes it.
      await leases.release('+15550100', B);
      expect(await leases.place(ONE_LINE, C, T + 62 * MINUTE, HOUR)).toBe(2);
      expect(await leases.place(ONE_LINE, A, T + 62 * MINUTE, HOUR)).toBe(0);
      expect((await leases.lease(ONE_LINE, A, T + 62 * MINUTE, HOUR))?.teardownId).toBe(A.teardownId);
    });

    it('lets a teardown that ended while waiting leave the queue, and the next one moves up', async () => {
      await leases.lease(ONE_LINE, A, T, HOUR);
      await leases.lease(ONE_LINE, B, T, HOUR);
      await leases.lease(ONE_LINE, C, T, HOUR);
      await leases.leaveQueue(B);
      await leases.leaveQueue(B);
      expect([await leases.position(B, T), await leases.position(C, T)]).toEqual([undefined, 1]);
      await leases.release('+15550100', A);
      expect((await leases.lease(ONE_LINE, C, T + 1, HOUR))?.teardownId).toBe(C.teardownId);
    });
  });
}
