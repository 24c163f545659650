// Tests src/phone/handler.ts: the phone Lambda tells Connect's questions from SNS's messages by their shape, and
// refuses anything else with a log that names the shape, not the values.
import { beforeEach, expect, it } from 'vitest';
import { contactFlowEvent, inboundSmsEvent } from '../../sim/phone/events';
import type { AccountId } from '../../src/common/account-id';
import { createLogger } from '../../src/common/logger';
import { handlePhoneEvent, type PhoneHandlerDeps } from '../../src/phone/handler';
import type { InboundSmsDeps } from '../../src/phone/inbound-sms';
import { captureOutputOf } from '../common/capture-output';
import {
  MemoryIdempotencyKeys,
  MemoryPhoneLineLeases,
  MemorySealedValues,
  MemoryTeardownStore,
} from '../support/fakes';

const T = Date.UTC(2026, 2, 1, 12);
const LINE = '+15550100';
const A = { accountId: '111111111111' as AccountId, teardownId: 't-a' };

let leases: MemoryPhoneLineLeases;
let smsBuilt: number;
let deps: PhoneHandlerDeps;
beforeEach(async () => {
  leases = new MemoryPhoneLineLeases();
  await leases.lease([LINE], A, T, 60_000);
  smsBuilt = 0;
  const logger = createLogger('test', { logLevel: 'ERROR' });
  const sms: InboundSmsDeps = {
    phoneLines: leases,
    teardowns: new MemoryTeardownStore(),
    idempotency: new MemoryIdempotencyKeys(),
    runner: { resume: async () => Promise.reject(new Error('no teardown in this test')) },
    sealed: new MemorySealedValues(),
    logger,
    clock: () => T,
  };
  deps = {
    contactFlow: {
      phoneLines: leases,
      digitAudio: (d) => `https://a.s3.amazonaws.com/dtmf-${d}.wav`,
      logger,
      clock: () => T,
    },
    sms: async () => {
      smsBuilt++;
      return sms;
    },
    logger,
  };
});

it("answers Connect's question without building what messages need", async () => {
  await leases.setPin(LINE, A, '12', T);
  const answer = await handlePhoneEvent(
    deps,
    contactFlowEvent({ contactId: 'c-1', to: LINE, from: '+12065550142' }),
  );
  expect(answer).toEqual({
    action: 'play',
    digitCount: '2',
    digit1: 'https://a.s3.amazonaws.com/dtmf-1.wav',
    digit2: 'https://a.s3.amazonaws.com/dtmf-2.wav',
  });
  expect(smsBuilt).toBe(0);
});

it('takes every message of an SNS event (the code lands on the lease of its line)', async () => {
  const event = inboundSmsEvent({
    to: LINE,
    from: '+18885550199',
    body: 'Your code is 8080',
    inboundMessageId: 'm-1',
    at: T,
  });
  const result = await handlePhoneEvent(deps, event);
  expect(result).toEqual({
    outcomes: [
      {
        outcome: 'stored',
        accountId: A.accountId,
        teardownId: A.teardownId,
        line: LINE,
        reason: expect.any(String),
      },
    ],
  });
  expect((await leases.holderOf(LINE, T))?.code).toBe('8080');
  expect(smsBuilt).toBe(1);
});

it('drops a malformed SNS event with the reason', async () => {
  const { result, text } = await captureOutputOf(() =>
    handlePhoneEvent(deps, { Records: [{ EventSource: 'aws:sns', Sns: { Message: '{}' } }] }),
  );
  expect(result).toMatchObject({ error: 'malformed event' });
  expect(text).toContain('malformed sms event dropped');
});

it('refuses any other event and logs its shape only', async () => {
  for (const other of [
    { Records: [{ eventSource: 'aws:s3', s3: { object: { key: 'secret-4821' } } }] },
    'ping',
    null,
    [1, 2],
  ]) {
    const { result, text } = await captureOutputOf(() => handlePhoneEvent(deps, other));
    expect(result).toEqual({ error: 'unrecognised event' });
    expect(text).toContain('event rejected: neither a contact-flow event nor an SNS message');
    expect(text).not.toContain('secret-4821');
  }
  expect(smsBuilt).toBe(0);
});
