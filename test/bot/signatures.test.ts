import { afterEach, describe, expect, it } from 'vitest';
import { formEncode, type SignedRequest } from '../../sim/slack';
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
    if (transport === 'lambda')
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
