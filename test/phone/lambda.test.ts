// The bundled phone Lambda as deployed (real SDK clients against moto, Slack's stand-in, Invoke captured): AWS's
// call runs our contact-flow template in sim/phone against it, and an SNS message resumes the teardown holding the
// line.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleLambdas } from '../../scripts/bundle';
import { inboundSmsEvent, startPhoneSim } from '../../sim/phone';
import { loadContactFlow } from '../../src/phone/contact-flow';
import { phoneAudioFiles } from '../../src/phone/dtmf';
import { DynamoPhoneLineLeases } from '../../src/pipeline/adapters/dynamodb/phone-line-leases';
import { StateTable } from '../../src/pipeline/adapters/dynamodb/table';
import { newTeardown } from '../../src/pipeline/state';
import { type DeployedWorld, deployedWorld } from '../support/deployed-world';

type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
const AUDIO_BASE = 'https://acme-phone-audio.s3.us-east-1.amazonaws.com/teardown/audio/';
const LINES = ['+15550100', '+15550101'];
let handler: Handler;
let world: DeployedWorld;
let leases: DynamoPhoneLineLeases;
let outdir: string;

beforeAll(async () => {
  world = await deployedWorld('xoxb-1-2-phone', {
    BROWSER_FUNCTION_NAME: 'sandbox-teardown-browser',
    PHONE_AUDIO_BASE_URL: AUDIO_BASE,
    // The second entry is a person's own phone: Connect never answers it.
    PHONE_LINES: `${LINES.join(',')},+15557770000=U0PERSON1`,
  });
  leases = new DynamoPhoneLineLeases(
    new StateTable(new DynamoDBClient({}), process.env.TEARDOWN_TABLE as string),
  );
  outdir = await mkdtemp(join(tmpdir(), 'bundle-'));
  const [bundle] = await bundleLambdas(outdir, ['phone']);
  if (!bundle) throw new Error('no phone bundle');
  ({ handler } = (await import(pathToFileURL(bundle.file).href)) as { handler: Handler });
}, 60_000);

afterAll(async () => {
  await world?.close();
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

it("plays the stored PIN into AWS's call through the contact flow template, and nothing on a free line", async () => {
  const account = world.org.accounts.sandbox1;
  const holder = { accountId: account.id, teardownId: 't-call' };
  const now = Date.now();
  const lease = await leases.lease(LINES, holder, now, 20 * 60_000);
  expect(lease?.line).toBe(LINES[0]);
  await leases.setPin(LINES[0] as string, holder, '6048', now);
  const audio = new Map(phoneAudioFiles().map((file) => [`${AUDIO_BASE}${file.name}`, file.wav]));
  const sim = startPhoneSim({
    contactFlow: loadContactFlow({
      PHONE_LAMBDA_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:sandbox-teardown-phone',
      PHONE_AUDIO_BASE_URL: AUDIO_BASE,
    }),
    invokeLambda: async (event) => (await handler(event)) as Record<string, string>,
    deliverSms: async (event) => void (await handler(event)),
    audio: async (uri) => audio.get(uri) ?? Promise.reject(new Error('NoSuchKey')),
    timeScale: 0.01,
  });
  try {
    expect(await sim.network.call(LINES[0] as string, { listenMs: 60_000 })).toMatchObject({
      digits: '6048',
    });
    expect(await sim.network.call(LINES[1] as string, { listenMs: 60_000 })).toMatchObject({ digits: '' });
    // A person's own phone is not ours to answer: the Lambda plays nothing on it without looking.
    expect(await sim.network.call('+15557770000', { listenMs: 60_000 })).toMatchObject({ digits: '' });
    expect(sim.calls().map((call) => call.lambdaCalls)).toEqual([1, 1, 1]);
  } finally {
    await sim.close();
    await leases.release(LINES[0] as string, holder);
  }
});

it('resumes the teardown holding the line an SMS code was sent to, says so in its thread, and hands on', async () => {
  const { org, store, capture, slack } = world;
  const account = org.accounts.sandbox2;
  const posted = await world.web.chat.postMessage({ channel: 'C0REQUESTS', text: 'request' });
  const now = Date.now();
  const { next, event } = newTeardown({
    accountId: account.id,
    teardownId: 't-sms',
    strategy: 'remove',
    requester: 'UREQUESTER1',
    now,
  });
  await store.create(
    {
      ...next,
      step: 'verify-phone',
      stepStatus: 'waiting',
      wait: {
        signal: 'phone-code',
        until: now + 15 * 60_000,
        since: now,
        reason: 'waiting for the SMS code',
      },
      approver: 'UAPPROVER1',
      slack: { channel: 'C0REQUESTS', requestTs: posted.ts, threadTs: posted.ts, statusTs: posted.ts },
    },
    event,
  );
  const holder = { accountId: account.id, teardownId: 't-sms' };
  const lease = await leases.lease(LINES, holder, now, 20 * 60_000);
  const line = lease?.line as string;
  const sms = inboundSmsEvent({
    to: line,
    from: '+18885550199',
    body: 'Your Amazon Web Services verification code is: 517302',
    inboundMessageId: 'inbound-0001',
    at: now,
  });

  expect(await handler(sms)).toEqual({
    outcomes: [{ outcome: 'signalled', accountId: account.id, teardownId: 't-sms', line }],
  });
  expect((await leases.holderOf(line, Date.now()))?.code).toBe('517302');
  expect(await store.get(account.id)).toMatchObject({ step: 'verify-phone', stepStatus: 'pending' });
  expect(capture.invokes.at(-1)).toEqual({
    functionName: 'sandbox-teardown-browser',
    invocationType: 'Event',
    payload: { action: 'advance', accountId: account.id, teardownId: 't-sms', worker: 'browser' },
  });
  const thread = slack.thread('C0REQUESTS', posted.ts as string).map((m) => m.text);
  expect(thread.join('\n')).toContain('verification code received');
  expect(thread.join('\n')).not.toContain('517302');

  // SNS delivers the same message again: nothing changes.
  expect(await handler(sms)).toEqual({
    outcomes: [{ outcome: 'duplicate', reason: 'this message was taken before' }],
  });
  await leases.release(line, holder);
});

it('refuses an event that is neither a call nor a message', async () => {
  expect(await handler({ Records: [{ eventSource: 'aws:s3' }] })).toEqual({ error: 'unrecognised event' });
});
