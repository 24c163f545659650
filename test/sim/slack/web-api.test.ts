import { ErrorCode, type WebAPIRateLimitedError } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { type SlackSim, startSlackSim } from '../../../sim/slack';
import { clientFor, fakeClock, slackError } from './helpers';

const C = 'C0SANDBOX';

let sim: SlackSim;
afterEach(async () => {
  await sim?.close();
});

describe('auth', () => {
  it('answers auth.test with the bot identity', async () => {
    sim = await startSlackSim({ teamId: 'T1', botUserId: 'UBOT' });
    const res = await clientFor(sim).auth.test();
    expect(res).toMatchObject({ ok: true, team_id: 'T1', user_id: 'UBOT', bot_id: expect.any(String) });
    expect(res.url).toMatch(/^https:\/\//);
  });

  it('rejects missing and wrong tokens', async () => {
    sim = await startSlackSim({ botToken: 'xoxb-right' });
    expect((await slackError(clientFor(sim, null).auth.test())).error).toBe('not_authed');
    expect((await slackError(clientFor(sim, 'xoxb-wrong').auth.test())).error).toBe('invalid_auth');
    expect(sim.calls.map((c) => [c.method, c.error])).toEqual([
      ['auth.test', 'not_authed'],
      ['auth.test', 'invalid_auth'],
    ]);
  });

  it('accepts a token form field and JSON bodies with a bearer token', async () => {
    sim = await startSlackSim();
    const form = await fetch(`${sim.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: sim.botToken, channel: C, text: 'form' }),
    });
    expect(await form.json()).toMatchObject({ ok: true, channel: C });
    const json = await fetch(`${sim.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', Authorization: `Bearer ${sim.botToken}` },
      body: JSON.stringify({ channel: C, text: 'json', blocks: [{ type: 'divider' }] }),
    });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ ok: true });
    expect(sim.messages(C).map((m) => m.text)).toEqual(['form', 'json']);
    expect(sim.calls[0]?.args).not.toHaveProperty('token');
  });

  it('answers unknown methods with unknown_method', async () => {
    sim = await startSlackSim();
    expect((await slackError(clientFor(sim).apiCall('chat.meMessage', { channel: C }))).error).toBe(
      'unknown_method',
    );
  });
});

describe('chat.postMessage', () => {
  it('posts top-level messages with unique, increasing Slack-style ts', async () => {
    sim = await startSlackSim();
    const client = clientFor(sim);
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hello*' } }];
    const first = await client.chat.postMessage({ channel: C, text: 'hello', blocks });
    const second = await client.chat.postMessage({ channel: C, text: 'again' });
    expect(first).toMatchObject({ ok: true, channel: C, message: { text: 'hello', blocks } });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));

    expect(sim.messages(C)).toMatchObject([
      { ts: first.ts, text: 'hello', blocks, user: sim.config.botUserId, replies: [] },
      { ts: second.ts, text: 'again' },
    ]);
    expect(sim.messages('C0OTHER')).toEqual([]);
    // Recorded args carry the blocks decoded from the form body.
    expect(sim.callsTo('chat.postMessage')[0]).toMatchObject({ ok: true, args: { channel: C, blocks } });
  });

  it('threads replies under a top-level message', async () => {
    sim = await startSlackSim();
    const client = clientFor(sim);
    const parent = await client.chat.postMessage({ channel: C, text: 'parent' });
    const reply = await client.chat.postMessage({ channel: C, thread_ts: parent.ts, text: 'reply' });
    expect(reply.message?.thread_ts).toBe(parent.ts);
    expect(sim.messages(C)).toHaveLength(1);
    expect(sim.messages(C)[0]).toMatchObject({ ts: parent.ts, thread_ts: parent.ts, reply_count: 1 });
    expect(sim.thread(C, parent.ts ?? '')).toMatchObject([
      { ts: reply.ts, text: 'reply', thread_ts: parent.ts },
    ]);
  });

  it('validates channel, content and thread like Slack', async () => {
    sim = await startSlackSim({ channels: [{ id: C, name: 'sandbox' }] });
    const client = clientFor(sim);
    const parent = await client.chat.postMessage({ channel: C, text: 'parent' });
    const reply = await client.chat.postMessage({ channel: C, thread_ts: parent.ts, text: 'reply' });
    const error = async (args: Record<string, unknown>) =>
      (await slackError(client.apiCall('chat.postMessage', args))).error;

    expect(await error({ text: 'no channel' })).toBe('channel_not_found');
    expect(await error({ channel: '', text: 'empty channel' })).toBe('channel_not_found');
    expect(await error({ channel: 'C0UNKNOWN', text: 'unknown channel' })).toBe('channel_not_found');
    expect(await error({ channel: C })).toBe('no_text');
    expect(await error({ channel: C, text: '' })).toBe('no_text');
    expect(await error({ channel: C, text: 'x', thread_ts: '1234567890.000001' })).toBe('thread_not_found');
    expect(await error({ channel: C, text: 'x', thread_ts: reply.ts })).toBe('thread_not_found');
    expect(await error({ channel: C, text: 'x'.repeat(40_001) })).toBe('msg_too_long');
    expect(await error({ channel: C, text: 'x', blocks: 'not json' })).toBe('invalid_blocks_format');
    await expect(client.chat.postMessage({ channel: C, text: 'x'.repeat(40_000) })).resolves.toMatchObject({
      ok: true,
    });
    expect(sim.messages(C)).toHaveLength(2);
  });
});

describe('chat.update', () => {
  it('replaces the content of an existing message', async () => {
    sim = await startSlackSim();
    const client = clientFor(sim);
    const posted = await client.chat.postMessage({
      channel: C,
      text: 'working',
      blocks: [{ type: 'section', text: { type: 'plain_text', text: 'working' } }],
    });
    const ts = posted.ts ?? '';
    const updated = await client.chat.update({ channel: C, ts, text: 'done' });
    expect(updated).toMatchObject({ ok: true, channel: C, ts, text: 'done' });
    expect(sim.messages(C)).toHaveLength(1);
    expect(sim.message(C, ts)).toMatchObject({ text: 'done', edited: { user: sim.config.botUserId } });
    expect(sim.message(C, ts)?.blocks).toBeUndefined();
  });

  it('updates thread replies in place', async () => {
    sim = await startSlackSim();
    const client = clientFor(sim);
    const parent = await client.chat.postMessage({ channel: C, text: 'parent' });
    const reply = await client.chat.postMessage({ channel: C, thread_ts: parent.ts, text: 'step 1' });
    await client.chat.update({ channel: C, ts: reply.ts ?? '', text: 'step 2' });
    expect(sim.thread(C, parent.ts ?? '').map((m) => m.text)).toEqual(['step 2']);
  });

  it('fails for unknown messages and empty content', async () => {
    sim = await startSlackSim();
    const client = clientFor(sim);
    const posted = await client.chat.postMessage({ channel: C, text: 'hi' });
    expect(
      (await slackError(client.chat.update({ channel: C, ts: '1111111111.000001', text: 'x' }))).error,
    ).toBe('message_not_found');
    expect(
      (await slackError(client.chat.update({ channel: 'C0OTHER', ts: posted.ts ?? '', text: 'x' }))).error,
    ).toBe('message_not_found');
    expect((await slackError(client.apiCall('chat.update', { channel: C, text: 'x' }))).error).toBe(
      'message_not_found',
    );
    expect((await slackError(client.apiCall('chat.update', { channel: C, ts: posted.ts }))).error).toBe(
      'no_text',
    );
    expect(sim.message(C, posted.ts ?? '')?.text).toBe('hi');
  });
});

describe('chat.postEphemeral', () => {
  it('records messages visible to one user only', async () => {
    sim = await startSlackSim();
    const client = clientFor(sim);
    const res = await client.chat.postEphemeral({ channel: C, user: 'U1', text: 'only you' });
    await client.chat.postEphemeral({ channel: 'C0OTHER', user: 'U2', text: 'elsewhere' });
    expect(res.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(sim.ephemerals(C, 'U1')).toMatchObject([
      { channel: C, user: 'U1', text: 'only you', message_ts: res.message_ts, source: 'chat.postEphemeral' },
    ]);
    expect(sim.ephemerals(C, 'U2')).toEqual([]);
    expect(sim.ephemerals()).toHaveLength(2);
    expect(sim.messages(C)).toEqual([]);
  });

  it('validates channel, user and content', async () => {
    sim = await startSlackSim();
    const client = clientFor(sim);
    const error = async (args: Record<string, unknown>) =>
      (await slackError(client.apiCall('chat.postEphemeral', args))).error;
    expect(await error({ user: 'U1', text: 'x' })).toBe('channel_not_found');
    expect(await error({ channel: C, text: 'x' })).toBe('user_not_found');
    expect(await error({ channel: C, user: 'U1' })).toBe('no_text');
  });
});

describe('users and usergroups', () => {
  it('answers users.info from the configured users', async () => {
    sim = await startSlackSim({
      users: [{ id: 'U1', name: 'ada', realName: 'Ada Lovelace', tz: 'Europe/London' }],
    });
    const res = await clientFor(sim).users.info({ user: 'U1' });
    expect(res.user).toMatchObject({
      id: 'U1',
      name: 'ada',
      real_name: 'Ada Lovelace',
      tz: 'Europe/London',
      is_bot: false,
      profile: { display_name: 'ada', real_name: 'Ada Lovelace' },
    });
    expect((await slackError(clientFor(sim).users.info({ user: 'U404' }))).error).toBe('user_not_found');
  });

  it('answers usergroups.users.list from the configured groups', async () => {
    sim = await startSlackSim({ usergroups: { S0ADMINS: ['U1', 'U2'] } });
    const client = clientFor(sim);
    expect((await client.usergroups.users.list({ usergroup: 'S0ADMINS' })).users).toEqual(['U1', 'U2']);
    expect((await slackError(client.usergroups.users.list({ usergroup: 'S0NOPE' }))).error).toBe(
      'no_such_subteam',
    );
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After beyond the per-channel rate', async () => {
    const clock = fakeClock();
    sim = await startSlackSim({ rateLimit: { perChannelPerSecond: 3 }, now: clock.now });
    const client = clientFor(sim);
    const limited = new (await import('@slack/web-api')).WebClient(sim.botToken, {
      slackApiUrl: sim.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    const first = await client.chat.postMessage({ channel: C, text: '1' });
    await client.chat.update({ channel: C, ts: first.ts ?? '', text: '1b' });
    await client.chat.postMessage({ channel: C, text: '2' });

    const rejected = await limited.chat.postMessage({ channel: C, text: '3' }).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(Error);
    expect(rejected).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 1 });
    expect((rejected as WebAPIRateLimitedError).retryAfter).toBe(1);

    const raw = await fetch(`${sim.apiUrl}chat.update`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${sim.botToken}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ channel: C, ts: first.ts ?? '', text: 'x' }),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('1');
    expect(await raw.json()).toEqual({ ok: false, error: 'ratelimited' });

    // Other channels and other methods are unaffected.
    await expect(client.chat.postMessage({ channel: 'C0OTHER', text: 'fine' })).resolves.toMatchObject({
      ok: true,
    });
    await expect(client.chat.postEphemeral({ channel: C, user: 'U1', text: 'fine' })).resolves.toMatchObject({
      ok: true,
    });

    clock.advance(1001);
    await expect(client.chat.postMessage({ channel: C, text: '3 again' })).resolves.toMatchObject({
      ok: true,
    });
    expect(sim.messages(C).map((m) => m.text)).toEqual(['1b', '2', '3 again']);
    expect(sim.callsTo('chat.postMessage').filter((c) => c.status === 429)).toHaveLength(1);
    expect(sim.callsTo('chat.update').filter((c) => c.error === 'ratelimited')).toHaveLength(1);
  });

  it('does not limit when rateLimit is not configured', async () => {
    sim = await startSlackSim();
    const client = clientFor(sim);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => client.chat.postMessage({ channel: C, text: `${i}` })),
    );
    expect(sim.messages(C)).toHaveLength(30);
    expect(new Set(sim.messages(C).map((m) => m.ts)).size).toBe(30);
  });
});

describe('waitFor', () => {
  it('resolves once a later call makes the predicate true', async () => {
    sim = await startSlackSim();
    const waiting = sim.waitFor((s) => s.messages(C).find((m) => m.text === 'second'));
    const client = clientFor(sim);
    await client.chat.postMessage({ channel: C, text: 'first' });
    await client.chat.postMessage({ channel: C, text: 'second' });
    await expect(waiting).resolves.toMatchObject({ text: 'second' });
  });

  it('resolves immediately when already true and rejects helpfully on timeout', async () => {
    sim = await startSlackSim();
    await clientFor(sim).chat.postMessage({ channel: C, text: 'there' });
    await expect(sim.waitFor((s) => s.messages(C).length === 1)).resolves.toBe(true);
    await expect(
      sim.waitFor(
        (s) => {
          if (s.messages(C).length < 2) throw new Error('still one message');
          return true;
        },
        { timeoutMs: 50, description: 'two messages' },
      ),
    ).rejects.toThrow(
      /timed out after 50 ms: two messages\nlast predicate error: still one message\n1 API calls so far, last: chat.postMessage ok/,
    );
  });

  it('rejects pending waits when the sim closes', async () => {
    sim = await startSlackSim();
    const waiting = sim.waitFor(() => false, { timeoutMs: 10_000 });
    await sim.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });
});
