import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  PutCommand,
  type PutCommandInput,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AccountId } from '../../../common/account-id';
import { asAwsCallError, TeardownError } from '../../../common/errors';
import {
  decideLease,
  type LineHolder,
  type LineLease,
  type PhoneLineLeases,
  type QueuedHolder,
  queuePosition,
} from '../../ports/phone-line-leases';
import { TTL_ATTRIBUTE } from './state-table';
import { conditionFailed, type StateTable } from './table';

const lineKey = (line: string) => ({ pk: `LINE#${line}`, sk: 'LEASE' });
const QUEUE_KEY = { pk: 'LINE-QUEUE', sk: 'WAITERS' };

/**
 * Each lost attempt means another caller's write went through first; this many in a row means far more
 * teardowns asking at once than any pool of lines serves.
 */
const MAX_ATTEMPTS = 20;
const LOST = Symbol('lost to a concurrent writer');

/** The queue as read: its waiters in order, and the version a write must still find. */
interface StoredQueue {
  version: number;
  waiters: QueuedHolder[];
}

// The table's TTL (`expiresAt`, seconds) removes a lease, PIN included, once it has lapsed; the lease's own end
// (milliseconds) is `leaseUntil`, which every condition reads.
const ttlOf = (leaseUntil: number) => Math.ceil(leaseUntil / 1000);

function leaseItem(lease: LineLease) {
  return {
    ...lineKey(lease.line),
    line: lease.line,
    accountId: lease.accountId,
    teardownId: lease.teardownId,
    leasedAt: lease.leasedAt,
    leaseUntil: lease.expiresAt,
    [TTL_ATTRIBUTE]: ttlOf(lease.expiresAt),
  };
}

function fromLeaseItem(item: Record<string, unknown>): LineLease {
  const lease: LineLease = {
    line: item.line as string,
    accountId: item.accountId as AccountId,
    teardownId: item.teardownId as string,
    leasedAt: item.leasedAt as number,
    expiresAt: item.leaseUntil as number,
  };
  if (item.pin !== undefined) lease.pin = item.pin as string;
  if (item.code !== undefined) lease.code = item.code as string;
  return lease;
}

function queueOf(item: Record<string, unknown> | undefined): StoredQueue {
  return { version: (item?.version as number) ?? 0, waiters: (item?.waiters as QueuedHolder[]) ?? [] };
}

/** Someone else's write came first (a condition failed, or DynamoDB cancelled a transaction that met another). */
function lostRace(error: unknown): boolean {
  if (conditionFailed(error)) return true;
  return (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some(
      (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
    )
  );
}

/**
 * Phone-line leases and their queue in the state table (see table.ts for the item layout). The queue is one item
 * with a version: a line is granted in one transaction with the queue write it conditions on, so nobody can join
 * the queue (or take a line) between a caller's look at the queue and its grant.
 */
export class DynamoPhoneLineLeases implements PhoneLineLeases {
  constructor(private readonly table: StateTable) {}

  async lease(
    pool: readonly string[],
    holder: LineHolder,
    now: number,
    ttlMs: number,
  ): Promise<LineLease | undefined> {
    const what = 'Leasing a phone line';
    // A round after a lost race decides at its own time (the caller's `now` moved on by the time it took): a
    // grant is stamped when it is written, not when it was first asked for.
    const asked = Date.now();
    let round = 0;
    return this.untilWritten(what, async () => {
      const at = round++ === 0 ? now : now + (Date.now() - asked);
      // One snapshot of the queue and the pool's lines: the decision is made on a state that was real.
      const snapshot = await this.readPool(pool);
      if (snapshot === LOST) return LOST;
      const { queue, stored } = snapshot;
      const decision = decideLease(pool, stored, queue.waiters, holder, at, ttlMs);
      if (decision.kind === 'held') return decision.lease;
      if (decision.kind === 'queued') {
        if (!decision.changed) return undefined;
        return (await this.writeQueue(what, queue, decision.queue)) ? undefined : LOST;
      }
      const grant = new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table.name,
              Item: leaseItem(decision.lease),
              // Redundant while every grant also writes the queue, but a line is never shared even if not.
              ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil <= :now',
              ExpressionAttributeValues: { ':now': at },
            },
          },
          { Put: this.queuePut(queue, decision.queue) },
        ],
      });
      return (await this.write(what, this.table.doc.send(grant))) ? decision.lease : LOST;
    });
  }

  async position(holder: LineHolder, now: number): Promise<number | undefined> {
    return queuePosition((await this.readQueue()).waiters, holder, now);
  }

  async place(pool: readonly string[], holder: LineHolder, now: number, ttlMs: number): Promise<number> {
    const what = 'Taking a place in the phone-line queue';
    return this.untilWritten(what, async () => {
      const snapshot = await this.readPool(pool);
      if (snapshot === LOST) return LOST;
      const decision = decideLease(pool, snapshot.stored, snapshot.queue.waiters, holder, now, ttlMs);
      if (decision.kind !== 'queued') return 0;
      if (decision.changed && !(await this.writeQueue(what, snapshot.queue, decision.queue))) return LOST;
      return queuePosition(decision.queue, holder, now) ?? 0;
    });
  }

  async leaveQueue(holder: LineHolder): Promise<void> {
    const what = 'Leaving the phone-line queue';
    await this.untilWritten(what, async () => {
      const queue = await this.readQueue();
      const rest = queue.waiters.filter((waiter) => waiter.teardownId !== holder.teardownId);
      if (rest.length === queue.waiters.length) return;
      return (await this.writeQueue(what, queue, rest)) ? undefined : LOST;
    });
  }

  async renew(line: string, holder: LineHolder, now: number, ttlMs: number): Promise<boolean> {
    return this.write(
      'Renewing a phone-line lease',
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: lineKey(line),
          UpdateExpression: 'SET leaseUntil = :until, #ttl = :ttl',
          // A lapsed lease is not brought back: the line may be someone else's, or owed to the queue.
          ConditionExpression: 'teardownId = :teardownId AND leaseUntil > :now',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':until': now + ttlMs,
            ':ttl': ttlOf(now + ttlMs),
            ':teardownId': holder.teardownId,
            ':now': now,
          },
        }),
      ),
    );
  }

  setPin(line: string, holder: LineHolder, pin: string, now: number): Promise<boolean> {
    return this.setSecret('pin', 'Storing the PIN of a phone line', line, holder, pin, now);
  }

  setCode(line: string, holder: LineHolder, code: string, now: number): Promise<boolean> {
    return this.setSecret('code', 'Storing the code received on a phone line', line, holder, code, now);
  }

  /** One secret value onto the holder's live lease (the message names the call, never the value). */
  private setSecret(
    field: 'pin' | 'code',
    what: string,
    line: string,
    holder: LineHolder,
    value: string,
    now: number,
  ): Promise<boolean> {
    return this.write(
      what,
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: lineKey(line),
          // A name placeholder: `code` is a DynamoDB reserved word.
          UpdateExpression: 'SET #field = :value',
          ConditionExpression: 'teardownId = :teardownId AND leaseUntil > :now',
          ExpressionAttributeNames: { '#field': field },
          ExpressionAttributeValues: { ':value': value, ':teardownId': holder.teardownId, ':now': now },
        }),
      ),
    );
  }

  async holderOf(line: string, now: number): Promise<LineLease | undefined> {
    const lease = await this.readLease(line);
    return lease && lease.expiresAt > now ? lease : undefined;
  }

  async release(line: string, holder: LineHolder): Promise<void> {
    await this.write(
      'Releasing a phone line',
      this.table.doc.send(
        new DeleteCommand({
          TableName: this.table.name,
          Key: lineKey(line),
          ConditionExpression: 'teardownId = :teardownId',
          ExpressionAttributeValues: { ':teardownId': holder.teardownId },
        }),
      ),
    );
  }

  private async readLease(line: string): Promise<LineLease | undefined> {
    const item = await this.table.getItem('Reading a phone-line lease', lineKey(line));
    return item ? fromLeaseItem(item) : undefined;
  }

  private async readQueue(): Promise<StoredQueue> {
    return queueOf(await this.table.getItem('Reading the phone-line queue', QUEUE_KEY));
  }

  /** LOST when DynamoDB refused the snapshot because a write transaction was under way on one of its items. */
  private async readPool(
    pool: readonly string[],
  ): Promise<{ queue: StoredQueue; stored: LineLease[] } | typeof LOST> {
    try {
      const { Responses = [] } = await this.table.doc.send(
        new TransactGetCommand({
          TransactItems: [QUEUE_KEY, ...[...new Set(pool)].map(lineKey)].map((key) => ({
            Get: { TableName: this.table.name, Key: key },
          })),
        }),
      );
      const [queue, ...lines] = Responses.map((response) => response?.Item);
      return { queue: queueOf(queue), stored: lines.flatMap((item) => (item ? [fromLeaseItem(item)] : [])) };
    } catch (error) {
      if (lostRace(error)) return LOST;
      throw asAwsCallError('Reading the phone lines and their queue', error);
    }
  }

  private writeQueue(what: string, read: StoredQueue, waiters: QueuedHolder[]): Promise<boolean> {
    return this.write(what, this.table.doc.send(new PutCommand(this.queuePut(read, waiters))));
  }

  /** The queue's next version, written only if nobody wrote it since `read` (version 0: it did not exist). */
  private queuePut(read: StoredQueue, waiters: QueuedHolder[]): PutCommandInput {
    const item = { ...QUEUE_KEY, version: read.version + 1, waiters };
    if (read.version === 0) {
      return { TableName: this.table.name, Item: item, ConditionExpression: 'attribute_not_exists(pk)' };
    }
    return {
      TableName: this.table.name,
      Item: item,
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': read.version },
    };
  }

  /** True when the write went through, false when a condition (someone else's write) stopped it. */
  private async write(what: string, sent: Promise<unknown>): Promise<boolean> {
    try {
      await sent;
      return true;
    } catch (error) {
      if (lostRace(error)) return false;
      throw asAwsCallError(what, error);
    }
  }

  /** Reads and writes again while others' writes come first; each round sees what they wrote. */
  private async untilWritten<T>(what: string, attempt: () => Promise<T | typeof LOST>): Promise<T> {
    for (let round = 0; round < MAX_ATTEMPTS; round++) {
      const result = await attempt();
      if (result !== LOST) return result;
    }
    throw new TeardownError(
      'CONFLICT',
      `${what} lost to concurrent writers ${MAX_ATTEMPTS} times in a row; it may be tried again.`,
      { retryable: true },
    );
  }
}
