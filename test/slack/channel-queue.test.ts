import { afterEach, describe, expect, it } from 'vitest';
import { type SlackSim, startSlackSim } from '../../sim/slack';
import { createLogger } from '../../src/common/logger';
import { ChannelQueue, type ChannelQueueOptions } from '../../src/slack/channel-queue';
import { createSlackClient } from '../../src/slack/client';
import { SlackOutbox } from '../../src/slack/outbox';
import { FakeClock } from './support/fake-clock';
import { FakeSlack, networkError, rateLimited } from './support/fake-slack';

const C = 'C0PACED';
const logger = createLogger('channel-queue-test', { logLevel: 'ERROR' });
const message = (text: string) => ({ text, blocks: [] });
const rendered = (text: string) => async () => message(text);

describe('the paced per-channel queue against Slack (the simulator, on a fake clock)', () => {
  let sim: SlackSim;
  afterEach(async () => sim?.close());

  /** The simulator refuses more than `perChannelPerSecond` messages a channel, by the same fake clock. */
  async function simOutbox(paceMs: number, perChannelPerSecond = 1) {
    const clock = new FakeClock();
    sim = await startSlackSim({ botToken: 'xoxb-paced', rateLimit: { perChannelPerSecond }, now: clock.now });
    const queue = new ChannelQueue({ paceMs, logger, clock });
    const client = createSlackClient({ botToken: 'xoxb-paced', apiUrl: sim.apiUrl }, logger);
    return { clock, queue, out: new SlackOutbox(client, queue) };
  }

  it('keeps messages in one channel at least a second apart, so Slack never has to refuse one', async () => {
    const { out, clock } = await simOutbox(1000);
    const posted = await clock.run(Promise.all(['one', 'two', 'three'].map((t) => out.post(C, message(t)))));
    expect(posted.every(Boolean)).toBe(true);
    const calls = sim.callsTo('chat.postMessage');
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200]);
    expect(sim.messages(C).map((m) => m.text)).toEqual(['one', 'two', 'three']);
    const gaps = calls.slice(1).map((c, i) => c.at - (calls[i]?.at ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1000);
  });

  it('waits out a 429 (Retry-After) and sends the same message again: nothing lost, order kept', async () => {
    // No pacing of its own: every second message runs into the limit.
    const { out, clock } = await simOutbox(0);
    const texts = ['a', 'b', 'c'];
    await clock.run(Promise.all(texts.map((t) => out.post(C, message(t)))));
    const calls = sim.callsTo('chat.postMessage');
    const refused = calls.filter((c) => c.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    // Each refused message went again only once the Retry-After (1 s) had passed.
    for (const call of refused) {
      const again = calls.find((c) => c.status === 200 && c.args.text === call.args.text);
      expect((again?.at ?? 0) - call.at).toBeGreaterThanOrEqual(1000);
    }
    expect(sim.messages(C).map((m) => m.text)).toEqual(texts);
  });

  it('merges queued refreshes of one message into one call that shows the latest state', async () => {
    const { out, queue, clock } = await simOutbox(1000, 10);
    const ts = await clock.run(out.post(C, message('v0')));
    let state = 0;
    const render = async () => message(`v${state}`);
    state = 1;
    const first = out.update(C, ts, render);
    state = 2;
    const second = out.update(C, ts, render);
    state = 3;
    await clock.run(Promise.all([first, second, queue.idle()]));
    expect(sim.callsTo('chat.update')).toHaveLength(1);
    expect(sim.message(C, ts)?.text).toBe('v3');
  });

  it("posts a command's answer before the channel's queued posts, in its turn and still a second apart", async () => {
    const { out, clock } = await simOutbox(1000);
    const replies = ['r1', 'r2', 'r3', 'r4'].map((t) => out.post(C, message(t)));
    const answers = ['request A', 'request B'].map((t) => out.post(C, message(t), { ahead: true }));
    await clock.run(Promise.all([...replies, ...answers]));
    // r1 had its turn already; the requests go next, in the order they came; the replies keep theirs.
    expect(sim.messages(C).map((m) => m.text)).toEqual(['r1', 'request A', 'request B', 'r2', 'r3', 'r4']);
    const calls = sim.callsTo('chat.postMessage');
    expect(calls.every((c) => c.status === 200)).toBe(true);
    for (const [i, call] of calls.slice(1).entries())
      expect(call.at - (calls[i]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('keeps channels independent', async () => {
    // A minute between posts in one channel: one post each in three channels all go at once.
    const { out, clock } = await simOutbox(60_000);
    await clock.run(Promise.all(['C1', 'C2', 'C3'].map((c) => out.post(c, message(c)))));
    expect(sim.callsTo('chat.postMessage').map((call) => [call.args.channel, call.at])).toEqual([
      ['C1', 0],
      ['C2', 0],
      ['C3', 0],
    ]);
  });
});

describe('pacing by method', () => {
  function fakeOutbox(options: Omit<ChannelQueueOptions, 'clock'> = {}) {
    const clock = new FakeClock();
    const slack = new FakeSlack(clock);
    const queue = new ChannelQueue({ logger, ...options, clock });
    return { clock, slack, queue, out: new SlackOutbox(slack.client, queue) };
  }

  it('rewrites a message at once, ahead of the posts queued in its channel', async () => {
    const { out, clock, slack, queue } = fakeOutbox({ paceMs: 1000 });
    const request = await clock.run(out.post(C, message('request')));
    const replies = [out.post(C, message('reply 1')), out.post(C, message('reply 2'))];
    const buttons = out.update(C, request, rendered('request with buttons'));
    await clock.run(Promise.all([...replies, buttons, queue.idle()]));

    expect(slack.calls.map((c) => [c.text, c.at])).toEqual([
      ['request', 0],
      ['request with buttons', 0],
      ['reply 1', 1000],
      ['reply 2', 2000],
    ]);
  });

  it('lets a burst of rewrites through at once, then holds them to the average rate, across channels', async () => {
    const { out, clock, slack, queue } = fakeOutbox({ updates: { perMinute: 60, burst: 5 } });
    const channels = ['C1', 'C2'];
    const ts = await clock.run(
      Promise.all(
        channels.flatMap((c) => Array.from({ length: 10 }, (_, i) => out.post(c, message(`${i}`)))),
      ),
    );
    const started = clock.now();
    await clock.run(
      Promise.all([
        ...ts.map((messageTs, i) => out.update(channels[i % 2] as string, messageTs, rendered(`new ${i}`))),
        queue.idle(),
      ]),
    );

    const times = slack.accepted('chat.update').map((c) => c.at - started);
    expect(times).toHaveLength(20);
    expect(times.filter((t) => t === 0)).toHaveLength(5);
    // Then one a second (60 a minute), whichever channel they are in: the budget is the workspace's.
    expect(times.slice(5)).toEqual(Array.from({ length: 15 }, (_, i) => (i + 1) * 1000));
  });

  it('keeps ephemeral answers unpaced, whatever the channel is posting', async () => {
    const { out, clock, slack, queue } = fakeOutbox({ paceMs: 1000 });
    const work = [
      out.post(C, message('one')),
      out.post(C, message('two')),
      ...['a', 'b', 'c'].map((t) => out.ephemeral(C, 'U1', message(t))),
    ];
    await clock.run(Promise.all([...work, queue.idle()]));
    expect(slack.accepted('chat.postEphemeral').map((c) => [c.text, c.at])).toEqual([
      ['a', 0],
      ['b', 0],
      ['c', 0],
    ]);
    expect(slack.accepted('chat.postMessage').map((c) => c.at)).toEqual([0, 1000]);
  });

  it("holds back only the channel's posts after a 429 on a post", async () => {
    const { out, clock, slack, queue } = fakeOutbox({ paceMs: 1000 });
    const first = await clock.run(out.post(C, message('first')));
    slack.failNext('chat.postMessage', rateLimited(3));
    const second = out.post(C, message('second'));
    // Asked for while the second post waits out its Retry-After (refused at 1 s, again at 4 s).
    const edit = clock.sleep(1500).then(() => out.update(C, first, rendered('first, edited')));
    await clock.run(Promise.all([second, edit, queue.idle()]));

    expect(slack.calls.map((c) => [c.text, c.at, c.ok])).toEqual([
      ['first', 0, true],
      ['second', 1000, false],
      ['first, edited', 1500, true],
      ['second', 4000, true],
    ]);
  });

  it('holds back every rewrite, in every channel, after a 429 on a rewrite, and never the posts', async () => {
    const { out, clock, slack, queue } = fakeOutbox({ paceMs: 1000, updates: { perMinute: 60, burst: 5 } });
    const [a, b] = await clock.run(Promise.all([out.post('C1', message('a')), out.post('C2', message('b'))]));
    slack.failNext('chat.update', rateLimited(5));
    const work = [
      out.update('C1', a as string, rendered('a, edited')),
      out.post('C1', message('a reply')),
      clock.sleep(100).then(() => out.update('C2', b as string, rendered('b, edited'))),
    ];
    await clock.run(Promise.all([...work, queue.idle()]));

    expect(slack.calls.slice(2).map((c) => [c.text, c.at, c.ok])).toEqual([
      ['a, edited', 0, false],
      ['a reply', 1000, true],
      // After the Retry-After one rewrite goes, the next at the average rate.
      ['a, edited', 5000, true],
      ['b, edited', 6000, true],
    ]);
  });

  it('waits out a 429 on an ephemeral answer instead of asking again at once', async () => {
    const { out, clock, slack } = fakeOutbox();
    slack.failNext('chat.postEphemeral', rateLimited(2));
    await clock.run(out.ephemeral(C, 'U1', message('only you can see this')));
    expect(slack.calls.map((c) => [c.at, c.ok])).toEqual([
      [0, false],
      [2000, true],
    ]);
  });

  it('tries again after network errors, and reports a failure that lasts', async () => {
    const { out, clock, slack } = fakeOutbox({ paceMs: 0 });
    slack.failNext('chat.postMessage', networkError());
    slack.failNext('chat.postMessage', networkError());
    await clock.run(out.post(C, message('got through')));
    expect(slack.accepted('chat.postMessage').map((c) => c.text)).toEqual(['got through']);

    for (let i = 0; i < 4; i++) slack.failNext('chat.postMessage', networkError());
    await expect(clock.run(out.post(C, message('never arrives')))).rejects.toThrow('socket hang up');
    expect(slack.calls.filter((c) => c.text === 'never arrives')).toHaveLength(4);
  });

  it('drops nothing: every post, rewrite and ephemeral arrives, through 429s and network errors', async () => {
    const { out, clock, slack, queue } = fakeOutbox({ paceMs: 1000, updates: { perMinute: 30, burst: 2 } });
    const channels = ['C1', 'C2', 'C3'];
    const roots = await clock.run(Promise.all(channels.map((c) => out.post(c, message(`${c} root`)))));
    slack.failNext('chat.postMessage', rateLimited(2));
    slack.failNext('chat.update', rateLimited(1));
    slack.failNext('chat.postEphemeral', networkError());
    slack.failNext('chat.update', networkError());
    slack.failNext('chat.postMessage', networkError());
    const work = channels.flatMap((c, i) => [
      ...[1, 2, 3, 4].map((n) => out.post(c, message(`${c} reply ${n}`))),
      out.update(c, roots[i] as string, rendered(`${c} root, edited`)),
      out.ephemeral(c, 'U1', message(`${c} ephemeral`)),
    ]);
    await clock.run(Promise.all([...work, queue.idle()]));

    for (const [i, c] of channels.entries()) {
      const posts = slack.accepted('chat.postMessage').filter((call) => call.channel === c);
      expect(posts.map((p) => p.text)).toEqual([`${c} root`, ...[1, 2, 3, 4].map((n) => `${c} reply ${n}`)]);
      const edits = slack.accepted('chat.update').filter((call) => call.channel === c);
      expect(edits.map((e) => [e.ts, e.text])).toEqual([[roots[i], `${c} root, edited`]]);
      expect(slack.accepted('chat.postEphemeral').filter((call) => call.channel === c)).toHaveLength(1);
    }
  });
});
