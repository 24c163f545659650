// Tests src/pipeline/adapters/dynamodb/teardown-store.ts on moto.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeEach, expect, it } from 'vitest';
import type { AccountId } from '../../../../src/common/account-id';
import { ConflictError, TeardownExistsError } from '../../../../src/common/errors';
import { createStateTable } from '../../../../src/pipeline/adapters/dynamodb/state-table';
import { StateTable } from '../../../../src/pipeline/adapters/dynamodb/table';
import { DynamoTeardownStore } from '../../../../src/pipeline/adapters/dynamodb/teardown-store';
import type { Teardown } from '../../../../src/pipeline/model';
import { applyOutcome, claim, newTeardown } from '../../../../src/pipeline/state';

let store: DynamoTeardownStore;
beforeEach(async () => {
  const client = new DynamoDBClient({});
  const table = `store-${randomUUID().slice(0, 8)}`;
  await createStateTable(client, table);
  store = new DynamoTeardownStore(new StateTable(client, table));
});

// Ending a teardown sets no deadline.
const never = () => Number.POSITIVE_INFINITY;
const id = (n: number) => String(n).padStart(12, '0') as AccountId;
async function create(n: number, createdAt: number): Promise<Teardown> {
  const { next, event } = newTeardown({
    accountId: id(n),
    teardownId: `t${n}`,
    strategy: 'close',
    requester: 'UREQ1',
    now: createdAt,
  });
  await store.create(next, event);
  return next;
}

it('lists teardowns by status, newest first, page by page', async () => {
  const base = Date.now();
  for (let n = 1; n <= 7; n++) await create(n, base + n * 1000);
  const ended = await store.get(id(3));
  const { next, event } = applyOutcome(
    ended!,
    { type: 'end', status: 'refused', reason: 'no' },
    'w',
    base + 9000,
    never,
  );
  await store.transition(ended!.version, next, event);

  const first = await store.list('active', { limit: 4 });
  expect(first.items.map((t) => t.accountId)).toEqual([id(7), id(6), id(5), id(4)]);
  expect(first.cursor).toBeDefined();
  const second = await store.list('active', { limit: 4, cursor: first.cursor });
  expect(second.items.map((t) => t.accountId)).toEqual([id(2), id(1)]);
  expect((await store.list('refused')).items.map((t) => t.accountId)).toEqual([id(3)]);
});

it('writes a transition only on the expected version, with its event', async () => {
  const created = await create(1, Date.now());
  const a = claim(created, 'worker-a', Date.now(), 60_000);
  const b = claim(created, 'worker-b', Date.now(), 60_000);
  await store.transition(created.version, a.next, a.event);
  await expect(store.transition(created.version, b.next, b.event)).rejects.toBeInstanceOf(ConflictError);
  expect((await store.get(id(1)))?.lease?.owner).toBe('worker-a');
  const events = await store.events(id(1), 't1');
  expect(events.map((e) => [e.version, e.action, e.actor])).toEqual([
    [1, 'requested', 'UREQ1'],
    [2, 'claimed', 'worker-a'],
  ]);
});

// Regression: moto's threaded server let two concurrent conditional writes both succeed (a step ran twice);
// the stand-in now serves one request at a time, as atomic as DynamoDB's conditions.
it('lets exactly one of many concurrent transitions from the same version win, every time', async () => {
  let current = await create(1, Date.now());
  for (let round = 0; round < 10; round++) {
    const attempts = Array.from({ length: 20 }, (_, i) => claim(current, `worker-${i}`, Date.now(), 60_000));
    const results = await Promise.allSettled(
      attempts.map((a) => store.transition(current.version, a.next, a.event)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const saved = await store.get(id(1));
    const winner = attempts[results.findIndex((r) => r.status === 'fulfilled')];
    expect(saved?.lease?.owner).toBe(winner?.next.lease?.owner);
    current = saved as Teardown;
  }
});

it('allows a new teardown of an account only after the previous one ended', async () => {
  const first = await create(1, Date.now());
  await expect(create(1, Date.now())).rejects.toBeInstanceOf(TeardownExistsError);
  const { next, event } = applyOutcome(
    first,
    { type: 'end', status: 'cancelled', reason: 'x' },
    'U',
    Date.now(),
    never,
  );
  await store.transition(first.version, next, event);
  const { next: again, event: againEvent } = newTeardown({
    accountId: id(1),
    teardownId: 't1b',
    strategy: 'close',
    requester: 'UREQ1',
    now: Date.now(),
  });
  await store.create(again, againEvent);
  expect((await store.get(id(1)))?.teardownId).toBe('t1b');
  // The earlier teardown's event log stays.
  expect((await store.events(id(1), 't1')).map((e) => e.action)).toEqual(['requested', 'ended']);
});

it('notes an observed event after its version’s own, once per tag, leaving the record as it was', async () => {
  const created = await create(1, Date.now());
  const observed = {
    accountId: id(1),
    teardownId: 't1',
    version: created.version,
    at: Date.now(),
    actor: 'mail',
    action: 'mail-received',
    step: created.step,
    attempt: created.attempt,
    outcome: 'ignored',
    detail: 'Welcome to Amazon Web Services, from no-reply@aws.example',
  };
  await store.note(observed, 'mail-abc');
  await store.note(observed, 'mail-abc');
  const a = claim(created, 'worker-a', Date.now(), 60_000);
  await store.transition(created.version, a.next, a.event);
  expect((await store.events(id(1), 't1')).map((e) => e.action)).toEqual([
    'requested',
    'mail-received',
    'claimed',
  ]);
  expect(await store.get(id(1))).toMatchObject({ version: created.version + 1 });
});
