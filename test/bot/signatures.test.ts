import { afterEach, describe, expect, it } from 'vitest';
import { formEncode, type SignedRequest, signRequest } from '../../sim/slack';
import { MAX_EVENT_BODY_BYTES } from '../../src/bot/local';
import { hasFreshSlackSignature } from '../../src/bot/signature';
import {
  apiGatewayV1Event,
  type BotHarness,
  CHANNEL,
  createBotHarness,
  PEOPLE,
  SIGNING_SECRET,
  type Transport,
} from './support/bot-harness';

let h: BotHarness;
afterEach(async () => h?.close());

function deleteBody(accountId: string): string {
  return formEncode({
    token: 'sim-verification-token',
    team_id: 'T0SIMTEAM',
    team_domain: 'sim-workspace',
    channel_id: CHANNEL,
    user_id: PEOPLE.requester,
    command: '/sandbox',
    text: `delete ${accountId}`,
    trigger_id: 'trigger-1',
    response_url: 'http://127.0.0.1:9/response/none',
  });
}

const withoutHeader = (req: SignedRequest, name: string): SignedRequest => ({
  body: req.body,
  headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.toLowerCase() !== name)),
});

describe.each<Transport>(['lambda', 'http'])('signature checks (%s)', (transport) => {
  it('answers 401 to forged, stale, future and unsigned requests, and does nothing else', async () => {
    h = await createBotHarness({ transport });
    const body = deleteBody(h.org.accounts.sandbox1.id);
    const nowS = Math.floor(Date.now() / 1000);
    const attempts: Array<[string, SignedRequest]> = [
      ['forged', h.sim.signRequest(body, { secret: 'not-the-secret' })],
      ['stale', h.sim.signRequest(body, { timestamp: nowS - 5 * 60 - 30 })],
      ['no signature', withoutHeader(h.sim.signRequest(body), 'x-slack-signature')],
      ['no timestamp', withoutHeader(h.sim.signRequest(body), 'x-slack-request-timestamp')],
      ['tampered body', { ...h.sim.signRequest(body), body: body.replace('delete', 'cancel') }],
      ['no headers at all', { headers: {}, body }],
    ];
    attempts.push(['future', h.sim.signRequest(body, { timestamp: nowS + 10 * 60 })]);
    for (const [what, request] of attempts) {
      const res = await h.sim.sendRaw(request);
      expect({ what, status: res.status }).toEqual({ what, status: 401 });
    }
    await h.settle();
    expect(h.sim.calls).toEqual([]);
    expect(h.sim.ephemerals()).toEqual([]);
    expect(await h.scanTable()).toEqual([]);
    // The same request, correctly signed, goes through.
    const genuine = await h.sim.sendRaw(h.sim.signRequest(body));
    expect(genuine.status).toBe(200);
  });
});

describe('API Gateway REST (v1) events', () => {
  it('accepts a base64-encoded body with a valid signature and refuses a forged one', async () => {
    h = await createBotHarness({
      deliver: (req, handle) => handle(apiGatewayV1Event(req)),
    });
    const body = deleteBody(h.org.accounts.sandbox2.id);
    const forged = await h.sim.sendRaw(h.sim.signRequest(body, { secret: `${SIGNING_SECRET}x` }));
    expect(forged.status).toBe(401);
    expect(await h.scanTable()).toEqual([]);
    const res = await h.sim.sendRaw(h.sim.signRequest(body));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('requested'),
    });
    expect(await h.teardown(h.org.accounts.sandbox2.id)).toMatchObject({ status: 'active' });
  });
});

describe('the local HTTP receiver (npm start)', () => {
  it('answers 401 to a request stamped 10 minutes in the future or the past, and requests no teardown', async () => {
    h = await createBotHarness({ transport: 'http' });
    const account = h.org.accounts.sandbox1.id;
    const body = deleteBody(account);
    const nowS = Math.floor(Date.now() / 1000);
    for (const [what, timestamp] of [
      ['future', nowS + 10 * 60],
      ['past', nowS - 10 * 60],
    ] as const) {
      const res = await h.sim.sendRaw(h.sim.signRequest(body, { timestamp }));
      expect({ what, status: res.status, body: res.body }).toEqual({ what, status: 401, body: '' });
    }
    await h.settle();
    expect(h.sim.calls).toEqual([]);
    expect(h.sim.ephemerals()).toEqual([]);
    expect(await h.teardown(account)).toBeUndefined();

    // Signed now, the same request asks for the teardown.
    const genuine = await h.sim.sendRaw(h.sim.signRequest(body));
    expect(genuine.status).toBe(200);
    expect(JSON.parse(genuine.body)).toMatchObject({ text: expect.stringContaining('requested') });
    expect(await h.teardown(account)).toMatchObject({ status: 'active' });
  });

  it('answers 413 to a body over its size limit, acts on none of it, and goes on serving', async () => {
    h = await createBotHarness({ transport: 'http' });
    const account = h.org.accounts.sandbox1.id;
    const oversized = `${deleteBody(account)}&padding=${'x'.repeat(MAX_EVENT_BODY_BYTES)}`;
    const res = await h.sim.sendRaw(h.sim.signRequest(oversized));
    expect(res.status).toBe(413);
    await h.settle();
    expect(await h.scanTable()).toEqual([]);
    const genuine = await h.sim.sendRaw(h.sim.signRequest(deleteBody(account)));
    expect(genuine.status).toBe(200);
  });
});

describe('the five-minute rule (shared by the Lambda handler and the local receiver)', () => {
  it('accepts a signature up to 300 s away from now in either direction, and none further', () => {
    const body = deleteBody('123456789012');
    const stampedS = 1_800_000_000;
    const { headers } = signRequest(body, { secret: SIGNING_SECRET, timestamp: stampedS });
    const request = {
      body,
      signature: headers['X-Slack-Signature'],
      timestamp: headers['X-Slack-Request-Timestamp'],
    };
    const checkedAt = (offsetS: number) =>
      hasFreshSlackSignature(SIGNING_SECRET, request, (stampedS + offsetS) * 1000);
    expect([-301, -300, 0, 300, 301].map(checkedAt)).toEqual([false, true, true, true, false]);
    expect(hasFreshSlackSignature(`${SIGNING_SECRET}x`, request, stampedS * 1000)).toBe(false);
    expect(hasFreshSlackSignature(SIGNING_SECRET, { ...request, timestamp: '1.8e9' }, stampedS * 1000)).toBe(
      false,
    );
  });
});
