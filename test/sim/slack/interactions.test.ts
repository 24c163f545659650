import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { types } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BotResponse,
  computeSignature,
  type SignedRequest,
  type SlackSim,
  signRequest,
  startSlackSim,
} from '../../../sim/slack';
import { clientFor, fakeClock, slackError, verifySlackSignature } from './helpers';

const C = 'C0SANDBOX';
const SECRET = 'test-signing-secret';
const plain = (text: string) => ({ type: 'plain_text' as const, text });

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in bot over HTTP that verifies signatures independently of the sim. */
async function startBot(
  answer: (req: Received) => BotResponse = () => ({ status: 200, headers: {}, body: '' }),
) {
  const received: Received[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    received.push(request);
    if (!verifySlackSignature(SECRET, request.headers, request.body)) {
      res.writeHead(401).end('invalid signature');
      return;
    }
    const reply = answer(request);
    res.writeHead(reply.status, reply.headers).end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const ok = (body = '', headers: Record<string, string> = {}): BotResponse => ({ status: 200, headers, body });
const payloadOf = (req: { body: string }) =>
  JSON.parse(new URLSearchParams(req.body).get('payload') ?? 'null');

let sim: SlackSim;
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  await sim?.close();
  for (const fn of cleanup) await fn();
  cleanup = [];
});

/** A sim whose bot is an in-process function (the `deliver` option). */
async function simWithDeliver(answer: (req: SignedRequest) => BotResponse = () => ok(), extra = {}) {
  const delivered: SignedRequest[] = [];
  sim = await startSlackSim({
    signingSecret: SECRET,
    users: [{ id: 'U1', name: 'ada' }],
    channels: [{ id: C, name: 'sandbox-requests' }],
    deliver: async (req) => {
      delivered.push(req);
      return answer(req);
    },
    ...extra,
  });
  return delivered;
}

describe('slash commands', () => {
  it('are POSTed to botUrl form-encoded and signed exactly like Slack', async () => {
    const bot = await startBot();
    cleanup.push(bot.close);
    sim = await startSlackSim({
      signingSecret: SECRET,
      botUrl: bot.url,
      teamId: 'T1',
      users: [{ id: 'U1', name: 'ada' }],
      channels: [{ id: C, name: 'sandbox-requests' }],
    });
    const result = await sim.sendSlashCommand({
      command: '/teardown',
      text: '123456789012 now',
      userId: 'U1',
      channelId: C,
    });
    expect(result.status).toBe(200);
    expect(bot.received).toHaveLength(1);
    const [req] = bot.received;
    if (!req) throw new Error('no request');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Number(req.headers['x-slack-request-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    expect(verifySlackSignature(SECRET, req.headers, req.body)).toBe(true);

    const form = new URLSearchParams(req.body);
    expect([...form.keys()]).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(Object.fromEntries(form)).toMatchObject({
      team_id: 'T1',
      channel_id: C,
      channel_name: 'sandbox-requests',
      user_id: 'U1',
      user_name: 'ada',
      command: '/teardown',
      text: '123456789012 now',
      is_enterprise_install: 'false',
      trigger_id: result.triggerId,
      response_url: result.responseUrl,
    });
    expect(result.responseUrl).toMatch(new RegExp(`^${sim.baseUrl}/response/`));
    expect(sim.deliveries).toMatchObject([{ kind: 'slash_command', response: { status: 200 } }]);
  });

  it('issue trigger ids that open one view, once, within 3 seconds', async () => {
    const clock = fakeClock();
    await simWithDeliver(undefined, { now: clock.now });
    const client = clientFor(sim);
    const view: types.ModalView = {
      type: 'modal',
      callback_id: 'confirm',
      title: plain('Confirm'),
      blocks: [],
    };

    const first = await sim.sendSlashCommand({ command: '/teardown', userId: 'U1', channelId: C });
    // An invalid view does not use up the trigger.
    const tooLong = { ...view, title: plain('x'.repeat(25)) };
    const invalid = await slackError(client.views.open({ trigger_id: first.triggerId ?? '', view: tooLong }));
    expect(invalid.error).toBe('invalid_arguments');
    expect(invalid.messages.join()).toContain('[json-pointer:/view/title/text]');

    const opened = await client.views.open({ trigger_id: first.triggerId ?? '', view });
    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V/),
      callback_id: 'confirm',
      type: 'modal',
    });
    expect(sim.views).toMatchObject([{ id: opened.view?.id, trigger_id: first.triggerId, state: 'open' }]);
    expect((await slackError(client.views.open({ trigger_id: first.triggerId ?? '', view }))).error).toBe(
      'expired_trigger_id',
    );

    const second = await sim.sendSlashCommand({ command: '/teardown', userId: 'U1', channelId: C });
    clock.advance(3001);
    expect((await slackError(client.views.open({ trigger_id: second.triggerId ?? '', view }))).error).toBe(
      'expired_trigger_id',
    );
    expect((await slackError(client.views.open({ trigger_id: '123.456.abc', view }))).error).toBe(
      'invalid_trigger_id',
    );
    expect((await slackError(client.apiCall('views.open', { view }))).error).toBe('invalid_arguments');
    expect(sim.views).toHaveLength(1);
  });

  it("show the bot's immediate answer to the invoking user, or the channel for in_channel", async () => {
    let answer = ok('Working on it');
    await simWithDeliver(() => answer);
    await sim.sendSlashCommand({ command: '/teardown', userId: 'U1', channelId: C });
    expect(sim.ephemerals(C, 'U1')).toMatchObject([{ text: 'Working on it', source: 'command_response' }]);

    answer = ok(JSON.stringify({ response_type: 'in_channel', text: 'Tearing down' }), {
      'Content-Type': 'application/json',
    });
    await sim.sendSlashCommand({ command: '/teardown', userId: 'U1', channelId: C });
    expect(sim.messages(C)).toMatchObject([{ text: 'Tearing down' }]);

    answer = ok();
    await sim.sendSlashCommand({ command: '/teardown', userId: 'U1', channelId: C });
    expect(sim.ephemerals()).toHaveLength(1);
    expect(sim.messages(C)).toHaveLength(1);
  });

  it('get a response_url that posts ephemeral by default and in_channel on request, 5 times at most', async () => {
    await simWithDeliver();
    const { responseUrl } = await sim.sendSlashCommand({ command: '/teardown', userId: 'U1', channelId: C });
    const post = (body: unknown) =>
      fetch(responseUrl ?? '', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });

    expect((await post({ text: 'only for you' })).status).toBe(200);
    expect((await post({ response_type: 'in_channel', text: 'for everyone' })).status).toBe(200);
    const badBlocks = await post({ text: 'x', blocks: [{ type: 'header', text: plain('x'.repeat(151)) }] });
    expect(badBlocks.status).toBe(400);
    expect(await badBlocks.text()).toBe('invalid_blocks');
    expect(sim.ephemerals(C, 'U1')).toMatchObject([{ text: 'only for you', source: 'response_url' }]);
    expect(sim.messages(C)).toMatchObject([{ text: 'for everyone' }]);
    expect(sim.responses.map((r) => r.outcome)).toEqual(['ephemeral', 'in_channel', 'rejected']);

    expect((await post({ text: '4' })).status).toBe(200);
    expect((await post({ text: '5' })).status).toBe(200);
    const sixth = await post({ text: '6' });
    expect(sixth.status).toBe(404);
    expect(await sixth.text()).toBe('used_url');
    expect((await fetch(`${sim.baseUrl}/response/nope`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});

describe('block actions', () => {
  const approvalBlocks = (text: string) => [
    { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text } },
    {
      type: 'actions',
      block_id: 'decide',
      elements: [
        { type: 'button', action_id: 'approve', text: plain('Approve'), value: 'acct-123', style: 'primary' },
        { type: 'button', action_id: 'reject', text: plain('Reject'), value: 'acct-123', style: 'danger' },
      ],
    },
  ];

  it('carry the clicked button and the current state of its message', async () => {
    const delivered = await simWithDeliver();
    const client = clientFor(sim);
    const posted = await client.chat.postMessage({ channel: C, text: 'v1', blocks: approvalBlocks('v1') });
    const ts = posted.ts ?? '';
    await client.chat.update({ channel: C, ts, text: 'v2', blocks: approvalBlocks('v2') });

    const result = await sim.sendBlockAction({
      userId: 'U1',
      channelId: C,
      messageTs: ts,
      actionId: 'approve',
    });
    expect(result.status).toBe(200);
    const [req] = delivered;
    if (!req) throw new Error('nothing delivered');
    expect(req.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(verifySlackSignature(SECRET, req.headers, req.body)).toBe(true);
    const payload = payloadOf(req);
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U1', username: 'ada', name: 'ada', team_id: sim.config.teamId },
      api_app_id: sim.config.apiAppId,
      token: expect.any(String),
      container: { type: 'message', message_ts: ts, channel_id: C, is_ephemeral: false },
      trigger_id: result.triggerId,
      team: { id: sim.config.teamId, domain: expect.any(String) },
      channel: { id: C, name: 'sandbox-requests' },
      message: { ts, text: 'v2', blocks: approvalBlocks('v2') },
      response_url: result.responseUrl,
      actions: [{ action_id: 'approve', block_id: 'decide', value: 'acct-123', type: 'button' }],
    });
    expect(payload.actions[0].action_ts).toMatch(/^\d{10}\.\d{6}$/);

    // The action's trigger can open a modal.
    const view: types.ModalView = { type: 'modal', title: plain('Why?'), blocks: [] };
    await expect(client.views.open({ trigger_id: result.triggerId ?? '', view })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('refuse clicks Slack could not produce', async () => {
    await simWithDeliver();
    const posted = await clientFor(sim).chat.postMessage({
      channel: C,
      text: 'x',
      blocks: approvalBlocks('x'),
    });
    const messageTs = posted.ts ?? '';
    const click = (extra: Partial<Parameters<SlackSim['sendBlockAction']>[0]>) =>
      sim.sendBlockAction({ userId: 'U1', channelId: C, messageTs, actionId: 'approve', ...extra });
    await expect(click({ actionId: 'missing' })).rejects.toThrow(/no element with action_id 'missing'/);
    await expect(click({ value: 'other' })).rejects.toThrow(/carries value 'acct-123'/);
    await expect(click({ blockId: 'summary' })).rejects.toThrow(/is in block 'decide'/);
    await expect(click({ messageTs: '1111111111.000001' })).rejects.toThrow(/no message/);
    expect(sim.deliveries).toHaveLength(0);
  });

  it('get a response_url that replaces or deletes the original message', async () => {
    await simWithDeliver();
    const client = clientFor(sim);
    const first = await client.chat.postMessage({ channel: C, text: 'a', blocks: approvalBlocks('a') });
    const second = await client.chat.postMessage({ channel: C, text: 'b', blocks: approvalBlocks('b') });
    const respond = async (messageTs: string, body: unknown) => {
      const { responseUrl } = await sim.sendBlockAction({
        userId: 'U1',
        channelId: C,
        messageTs,
        actionId: 'approve',
      });
      return fetch(responseUrl ?? '', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    };

    expect(
      (await respond(first.ts ?? '', { replace_original: true, text: 'Approved by <@U1>' })).status,
    ).toBe(200);
    expect(sim.message(C, first.ts ?? '')).toMatchObject({ text: 'Approved by <@U1>' });
    expect(sim.message(C, first.ts ?? '')?.blocks).toBeUndefined();

    expect((await respond(second.ts ?? '', { delete_original: true })).status).toBe(200);
    expect(sim.messages(C).map((m) => m.ts)).toEqual([first.ts]);
    expect(sim.responses.map((r) => r.outcome)).toEqual(['replaced', 'deleted']);
  });

  it('work on ephemeral messages only for their recipient', async () => {
    const delivered = await simWithDeliver();
    const client = clientFor(sim);
    const { message_ts } = await client.chat.postEphemeral({
      channel: C,
      user: 'U1',
      text: 'x',
      blocks: approvalBlocks('x'),
    });
    const messageTs = message_ts ?? '';
    await expect(
      sim.sendBlockAction({ userId: 'U2', channelId: C, messageTs, actionId: 'reject' }),
    ).rejects.toThrow(/only visible to U1/);
    const { responseUrl } = await sim.sendBlockAction({
      userId: 'U1',
      channelId: C,
      messageTs,
      actionId: 'reject',
    });
    expect(payloadOf(delivered[0] ?? { body: '' })).toMatchObject({ container: { is_ephemeral: true } });
    expect(payloadOf(delivered[0] ?? { body: '' })).not.toHaveProperty('message');
    await fetch(responseUrl ?? '', {
      method: 'POST',
      body: JSON.stringify({ delete_original: true }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(sim.ephemerals()).toEqual([]);
  });
});

describe('view submissions', () => {
  const modal = {
    type: 'modal' as const,
    callback_id: 'teardown_confirm',
    private_metadata: JSON.stringify({ channel: C }),
    title: plain('Tear down account'),
    submit: plain('Tear down'),
    blocks: [
      {
        type: 'input' as const,
        block_id: 'account',
        label: plain('Account id'),
        element: { type: 'plain_text_input' as const, action_id: 'account_id' },
      },
      {
        type: 'input' as const,
        block_id: 'reason',
        optional: true,
        label: plain('Reason'),
        element: { type: 'plain_text_input' as const, action_id: 'reason_input', multiline: true },
      },
    ],
  };

  async function openModal() {
    const { triggerId } = await sim.sendSlashCommand({ command: '/teardown', userId: 'U1', channelId: C });
    const res = await clientFor(sim).views.open({ trigger_id: triggerId ?? '', view: modal });
    return res.view?.id ?? '';
  }

  it("carry the opened view's callback_id, private_metadata and entered values", async () => {
    const delivered = await simWithDeliver();
    const viewId = await openModal();
    const result = await sim.sendViewSubmission({
      userId: 'U1',
      view: viewId,
      values: { account: { account_id: '123456789012' } },
    });
    expect(result.status).toBe(200);
    const req = delivered.at(-1);
    if (!req) throw new Error('nothing delivered');
    expect(verifySlackSignature(SECRET, req.headers, req.body)).toBe(true);
    expect(payloadOf(req)).toMatchObject({
      type: 'view_submission',
      team: { id: sim.config.teamId },
      user: { id: 'U1', username: 'ada' },
      api_app_id: sim.config.apiAppId,
      trigger_id: result.triggerId,
      view: {
        id: viewId,
        type: 'modal',
        callback_id: 'teardown_confirm',
        private_metadata: modal.private_metadata,
        title: modal.title,
        blocks: modal.blocks,
        hash: expect.any(String),
        state: {
          values: {
            account: { account_id: { type: 'plain_text_input', value: '123456789012' } },
            reason: { reason_input: { type: 'plain_text_input', value: null } },
          },
        },
      },
    });
    expect(sim.view(viewId)?.state).toBe('closed');
  });

  it('keep the view open with the errors the bot answers', async () => {
    await simWithDeliver(() =>
      ok(JSON.stringify({ response_action: 'errors', errors: { account: 'Not a sandbox account' } }), {
        'Content-Type': 'application/json',
      }),
    );
    const viewId = await openModal();
    await sim.sendViewSubmission({ userId: 'U1', view: viewId, values: { account: { account_id: '1' } } });
    expect(sim.view(viewId)).toMatchObject({ state: 'open', errors: { account: 'Not a sandbox account' } });
  });

  it('refuse submissions Slack would not send', async () => {
    await simWithDeliver();
    const viewId = await openModal();
    await expect(sim.sendViewSubmission({ userId: 'U1', view: viewId, values: {} })).rejects.toThrow(
      /required input account\/account_id is empty/,
    );
    await expect(
      sim.sendViewSubmission({
        userId: 'U1',
        view: viewId,
        values: { account: { account_id: '1' }, other: { x: 'y' } },
      }),
    ).rejects.toThrow(/no input other\/x/);
    await expect(sim.sendViewSubmission({ userId: 'U1', view: 'V0NOPE', values: {} })).rejects.toThrow(
      /no view V0NOPE/,
    );
  });

  it('can submit an ad-hoc view that was never opened', async () => {
    const delivered = await simWithDeliver();
    await sim.sendViewSubmission({
      userId: 'U1',
      view: { callback_id: 'adhoc', private_metadata: 'm' },
      values: { b: { a: 'typed' } },
    });
    expect(payloadOf(delivered[0] ?? { body: '' }).view).toMatchObject({
      callback_id: 'adhoc',
      private_metadata: 'm',
      state: { values: { b: { a: { type: 'plain_text_input', value: 'typed' } } } },
    });
  });
});

describe('request signing', () => {
  it('computes the v0 HMAC-SHA256 signature over "v0:timestamp:body"', () => {
    const req = signRequest('a=1&b=2', { secret: 's3cret', timestamp: 1_700_000_000 });
    expect(req.headers).toEqual({
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Slack-Request-Timestamp': '1700000000',
      'X-Slack-Signature': computeSignature('s3cret', 1_700_000_000, 'a=1&b=2'),
    });
    // Known answer, computed independently with `openssl dgst -sha256 -hmac s3cret`.
    expect(req.headers['X-Slack-Signature']).toBe(
      'v0=e4aaf227c86914f3d761f8e40e838727075d578e6b9a2c61f797398943431fae',
    );
  });

  it('lets tests send forged signatures and stale timestamps', async () => {
    const bot = await startBot();
    cleanup.push(bot.close);
    sim = await startSlackSim({ signingSecret: SECRET, botUrl: bot.url });
    const body = 'command=%2Fteardown&text=';

    expect((await sim.sendRaw(sim.signRequest(body))).status).toBe(200);
    expect((await sim.sendRaw(sim.signRequest(body, { secret: 'wrong' }))).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 600;
    expect((await sim.sendRaw(sim.signRequest(body, { timestamp: stale }))).status).toBe(401);
    const forged = await sim.sendSlashCommand({
      command: '/teardown',
      userId: 'U1',
      channelId: C,
      sign: { secret: 'x' },
    });
    expect(forged.status).toBe(401);
    expect(forged.body).toBe('invalid signature');
  });

  it('fails clearly when no bot is configured', async () => {
    sim = await startSlackSim();
    await expect(sim.sendSlashCommand({ command: '/x', userId: 'U1', channelId: C })).rejects.toThrow(
      /deliver.*botUrl/,
    );
  });
});
