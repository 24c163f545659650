import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountId } from '../../../common/account-id';
import { asAwsCallError, ConflictError } from '../../../common/errors';
import {
  type CaptchaChallenge,
  type CaptchaChallenges,
  type CaptchaRefusal,
  type CaptchaReply,
  type NewCaptchaChallenge,
  refusalOf,
} from '../../ports/captcha-challenges';
import { TTL_ATTRIBUTE } from './state-table';
import { conditionFailed, type StateTable } from './table';

/** Who answered stays on record for the day's look into a teardown; the answer itself goes at close. */
const RETENTION_AFTER_DEADLINE_MS = 86_400_000;

const key = (id: string) => ({ pk: `CAPTCHA#${id}`, sk: 'CHALLENGE' });

// `status` and `createdAt` would put the item into the byStatus index of teardowns, and `expiresAt` is the
// table's TTL in seconds: the challenge's own fields of those names are stored under other names.
function toItem(challenge: NewCaptchaChallenge) {
  return {
    ...key(challenge.id),
    id: challenge.id,
    accountId: challenge.accountId,
    teardownId: challenge.teardownId,
    imageRef: challenge.imageRef,
    openedAt: challenge.createdAt,
    answerableUntil: challenge.expiresAt,
    challengeStatus: 'open',
    [TTL_ATTRIBUTE]: Math.ceil((challenge.expiresAt + RETENTION_AFTER_DEADLINE_MS) / 1000),
  };
}

function fromItem(item: Record<string, unknown>): CaptchaChallenge {
  const challenge: CaptchaChallenge = {
    id: item.id as string,
    accountId: item.accountId as AccountId,
    teardownId: item.teardownId as string,
    imageRef: item.imageRef as string,
    createdAt: item.openedAt as number,
    expiresAt: item.answerableUntil as number,
    status: item.challengeStatus as CaptchaChallenge['status'],
  };
  if (item.answer !== undefined) challenge.answer = item.answer as string;
  if (item.answeredBy !== undefined) challenge.answeredBy = item.answeredBy as string;
  if (item.answeredAt !== undefined) challenge.answeredAt = item.answeredAt as number;
  return challenge;
}

/** CAPTCHA challenges in the state table (see table.ts for the item layout). */
export class DynamoCaptchaChallenges implements CaptchaChallenges {
  constructor(private readonly table: StateTable) {}

  async open(challenge: NewCaptchaChallenge): Promise<void> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: toItem(challenge),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (conditionFailed(error)) {
        throw new ConflictError(`A CAPTCHA challenge with id ${challenge.id} exists already.`, {
          cause: error,
        });
      }
      throw asAwsCallError('Opening a CAPTCHA challenge', error);
    }
  }

  async get(id: string): Promise<CaptchaChallenge | undefined> {
    const item = await this.table.getItem('Reading a CAPTCHA challenge', key(id));
    return item ? fromItem(item) : undefined;
  }

  async answer(id: string, reply: CaptchaReply): Promise<{ ok: true } | { ok: false; why: CaptchaRefusal }> {
    // A blank answer cannot win; the read below says why (or that another reason comes first).
    if (reply.answer.trim() !== '') {
      try {
        await this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.name,
            Key: key(id),
            UpdateExpression:
              'SET #status = :answered, answer = :answer, answeredBy = :by, answeredAt = :now',
            ConditionExpression:
              'attribute_exists(pk) AND teardownId = :teardownId AND #status = :open AND answerableUntil > :now',
            ExpressionAttributeNames: { '#status': 'challengeStatus' },
            ExpressionAttributeValues: {
              ':answered': 'answered',
              ':open': 'open',
              ':answer': reply.answer,
              ':by': reply.by,
              ':now': reply.now,
              ':teardownId': reply.teardownId,
            },
          }),
        );
        return { ok: true };
      } catch (error) {
        // The message names the call, never the answer.
        if (!conditionFailed(error)) throw asAwsCallError('Answering a CAPTCHA challenge', error);
      }
    }
    // Only a challenge opened after the write was refused can read as answerable here: unknown at the time.
    return { ok: false, why: refusalOf(await this.get(id), reply) ?? 'unknown' };
  }

  async close(id: string): Promise<void> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: key(id),
          UpdateExpression: 'SET #status = :closed REMOVE answer',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'challengeStatus' },
          ExpressionAttributeValues: { ':closed': 'closed' },
        }),
      );
    } catch (error) {
      if (conditionFailed(error)) return;
      throw asAwsCallError('Closing a CAPTCHA challenge', error);
    }
  }
}
