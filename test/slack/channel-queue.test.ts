import { afterEach, describe, expect, it } from 'vitest';
import { type SlackSim, startSlackSim } from '../../sim/slack';
import { createLogger } from '../../src/common/logger';
import { ChannelQueue } from '../../src/slack/channel-queue';
import { createSlackClient } from '../../src/slack/client';
import { SlackOutbox } from '../../src/slack/outbox';

const C = 'C0PACED';
const logger = createLogger('sender-test', { logLevel: 'ERROR' });
let sim: SlackSim;
afterEach(async () => sim?.close());

async function outbox(paceMs: number, perChannelPerSecond = 1) {
  sim = await startSlackSim({ botToken: 'xoxb-paced', rateLimit: { perChannelPerSecond } });
  const queue = new ChannelQueue({ paceMs, logger });
  return {
    queue,
    out: new SlackOutbox(createSlackClient({ botToken: 'xoxb-paced', apiUrl: sim.apiUrl }, logger), queue),
  };
}

const message = (text: string) => ({ text, blocks: [] });

describe('the paced per-channel queue', () => {
  it('keeps messages in one channel at least a second apart, so Slack never has to refuse one', async () => {
    const { out } = await outbox(1000);
    const posted = await Promise.all(['one', 'two', 'three'].map((t) => out.post(C, message(t))));
    expect(posted.every(Boolean)).toBe(true);
    const calls = sim.callsTo('chat.postMessage');
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200]);
    expect(sim.messages(C).map((m) => m.text)).toEqual(['one', 'two', 'three']);
    const gaps = calls.slice(1).map((c, i) => c.at - (calls[i]?.at ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(990);
  });

  it('waits out a 429 (Retry-After) and sends the same message again: nothing lost, order kept', async () => {
    // No pacing of its own: every second message runs into the limit.
    const { out } = await outbox(0);
    const texts = ['a', 'b', 'c'];
    await Promise.all(texts.map((t) => out.post(C, message(t))));
    const statuses = sim.callsTo('chat.postMessage').map((c) => c.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(sim.messages(C).map((m) => m.text)).toEqual(texts);
  });

  it('merges queued refreshes of one message into one call that shows the latest state', async () => {
    const { out, queue } = await outbox(1000, 10);
    const ts = await out.post(C, message('v0'));
    let state = 0;
    const render = async () => message(`v${state}`);
    state = 1;
    const first = out.update(C, ts, render);
    state = 2;
    const second = out.update(C, ts, render);
    state = 3;
    await Promise.all([first, second]);
    await queue.idle();
    expect(sim.callsTo('chat.update')).toHaveLength(1);
    expect(sim.message(C, ts)?.text).toBe('v3');
  });

  it('keeps channels independent', async () => {
    // With a minute between posts in one channel, one post each in three channels only finishes (before the
    // test's timeout) if no channel waits for another.
    const { out } = await outbox(60_000);
    await Promise.all(['C1', 'C2', 'C3'].map((c) => out.post(c, message(c))));
    expect(sim.callsTo('chat.postMessage').map((call) => call.args.channel)).toEqual(['C1', 'C2', 'C3']);
  });
});
