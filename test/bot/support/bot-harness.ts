import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  type BotResponse,
  type SendResult,
  type SignedRequest,
  type SlackSim,
  startSlackSim,
} from '../../../sim/slack';
import { createLambdaHandler, type HttpEvent } from '../../../src/bot/lambda-handler';
import { type LocalBot, startLocalBot } from '../../../src/bot/local';
import { type BotRuntime, createBotRuntime } from '../../../src/bot/runtime';
import { type Config, loadConfig } from '../../../src/common/config';
import { createLogger } from '../../../src/common/logger';
import { noStepMetrics } from '../../../src/common/metrics';
import { InProcessDispatcher, InProcessTimers } from '../../../src/local/in-process';
import { awsDataPorts } from '../../../src/pipeline/adapters/aws-ports';
import { createStateTable } from '../../../src/pipeline/adapters/dynamodb/state-table';
import type { StepName } from '../../../src/pipeline/catalogue';
import { closeQuota } from '../../../src/pipeline/close-quota';
import type { Teardown } from '../../../src/pipeline/model';
import { combineNotifiers, loggingNotifier } from '../../../src/pipeline/notifiers';
import { pipelineStepHandlers } from '../../../src/pipeline/pipeline-worker';
import type { DataPorts } from '../../../src/pipeline/ports/data-ports';
import type { TeardownStore } from '../../../src/pipeline/ports/teardown-store';
import { Runner } from '../../../src/pipeline/runner';
import type { StepHandler } from '../../../src/pipeline/step-handler';
import { createSlackNotifier } from '../../../src/slack/notifier';
import { FakeRootAccess } from '../../support/fakes';
import { resetMoto } from '../../support/moto-server';
import { buildOrganization, type TestOrganization } from '../../support/organization';
import { withStandIns } from '../../support/runner-rig';

export const CHANNEL = 'C0SANDBOXREQ';
export const SIGNING_SECRET = 'bot-test-signing-secret';
const BOT_TOKEN = 'xoxb-bot-test-token';

/** People of the test workspace: requesters and approvers by id or by user group, and a bystander. */
export const PEOPLE = {
  requester: 'UREQUESTER1',
  approver: 'UAPPROVER1',
  /** An approver only through the approvers' user group. */
  groupApprover: 'UAPPROVER2',
  /** A requester only through the requesters' user group. */
  groupRequester: 'UREQUESTER2',
  bystander: 'UBYSTANDER1',
} as const;
const GROUPS = { requesters: 'S0REQUESTERS', approvers: 'S0APPROVERS' } as const;

export type Transport = 'lambda' | 'http';

/** What API Gateway (HTTP API, payload v2) hands the bot function for the request Slack sent. */
export function apiGatewayV2Event(req: SignedRequest): HttpEvent {
  return {
    version: '2.0',
    routeKey: 'POST /slack/events',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v])),
    requestContext: { http: { method: 'POST', path: '/slack/events' } },
    body: req.body,
    isBase64Encoded: false,
  };
}

/** The same request as an API Gateway REST API (v1) event, body base64-encoded as binary media types get it. */
export function apiGatewayV1Event(req: SignedRequest): HttpEvent {
  return {
    resource: '/slack/events',
    path: '/slack/events',
    httpMethod: 'POST',
    headers: req.headers,
    multiValueHeaders: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, [v]])),
    requestContext: {},
    body: Buffer.from(req.body, 'utf8').toString('base64'),
    isBase64Encoded: true,
  };
}

export interface BotHarness {
  sim: SlackSim;
  /** The bot as deployed (its Lambda handler or its local HTTP receiver). */
  bot: BotRuntime;
  /** The pipeline worker: its own runner and Slack notifier, as the pipeline Lambda has. */
  pipeline: Runner;
  store: TeardownStore;
  /** The data ports as the bot and pipeline share them (moto). */
  ports: DataPorts;
  config: Config;
  org: TestOrganization;
  dispatcher: InProcessDispatcher;
  timers: InProcessTimers;
  now(): number;
  advanceClock(ms: number): void;
  /** Pipeline hand-offs, due timers and queued Slack messages, until nothing is left to do now. */
  settle(): Promise<void>;
  /** settle, then jump the clock to each pending timer in turn (bounded). */
  runAllTimers(maxRounds?: number): Promise<void>;
  command(text: string, userId?: string, channelId?: string): Promise<SendResult>;
  click(userId: string, messageTs: string, actionId: string, channelId?: string): Promise<SendResult>;
  teardown(accountId: string): Promise<Teardown | undefined>;
  /** Every item of the table, unmarshalled (for "nothing was created"). */
  scanTable(): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export interface BotHarnessOptions {
  transport?: Transport;
  env?: Record<string, string>;
  handlers?: Partial<Record<StepName, StepHandler>>;
  rateLimit?: { perChannelPerSecond: number };
  paceMs?: number;
  deliver?: (
    event: SignedRequest,
    handler: (event: HttpEvent) => Promise<BotResponse>,
  ) => Promise<BotResponse>;
}

export async function createBotHarness(options: BotHarnessOptions = {}): Promise<BotHarness> {
  await resetMoto(process.env.AWS_ENDPOINT_URL ?? '');
  const organizations = new OrganizationsClient({});
  const dynamodb = new DynamoDBClient({});
  const org = await buildOrganization(organizations);
  const tableName = `bot-${randomUUID().slice(0, 8)}`;
  await createStateTable(dynamodb, tableName);
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    TEARDOWN_TABLE: tableName,
    TEARDOWN_ALLOWED_OUS: org.ous.sandbox,
    TEARDOWN_REQUESTERS: `${PEOPLE.requester},${GROUPS.requesters}`,
    TEARDOWN_APPROVERS: `${PEOPLE.approver},${GROUPS.approvers}`,
    ...options.env,
  });

  const transport = options.transport ?? 'lambda';
  let deliver: ((req: SignedRequest) => Promise<BotResponse>) | undefined;
  const sim = await startSlackSim({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    users: Object.values(PEOPLE).map((id) => ({ id, name: id.toLowerCase() })),
    usergroups: { [GROUPS.requesters]: [PEOPLE.groupRequester], [GROUPS.approvers]: [PEOPLE.groupApprover] },
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    deliver: (req) => {
      if (!deliver) throw new Error('the bot is not started');
      return deliver(req);
    },
  });

  let clock = Date.now();
  const now = () => clock;
  const logger = createLogger('bot-test', { logLevel: 'ERROR' });
  const ports = awsDataPorts({ dynamodb, organizations, tableName, clock: now });
  const { capabilities, workers } = withStandIns(options.handlers);
  // moto has no centralized root access: the organization has it off.
  const handlers = {
    ...pipelineStepHandlers({ ...ports, rootAccess: new FakeRootAccess() }),
    ...options.handlers,
  };
  const dispatcher = new InProcessDispatcher(workers);
  let pipeline: Runner | undefined;
  const timers = new InProcessTimers(async ({ accountId }) => pipeline?.advance(accountId), {
    clock: now,
    realTime: false,
  });
  const runtime = (workerId: string) =>
    createBotRuntime({
      config,
      slack: { botToken: BOT_TOKEN, apiUrl: sim.apiUrl },
      ports,
      capabilities,
      dispatcher,
      timers,
      logger,
      workerId,
      clock: now,
      paceMs: options.paceMs ?? 0,
    });
  const bot = runtime('bot');
  // The pipeline worker as its Lambda wires it: the core's runner with a Slack notifier (and queue) of its own.
  const workerNotifier = createSlackNotifier({
    slack: { botToken: BOT_TOKEN, apiUrl: sim.apiUrl },
    pacing: { paceMs: options.paceMs ?? 0 },
    store: ports.teardowns,
    quota: () => closeQuota(ports.ledger, ports.orgs, now()),
    clock: now,
    logger,
  });
  pipeline = new Runner({
    ...ports,
    config,
    dispatcher,
    timers,
    notifier: combineNotifiers(loggingNotifier(logger), workerNotifier),
    logger,
    metrics: noStepMetrics,
    workerId: 'pipeline',
    clock: now,
    handlers,
    capabilities,
  });
  const worker = pipeline;
  dispatcher.connect((w, { accountId }) => worker.advance(accountId, w));

  let local: LocalBot | undefined;
  if (transport === 'lambda') {
    const handler = createLambdaHandler(bot, SIGNING_SECRET);
    const viaLambda = async (event: HttpEvent): Promise<BotResponse> => {
      const result = await handler(event, {});
      return { status: result.statusCode, headers: result.headers ?? {}, body: result.body };
    };
    deliver = (req) =>
      options.deliver ? options.deliver(req, viaLambda) : viaLambda(apiGatewayV2Event(req));
  } else {
    local = await startLocalBot({ ...bot, port: 0, signingSecret: SIGNING_SECRET });
    const url = local.url ?? '';
    deliver = async (req) => {
      const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body });
      return {
        status: res.status,
        headers: Object.fromEntries(res.headers.entries()),
        body: await res.text(),
      };
    };
  }

  const settle = async () => {
    for (let round = 0; round < 100; round++) {
      await dispatcher.idle();
      // As a Lambda does before it returns: every message of the worker's notices is in Slack; the bot's may
      // still be sending (HTTP).
      await workerNotifier.settled();
      await bot.queue.idle();
      const fired = await timers.fireDue();
      if (fired === 0 && dispatcher.dispatched === lastDispatched) return;
      lastDispatched = dispatcher.dispatched;
    }
    throw new Error('the pipeline did not settle');
  };
  let lastDispatched = -1;

  return {
    sim,
    bot,
    pipeline: worker,
    store: ports.teardowns,
    ports,
    config,
    org,
    dispatcher,
    timers,
    now,
    advanceClock: (ms) => {
      clock += ms;
    },
    settle,
    async runAllTimers(maxRounds = 50) {
      await settle();
      for (let round = 0; round < maxRounds; round++) {
        const next = timers.list()[0];
        if (!next) return;
        clock = Math.max(clock, next.at);
        await settle();
      }
      throw new Error(`timers still pending after ${maxRounds} rounds`);
    },
    command: (text, userId = PEOPLE.requester, channelId = CHANNEL) =>
      sim.sendSlashCommand({ command: '/sandbox', text, userId, channelId }),
    click: (userId, messageTs, actionId, channelId = CHANNEL) =>
      sim.sendBlockAction({ userId, channelId, messageTs, actionId }),
    teardown: (accountId) => bot.runner.get(accountId as never),
    async scanTable() {
      const { Items } = await DynamoDBDocumentClient.from(dynamodb).send(
        new ScanCommand({ TableName: tableName }),
      );
      return Items ?? [];
    },
    async close() {
      dispatcher.release();
      await dispatcher.idle();
      timers.stop();
      await local?.stop();
      await sim.close();
      organizations.destroy();
      dynamodb.destroy();
    },
  };
}
