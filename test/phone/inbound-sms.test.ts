// Tests src/phone/inbound-sms.ts on the pipeline in memory: a text message AWS sent to one of our lines lands on
// the lease of that line and reaches the teardown holding it, once; nothing else is touched and the code is
// never logged.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inboundSmsEvent } from '../../sim/phone/events';
import type { AccountId } from '../../src/common/account-id';
import { AwsCallError } from '../../src/common/errors';
import { createLogger } from '../../src/common/logger';
import {
  codeFromSms,
  type InboundSms,
  type InboundSmsDeps,
  parseSnsEvent,
  takeSms,
} from '../../src/phone/inbound-sms';
import { captureOutputOf } from '../common/capture-output';
import type { MemorySealedValues } from '../support/fakes';
import type { MemoryHarness } from '../support/memory-harness';
import { codeWaitingHarness, PHONE_ACCOUNTS } from '../support/phone-stand-ins';
import { requestApprovedRemoval, resetMailArrives } from '../support/runner-rig';

const LINES = ['+15550100', '+15550101'];
const AWS_SENDER = '+18885550199';
const { a: ID_A, b: ID_B } = PHONE_ACCOUNTS;
const body = (code: string) => `Your Amazon Web Services verification code is: ${code}`;

let codesSeen: Map<string, string>;
let sealed: MemorySealedValues;
let h: MemoryHarness;
let deps: InboundSmsDeps;
let sent = 0;
beforeEach(() => {
  ({ h, codesSeen, sealed } = codeWaitingHarness(LINES));
  deps = {
    phoneLines: h.ports.phoneLines,
    teardowns: h.ports.teardowns,
    idempotency: h.ports.idempotency,
    runner: h.runner,
    sealed,
    logger: createLogger('test'),
    clock: h.now,
  };
});
afterEach(async () => h?.close());

/** A remove-path teardown run on until verify-phone waits for the code on its line. */
async function waitingForCode(id: AccountId): Promise<string> {
  await requestApprovedRemoval(h, id);
  await resetMailArrives(h, id);
  await h.runUntilQuiet();
  const t = await h.ports.teardowns.get(id);
  expect(t).toMatchObject({ step: 'verify-phone', stepStatus: 'waiting', wait: { signal: 'phone-code' } });
  return /code sent to (\+\d+)/.exec(t?.wait?.reason ?? '')?.[1] as string;
}

const sms = (to: string, text: string, id = `in-${++sent}`): InboundSms => ({
  destinationNumber: to,
  originationNumber: AWS_SENDER,
  messageBody: text,
  inboundMessageId: id,
});

async function take(message: InboundSms) {
  const captured = await captureOutputOf(() => takeSms(deps, message));
  await h.runUntilQuiet();
  return captured;
}

describe('a code sent to a line a teardown holds', () => {
  it('is stored on that lease and hands the waiting teardown its code', async () => {
    const line = await waitingForCode(ID_A);
    const { result, text } = await take(sms(line, body('705512')));
    expect(result).toEqual({ outcome: 'signalled', accountId: ID_A, teardownId: expect.any(String), line });
    expect((await h.ports.phoneLines.holderOf(line, h.now()))?.code).toBe('705512');
    expect(codesSeen.get(ID_A)).toBe('705512');
    expect(await h.ports.teardowns.get(ID_A)).toMatchObject({ step: 'remove-from-org' });
    expect(text).toContain('sms code handed to its teardown');
    expect(text).not.toContain('705512');
  });

  it('reaches only the teardown of the line it was sent to', async () => {
    const lineA = await waitingForCode(ID_A);
    const lineB = await waitingForCode(ID_B);
    expect(lineA).not.toBe(lineB);
    await take(sms(lineB, body('222333')));
    expect(codesSeen.get(ID_B)).toBe('222333');
    expect(codesSeen.has(ID_A)).toBe(false);
    expect(await h.ports.teardowns.get(ID_A)).toMatchObject({ step: 'verify-phone', stepStatus: 'waiting' });
    expect((await h.ports.phoneLines.holderOf(lineA, h.now()))?.code).toBeUndefined();
    await take(sms(lineA, body('111444')));
    expect(codesSeen.get(ID_A)).toBe('111444');
  });

  it('is taken once, however often SNS delivers it', async () => {
    const line = await waitingForCode(ID_A);
    const message = sms(line, body('705512'), 'in-repeated');
    expect((await take(message)).result).toMatchObject({ outcome: 'signalled' });
    expect((await take(message)).result).toEqual({
      outcome: 'duplicate',
      reason: 'this message was taken before',
    });
  });

  it('is kept on the lease for the browser when its teardown is not waiting for it right now', async () => {
    const line = await waitingForCode(ID_A);
    const before = await h.ports.teardowns.get(ID_A);
    // As the record looks while the browser worker still runs verify-phone.
    const running = { ...before!, version: before!.version + 1, stepStatus: 'running' as const };
    delete running.wait;
    await h.ports.teardowns.transition(before!.version, running, {
      ...h.notices.at(-1)!.event,
      version: running.version,
    });
    const { result } = await take(sms(line, body('705512')));
    expect(result).toMatchObject({ outcome: 'stored', accountId: ID_A, line });
    expect((await h.ports.phoneLines.holderOf(line, h.now()))?.code).toBe('705512');
    expect(await h.ports.teardowns.get(ID_A)).toEqual(running);
  });

  it('drops a late text sent before its line was leased to the teardown holding it now', async () => {
    const line = await waitingForCode(ID_A);
    const lease = await h.ports.phoneLines.holderOf(line, h.now());
    const { result } = await take({ ...sms(line, body('705512')), sentAt: (lease?.leasedAt ?? 0) - 1 });
    expect(result).toMatchObject({
      outcome: 'dropped',
      reason: 'the message is older than the lease of the line',
    });
    expect((await h.ports.phoneLines.holderOf(line, h.now()))?.code).toBeUndefined();
    expect((await h.ports.teardowns.get(ID_A))?.stepStatus).toBe('waiting');
  });

  it('gives a message back for another delivery when the hand-over fails', async () => {
    const line = await waitingForCode(ID_A);
    const resume = h.runner.resume.bind(h.runner);
    deps.runner = {
      resume: async () => {
        throw new AwsCallError('Writing the teardown failed: ThrottlingException', { retryable: true });
      },
    };
    const message = sms(line, body('705512'));
    await expect(takeSms(deps, message)).rejects.toBeInstanceOf(AwsCallError);
    deps.runner = { resume };
    expect((await take(message)).result).toMatchObject({ outcome: 'signalled' });
  });
});

describe('a message that cannot be used', () => {
  it('is dropped when no teardown holds the line, and logged without its body', async () => {
    const { result, text } = await take(sms(LINES[0] as string, body('705512')));
    expect(result).toEqual({ outcome: 'dropped', reason: 'no teardown holds the line' });
    expect(text).toContain('sms dropped');
    expect(text).not.toContain('705512');
    expect(text).not.toContain('verification code');
  });

  it('is dropped when it holds no code', async () => {
    const line = await waitingForCode(ID_A);
    const { result, text } = await take(sms(line, 'HELP'));
    expect(result).toEqual({ outcome: 'dropped', reason: 'the message holds no code' });
    expect(text).not.toContain('HELP');
    expect(await h.ports.teardowns.get(ID_A)).toMatchObject({ step: 'verify-phone', stepStatus: 'waiting' });
  });
});

describe('the code in a message', () => {
  it('is the run of 4 to 8 digits, preferably the one after "code"', () => {
    expect(codeFromSms(body('123456'))).toBe('123456');
    expect(codeFromSms('4821 is your verification code.')).toBe('4821');
    expect(codeFromSms('Your code: 12345678')).toBe('12345678');
    expect(codeFromSms('Call +1 206 5550 if needed. Your code is 998877')).toBe('998877');
    expect(codeFromSms('Account 123456789012: code 4455')).toBe('4455');
    expect(codeFromSms('No digits here')).toBeUndefined();
    expect(codeFromSms('Too short 123, too long 123456789')).toBeUndefined();
  });
});

describe('the SNS event', () => {
  it('yields the messages End User Messaging published', () => {
    const event = inboundSmsEvent({
      to: '+15550100',
      from: AWS_SENDER,
      body: body('1234'),
      inboundMessageId: 'm-1',
      at: 0,
    });
    expect(parseSnsEvent(event)).toEqual({
      ok: true,
      messages: [
        {
          destinationNumber: '+15550100',
          originationNumber: AWS_SENDER,
          messageBody: body('1234'),
          inboundMessageId: 'm-1',
          sentAt: 0,
        },
      ],
    });
  });

  it('is malformed when a message is not JSON or lacks a field, without repeating the body', () => {
    const notJson = { Records: [{ EventSource: 'aws:sns', Sns: { Message: 'code 4821' } }] };
    expect(parseSnsEvent(notJson)).toEqual({ ok: false, reason: 'record 0: the SNS message is not JSON' });
    const noNumber = {
      Records: [
        {
          EventSource: 'aws:sns',
          Sns: { Message: JSON.stringify({ messageBody: 'code 4821', inboundMessageId: 'x' }) },
        },
      ],
    };
    const parsed = parseSnsEvent(noNumber);
    expect(parsed.ok).toBe(false);
    expect(JSON.stringify(parsed)).toContain('destinationNumber');
    expect(JSON.stringify(parsed)).not.toContain('4821');
  });
});
