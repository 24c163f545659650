import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SimMessage, type SlackSim, startSlackSim } from '../../sim/slack';
import type { AccountId } from '../../src/common/account-id';
import { createLogger } from '../../src/common/logger';
import { SlackCaptchaPrompter } from '../../src/slack/captcha-prompter';
import { ACTION, decodeChallengeRef } from '../../src/slack/ids';
import { createSlackOutbox, type SlackOutbox } from '../../src/slack/outbox';
import { slackDate } from '../../src/slack/render/mrkdwn';

const CHANNEL = 'C0SANDBOXREQ';
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const UNTIL = NOW + 10 * 60_000;
const ACCOUNT = '012345678901' as AccountId;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7, 7]);

let sim: SlackSim;
let outbox: SlackOutbox;
let prompter: SlackCaptchaPrompter;
let rootTs: string;

beforeEach(async () => {
  sim = await startSlackSim({ botToken: 'xoxb-browser-test' });
  const logger = createLogger('captcha-prompter-test', { logLevel: 'ERROR' });
  outbox = createSlackOutbox({ botToken: 'xoxb-browser-test', apiUrl: sim.apiUrl }, { paceMs: 0, logger });
  prompter = new SlackCaptchaPrompter({ outbox, clock: () => NOW + 60_000, logger });
  // The teardown's request message, which the bot posted: its thread is where people are asked.
  rootTs = await outbox.post(CHANNEL, { text: 'Teardown of 012345678901', blocks: [] });
});

afterEach(async () => sim?.close());

const request = (changes: Partial<Parameters<SlackCaptchaPrompter['ask']>[0]> = {}) => ({
  accountId: ACCOUNT,
  teardownId: 't-1',
  challengeId: 'ch-1',
  png: PNG,
  until: UNTIL,
  slack: { channel: CHANNEL, threadTs: rootTs, requestTs: rootTs },
  stepTitle: 'Request a root password reset',
  ...changes,
});

const solveButtons = (message: SimMessage | undefined) =>
  (message?.blocks ?? []).flatMap((block) =>
    block.type === 'actions' && Array.isArray(block.elements)
      ? (block.elements as Array<{ action_id: string; value: string }>)
      : [],
  );

describe('the Slack CAPTCHA prompter', () => {
  it('posts the picture and a Solve prompt naming the challenge in the thread, sent by the time ask returns', async () => {
    await prompter.ask(request());

    expect(sim.files).toHaveLength(1);
    const [file] = sim.files;
    expect(file).toMatchObject({
      filename: 'captcha.png',
      channel: CHANNEL,
      thread_ts: rootTs,
      initialComment: ':jigsaw: CAPTCHA at Request a root password reset',
    });
    expect([...file!.bytes]).toEqual([...PNG]);

    const prompt = sim.thread(CHANNEL, rootTs).at(-1);
    expect(prompt?.text).toBe('A CAPTCHA at Request a root password reset needs a person');
    expect(JSON.stringify(prompt?.blocks)).toContain(
      `Read the picture above and press *Solve* before ${slackDate(UNTIL)}; the first answer counts.`,
    );
    const [solve] = solveButtons(prompt);
    expect(solve?.action_id).toBe(ACTION.solve);
    expect(decodeChallengeRef(solve?.value)).toEqual({
      accountId: ACCOUNT,
      teardownId: 't-1',
      challengeId: 'ch-1',
    });
  });

  it('asks in the request message thread when the teardown has no separate thread ts', async () => {
    await prompter.ask(request({ slack: { channel: CHANNEL, requestTs: rootTs } }));
    expect(sim.files[0]?.thread_ts).toBe(rootTs);
    expect(solveButtons(sim.thread(CHANNEL, rootTs).at(-1))).toHaveLength(1);
  });

  it('rewrites the prompt without its button once someone answered', async () => {
    await prompter.ask(request());
    const prompt = sim.thread(CHANNEL, rootTs).at(-1)!;

    await prompter.finished({ challengeId: 'ch-1', outcome: 'answered', by: 'UAPPROVER1' });

    const rewritten = sim.message(CHANNEL, prompt.ts);
    expect(JSON.stringify(rewritten?.blocks)).toContain(
      `CAPTCHA answered by <@UAPPROVER1> on ${slackDate(NOW + 60_000)}.`,
    );
    expect(solveButtons(rewritten)).toEqual([]);
  });

  it('says so when no one answered in time', async () => {
    await prompter.ask(request());
    const prompt = sim.thread(CHANNEL, rootTs).at(-1)!;

    await prompter.finished({ challengeId: 'ch-1', outcome: 'expired' });

    const rewritten = sim.message(CHANNEL, prompt.ts);
    expect(rewritten?.text).toBe(
      ':hourglass: No one answered this CAPTCHA in time; the step goes on without an answer.',
    );
    expect(solveButtons(rewritten)).toEqual([]);
  });

  it('rewrites nothing for a challenge it never asked about, nor twice for the same one', async () => {
    await prompter.ask(request());
    const before = sim.calls.length;
    await prompter.finished({ challengeId: 'ch-unknown', outcome: 'expired' });
    expect(sim.calls).toHaveLength(before);

    await prompter.finished({ challengeId: 'ch-1', outcome: 'answered', by: 'UAPPROVER1' });
    const afterFirst = sim.calls.length;
    await prompter.finished({ challengeId: 'ch-1', outcome: 'expired' });
    expect(sim.calls).toHaveLength(afterFirst);
  });

  it('posts nothing for a teardown without a Slack thread', async () => {
    const before = sim.calls.length;
    await prompter.ask(request({ slack: undefined }));
    await prompter.ask(request({ challengeId: 'ch-2', slack: { channel: CHANNEL } }));
    await prompter.finished({ challengeId: 'ch-1', outcome: 'expired' });
    expect(sim.calls).toHaveLength(before);
    expect(sim.files).toEqual([]);
  });

  it('neither throws nor posts a prompt when Slack refuses the picture', async () => {
    await prompter.ask(request({ slack: { channel: CHANNEL, threadTs: '9999.000001' } }));
    expect(sim.calls.filter((c) => c.method === 'chat.postMessage' && c.ok)).toHaveLength(1);
    await prompter.finished({ challengeId: 'ch-1', outcome: 'expired' });
    expect(sim.calls.filter((c) => c.method === 'chat.update')).toEqual([]);
  });
});
