import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SimMessage, type SlackSim, startSlackSim } from '../../sim/slack';
import type { AccountId } from '../../src/common/account-id';
import { createLogger } from '../../src/common/logger';
import {
  ACTION,
  decodeChallengeRef,
  decodePhoneCodeMeta,
  decodePhoneRef,
  decodeRef,
  encodePhoneCodeMeta,
  encodePhoneRef,
} from '../../src/slack/ids';
import { createSlackOutbox, type SlackOutbox } from '../../src/slack/outbox';
import { SlackPhonePrompter } from '../../src/slack/phone-prompter';
import { slackDate } from '../../src/slack/render/mrkdwn';

const CHANNEL = 'C0SANDBOXREQ';
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const UNTIL = NOW + 10 * 60_000;
const ACCOUNT = '012345678901' as AccountId;
const LINE = '+15557770100';
const PERSON = 'UPHONEOWNER1';

let sim: SlackSim;
let outbox: SlackOutbox;
let prompter: SlackPhonePrompter;
let rootTs: string;

beforeEach(async () => {
  sim = await startSlackSim({ botToken: 'xoxb-browser-test' });
  const logger = createLogger('phone-prompter-test', { logLevel: 'ERROR' });
  outbox = createSlackOutbox({ botToken: 'xoxb-browser-test', apiUrl: sim.apiUrl }, { paceMs: 0, logger });
  prompter = new SlackPhonePrompter({ outbox, clock: () => NOW + 60_000, logger });
  // The teardown's request message, which the bot posted: its thread is where the person is asked.
  rootTs = await outbox.post(CHANNEL, { text: 'Teardown of 012345678901', blocks: [] });
});

afterEach(async () => sim?.close());

const request = (changes: Partial<Parameters<SlackPhonePrompter['ask']>[0]> = {}) => ({
  accountId: ACCOUNT,
  teardownId: 't-1',
  line: LINE,
  person: PERSON,
  direction: 'pin' as const,
  until: UNTIL,
  slack: { channel: CHANNEL, threadTs: rootTs, requestTs: rootTs },
  stepTitle: 'Complete the sign-up',
  ...changes,
});

const promptButtons = (message: SimMessage | undefined) =>
  (message?.blocks ?? []).flatMap((block) =>
    block.type === 'actions' && Array.isArray(block.elements)
      ? (block.elements as Array<{ action_id: string; value: string; text: { text: string } }>)
      : [],
  );

const shown = (message: SimMessage | undefined) => `${message?.text}\n${JSON.stringify(message?.blocks)}`;

describe('the Slack phone prompter', () => {
  it('asks the person to press Show PIN and key it in when AWS calls, naming their phone by its last digits', async () => {
    await prompter.ask(request());

    const prompt = sim.thread(CHANNEL, rootTs).at(-1);
    expect(prompt?.thread_ts).toBe(rootTs);
    expect(prompt?.text).toBe('AWS is calling a phone for account 012345678901');
    expect(shown(prompt)).toContain(
      `*Complete the sign-up*: AWS is calling <@${PERSON}>'s phone (…0100) for account \`${ACCOUNT}\`: press *Show PIN*, then key the PIN in when the call asks for it (before ${slackDate(UNTIL)}).`,
    );
    // What people read does not show the number itself (the button's value names the line for the bot).
    const readable = (prompt?.blocks ?? []).filter((block) => block.type !== 'actions');
    expect(`${prompt?.text}${JSON.stringify(readable)}`).not.toContain('5557770100');

    const [show, ...others] = promptButtons(prompt);
    expect(others).toEqual([]);
    expect(show?.action_id).toBe(ACTION.showPin);
    expect(show?.text.text).toBe('Show PIN');
    expect(decodePhoneRef(show?.value)).toEqual({ accountId: ACCOUNT, teardownId: 't-1', line: LINE });
  });

  it('asks the person to press Enter code when AWS sent their phone a code', async () => {
    await prompter.ask(request({ direction: 'code' }));

    const prompt = sim.thread(CHANNEL, rootTs).at(-1);
    expect(prompt?.text).toBe('AWS sent a verification code for account 012345678901');
    expect(shown(prompt)).toContain(
      `AWS sent a verification code to <@${PERSON}>'s phone (…0100) for account \`${ACCOUNT}\`: press *Enter code* and type it in (before ${slackDate(UNTIL)}).`,
    );
    const [enter, ...others] = promptButtons(prompt);
    expect(others).toEqual([]);
    expect(enter?.action_id).toBe(ACTION.enterCode);
    expect(enter?.text.text).toBe('Enter code');
    expect(decodePhoneRef(enter?.value)).toEqual({ accountId: ACCOUNT, teardownId: 't-1', line: LINE });
  });

  it('asks in the request message thread when the teardown has no separate thread ts', async () => {
    await prompter.ask(request({ slack: { channel: CHANNEL, requestTs: rootTs } }));
    expect(promptButtons(sim.thread(CHANNEL, rootTs).at(-1))).toHaveLength(1);
  });

  it('rewrites the prompt without its button once the phone is verified', async () => {
    await prompter.ask(request());
    const prompt = sim.thread(CHANNEL, rootTs).at(-1)!;

    await prompter.finished({ teardownId: 't-1', line: LINE, outcome: 'verified' });

    const rewritten = sim.message(CHANNEL, prompt.ts);
    expect(rewritten?.text).toBe(
      `:white_check_mark: The phone (…0100) of account \`${ACCOUNT}\` was verified on ${slackDate(NOW + 60_000)}.`,
    );
    expect(promptButtons(rewritten)).toEqual([]);
  });

  it('says so when the verification ended without success', async () => {
    await prompter.ask(request({ direction: 'code' }));
    const prompt = sim.thread(CHANNEL, rootTs).at(-1)!;

    await prompter.finished({ teardownId: 't-1', line: LINE, outcome: 'expired' });

    const rewritten = sim.message(CHANNEL, prompt.ts);
    expect(rewritten?.text).toBe(
      `:hourglass: The phone verification of account \`${ACCOUNT}\` on …0100 ended without success; the thread says what happens next.`,
    );
    expect(promptButtons(rewritten)).toEqual([]);
  });

  it('rewrites only the prompt of the teardown and line it is told, and only once', async () => {
    await prompter.ask(request());
    const before = sim.calls.length;
    await prompter.finished({ teardownId: 't-2', line: LINE, outcome: 'expired' });
    await prompter.finished({ teardownId: 't-1', line: '+15557770199', outcome: 'expired' });
    expect(sim.calls).toHaveLength(before);

    await prompter.finished({ teardownId: 't-1', line: LINE, outcome: 'verified' });
    const afterFirst = sim.calls.length;
    await prompter.finished({ teardownId: 't-1', line: LINE, outcome: 'expired' });
    expect(sim.calls).toHaveLength(afterFirst);
  });

  it('posts nothing for a teardown without a Slack thread', async () => {
    const before = sim.calls.length;
    await prompter.ask(request({ slack: undefined }));
    await prompter.ask(request({ teardownId: 't-2', slack: { channel: CHANNEL } }));
    await prompter.finished({ teardownId: 't-1', line: LINE, outcome: 'expired' });
    expect(sim.calls).toHaveLength(before);
  });

  it('neither throws nor rewrites anything when Slack refuses the prompt', async () => {
    await prompter.ask(request({ slack: { channel: CHANNEL, threadTs: '9999.000001' } }));
    expect(sim.callsTo('chat.postMessage').filter((c) => c.ok)).toHaveLength(1);
    await prompter.finished({ teardownId: 't-1', line: LINE, outcome: 'expired' });
    expect(sim.callsTo('chat.update')).toEqual([]);
  });
});

describe("phone refs (the buttons' values) and the code modal's metadata", () => {
  const ref = { accountId: ACCOUNT, teardownId: 'mbk2x-1a2b3c4d', line: LINE };

  it('round-trip, and are never taken for a wait or challenge ref', () => {
    for (const teardownId of ['t-1', 'a:b c/d%']) {
      expect(decodePhoneRef(encodePhoneRef({ ...ref, teardownId }))).toEqual({ ...ref, teardownId });
    }
    expect(decodeRef(encodePhoneRef(ref))).toBeUndefined();
    expect(decodeChallengeRef(encodePhoneRef(ref))).toBeUndefined();
    const meta = { ...ref, channel: CHANNEL, threadTs: '1.000001' };
    expect(decodePhoneCodeMeta(encodePhoneCodeMeta(meta))).toEqual(meta);
    expect(decodePhoneCodeMeta(encodePhoneCodeMeta({ ...ref, channel: CHANNEL }))).toEqual({
      ...ref,
      channel: CHANNEL,
    });
  });

  it('reject damaged values', () => {
    for (const value of [
      undefined,
      7,
      '',
      'p:012345678901:t-1',
      'p:012345678901::%2B15557770100',
      'p:12345:t-1:%2B15557770100',
      'c:012345678901:t-1:%2B15557770100',
      'p:012345678901:t-1:15557770100',
      'p:012345678901:t-1:%2B15557770100:extra',
    ]) {
      expect(decodePhoneRef(value)).toBeUndefined();
    }
    for (const text of [
      'not json',
      'null',
      JSON.stringify({ ...ref }),
      JSON.stringify({ ...ref, channel: CHANNEL, line: 'U0123' }),
      JSON.stringify({ ...ref, channel: CHANNEL, accountId: '123' }),
      JSON.stringify({ ...ref, channel: CHANNEL, threadTs: 5 }),
    ]) {
      expect(decodePhoneCodeMeta(text)).toBeUndefined();
    }
  });

  it('refuse to make a value longer than Slack takes', () => {
    expect(() => encodePhoneRef({ ...ref, teardownId: 'a'.repeat(1990) })).toThrow(RangeError);
  });
});
