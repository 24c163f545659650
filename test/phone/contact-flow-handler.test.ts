// Tests src/phone/contact-flow-handler.ts: what the contact flow is told to play on a call to one of our lines,
// from the lease of that line, and that neither the PIN nor the audio naming it reaches the logs.
import { beforeEach, describe, expect, it } from 'vitest';
import { contactFlowEvent } from '../../sim/phone/events';
import type { AccountId } from '../../src/common/account-id';
import { AwsCallError } from '../../src/common/errors';
import { createLogger } from '../../src/common/logger';
import {
  answerContactFlow,
  type ContactFlowDeps,
  parseContactFlowEvent,
} from '../../src/phone/contact-flow-handler';
import { captureOutputOf } from '../common/capture-output';
import { MemoryPhoneLineLeases } from '../support/fakes';

const T = Date.UTC(2026, 2, 1, 12);
const LINE = '+15550100';
const OTHER_LINE = '+15550101';
const A = { accountId: '111111111111' as AccountId, teardownId: 't-a' };
const B = { accountId: '222222222222' as AccountId, teardownId: 't-b' };
const AUDIO = 'https://acme-phone-audio.s3.us-east-1.amazonaws.com/teardown/audio/';

let leases: MemoryPhoneLineLeases;
let reads: number;
let deps: ContactFlowDeps;
beforeEach(() => {
  leases = new MemoryPhoneLineLeases();
  reads = 0;
  const counted: ContactFlowDeps['phoneLines'] = {
    holderOf: (line, now) => {
      reads++;
      return leases.holderOf(line, now);
    },
  };
  deps = {
    phoneLines: counted,
    digitAudio: (digit) => `${AUDIO}dtmf-${digit}.wav`,
    lines: [LINE, OTHER_LINE],
    logger: createLogger('test'),
    clock: () => T + 1_000,
  };
});

const callTo = (line: string) => contactFlowEvent({ contactId: 'c-0001', to: line, from: '+12065550142' });
const answer = (event: unknown) => captureOutputOf(() => answerContactFlow(deps, event));

describe('a call to a line whose holder stored the PIN', () => {
  it('plays its digits in order, one audio file each, from a single read', async () => {
    await leases.lease([LINE], A, T, 60_000);
    await leases.setPin(LINE, A, '40917', T);
    const { result, text } = await answer(callTo(LINE));
    expect(result).toEqual({
      action: 'play',
      digitCount: '5',
      digit1: `${AUDIO}dtmf-4.wav`,
      digit2: `${AUDIO}dtmf-0.wav`,
      digit3: `${AUDIO}dtmf-9.wav`,
      digit4: `${AUDIO}dtmf-1.wav`,
      digit5: `${AUDIO}dtmf-7.wav`,
    });
    expect(Object.values(result).every((value) => typeof value === 'string')).toBe(true);
    expect(reads).toBe(1);
    // The log says whose call it was, never what was played.
    expect(text).toContain('call answered with the PIN of its line');
    expect(text).toContain(A.teardownId);
    expect(text).not.toContain('40917');
    expect(text).not.toContain('dtmf-');
  });

  it("plays each line's own PIN", async () => {
    await leases.lease([LINE, OTHER_LINE], A, T, 60_000);
    await leases.lease([LINE, OTHER_LINE], B, T, 60_000);
    await leases.setPin(LINE, A, '1111', T);
    await leases.setPin(OTHER_LINE, B, '2222', T);
    expect((await answer(callTo(LINE))).result).toMatchObject({ digit1: `${AUDIO}dtmf-1.wav` });
    expect((await answer(callTo(OTHER_LINE))).result).toMatchObject({ digit4: `${AUDIO}dtmf-2.wav` });
  });
});

describe('a call the flow must not play a PIN on', () => {
  it('waits while the holder has not stored the PIN yet', async () => {
    await leases.lease([LINE], A, T, 60_000);
    const { result, text } = await answer(callTo(LINE));
    expect(result).toEqual({ action: 'wait' });
    expect(text).toContain('call before the PIN was stored');
  });

  it('plays nothing on a line nobody holds, nor once the lease has lapsed', async () => {
    const free = await answer(callTo(LINE));
    expect(free.result).toEqual({ action: 'none' });
    expect(free.text).toContain('call to a line no teardown holds');
    await leases.lease([LINE], A, T, 500);
    await leases.setPin(LINE, A, '4821', T);
    const lapsed = await answer(callTo(LINE));
    expect(lapsed.result).toEqual({ action: 'none' });
    expect(lapsed.text).not.toContain('4821');
  });

  it('plays nothing on a number that is not one of our lines, without reading anything', async () => {
    const { result, text } = await answer(callTo('+15557770000'));
    expect(result).toEqual({ action: 'none' });
    expect(reads).toBe(0);
    expect(text).toContain('not one of our lines');
  });

  it('plays nothing for a PIN that is not 1 to 8 digits, and does not log it', async () => {
    await leases.lease([LINE], A, T, 60_000);
    await leases.setPin(LINE, A, '12ab', T);
    const { result, text } = await answer(callTo(LINE));
    expect(result).toEqual({ action: 'none' });
    expect(text).not.toContain('12ab');
  });

  it('asks the flow to wait when the lease cannot be read (the flow asks again)', async () => {
    deps.phoneLines = {
      holderOf: async () => {
        throw new AwsCallError('Reading a phone-line lease failed: ProvisionedThroughputExceededException', {
          retryable: true,
        });
      },
    };
    const { result, text } = await answer(callTo(LINE));
    expect(result).toEqual({ action: 'wait' });
    expect(text).toContain('could not read the lease of the called line');
  });

  it('asks the flow to wait when the read is too slow for Connect, rather than letting the call fail', async () => {
    await leases.lease([LINE], A, T, 60_000);
    await leases.setPin(LINE, A, '4821', T);
    deps.answerWithinMs = 20;
    deps.phoneLines = {
      holderOf: (line, now) =>
        new Promise((resolve) => setTimeout(() => resolve(leases.holderOf(line, now)), 200)),
    };
    const { result, text } = await answer(callTo(LINE));
    expect(result).toEqual({ action: 'wait' });
    expect(text).toContain('not read in time');
  });

  it('plays nothing for an event that is not a valid contact-flow event', async () => {
    for (const bad of [
      { Name: 'ContactFlowEvent' },
      {
        Name: 'ContactFlowEvent',
        Details: { ContactData: { ContactId: 'c', SystemEndpoint: { Address: '555' } } },
      },
    ]) {
      const { result, text } = await answer(bad);
      expect(result).toEqual({ action: 'none' });
      expect(text).toContain('contact-flow event rejected');
    }
    expect(reads).toBe(0);
  });
});

it('reads the called line and the contact from a Connect event', () => {
  expect(parseContactFlowEvent(callTo(LINE))).toEqual({ ok: true, line: LINE, contactId: 'c-0001' });
  expect(parseContactFlowEvent({ Name: 'Other' })).toMatchObject({ ok: false });
});
