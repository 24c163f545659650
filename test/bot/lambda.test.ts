import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SlackSim, startSlackSim } from '../../sim/slack';
import type { BotLambdaHandler } from '../../src/bot/lambda-handler';
import { createStateTable } from '../../src/pipeline/adapters/dynamodb/state-table';
import { StateTable } from '../../src/pipeline/adapters/dynamodb/table';
import { DynamoTeardownStore } from '../../src/pipeline/adapters/dynamodb/teardown-store';
import { deployedEnvironment, importBundledLambda } from '../support/deployed-lambda';
import { startLambdaCapture } from '../support/lambda-capture';
import { buildOrganization, type TestOrganization } from '../support/organization';
import { apiGatewayV2Event } from './support/bot-harness';
import { lastAnswer, requestMessage } from './support/slack-record';

// The bundled bot Lambda as deployed: configured by its environment, real SDK clients against moto, the Web API
// against sim/slack, Invoke against a loopback stand-in.
const SECRET = 'bundled-bot-signing-secret';
const TOKEN = 'xoxb-bundled-bot';
const C = 'C0BUNDLED';
let handler: BotLambdaHandler;
let sim: SlackSim;
let capture: Awaited<ReturnType<typeof startLambdaCapture>>;
let org: TestOrganization;
let store: DynamoTeardownStore;
const tableName = `bot-lambda-${randomUUID().slice(0, 8)}`;
const savedEnv = { ...process.env };

beforeAll(async () => {
  capture = await startLambdaCapture();
  sim = await startSlackSim({
    signingSecret: SECRET,
    botToken: TOKEN,
    deliver: async (req) => {
      const res = await handler(apiGatewayV2Event(req), {});
      return { status: res.statusCode, headers: res.headers ?? {}, body: res.body };
    },
  });
  const dynamodb = new DynamoDBClient({});
  org = await buildOrganization(new OrganizationsClient({}));
  await createStateTable(dynamodb, tableName);
  store = new DynamoTeardownStore(new StateTable(dynamodb, tableName));
  Object.assign(process.env, {
    ...deployedEnvironment({
      tableName,
      allowedOus: org.ous.sandbox,
      lambdaEndpoint: capture.endpoint,
      slackApiUrl: sim.apiUrl,
      botToken: TOKEN,
    }),
    SLACK_SIGNING_SECRET: SECRET,
  });
  ({ handler } = await importBundledLambda<{ handler: BotLambdaHandler }>('bot'));
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await capture?.stop();
  process.env = savedEnv;
});

it('is a two-argument handler that requests a teardown and hands it to the pipeline asynchronously', async () => {
  expect(handler.length).toBe(2);
  const { id } = org.accounts.sandbox1;
  const res = await sim.sendSlashCommand({
    command: '/sandbox',
    text: `delete ${id} done`,
    userId: 'UREQUESTER1',
    channelId: C,
  });
  expect(res.status).toBe(200);
  expect(lastAnswer(sim, 'UREQUESTER1', C)).toContain('requested');
  const root = requestMessage(sim, C);
  expect(root?.text).toContain(`Teardown of sandbox-alice (${id}) requested by <@UREQUESTER1>`);
  expect(await store.get(id as never)).toMatchObject({
    step: 'preflight',
    slack: { channel: C, requestTs: root?.ts },
  });
  // The transition goes to the pipeline function to be shown in Slack (the bot never waits for Slack's pacing),
  // and the step is handed on; both asynchronously, side by side.
  expect(capture.invokes.map((i) => [i.functionName, i.invocationType])).toEqual([
    ['sandbox-teardown-pipeline', 'Event'],
    ['sandbox-teardown-pipeline', 'Event'],
  ]);
  const sent = (action: string) =>
    capture.invokes.find((i) => (i.payload as { action?: string }).action === action);
  expect(sent('notify')?.payload).toMatchObject({
    action: 'notify',
    notice: {
      teardown: { accountId: id, slack: { channel: C, requestTs: root?.ts } },
      event: { action: 'requested' },
    },
  });
  expect(sent('advance')?.payload).toEqual({
    action: 'advance',
    accountId: id,
    teardownId: expect.any(String),
    worker: 'pipeline',
  });
});

it('refuses a forged request with 401 before anything else', async () => {
  const before = sim.calls.length;
  const forged = await sim.sendSlashCommand({
    command: '/sandbox',
    text: `delete ${org.accounts.sandbox2.id}`,
    userId: 'UREQUESTER1',
    channelId: C,
    sign: { secret: 'forged' },
  });
  expect(forged.status).toBe(401);
  expect(sim.calls.length).toBe(before);
  expect(await store.get(org.accounts.sandbox2.id as never)).toBeUndefined();
  expect(capture.invokes).toHaveLength(2);
});
