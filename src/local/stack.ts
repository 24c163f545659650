import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { type SlackSim, startSlackSim } from '../../sim/slack';
import { EVENTS_PATH, type LocalBot, startLocalBot } from '../bot/local';
import { createBotRuntime } from '../bot/runtime';
import { type Config, loadConfig } from '../common/config';
import { createLogger } from '../common/logger';
import { awsDataPorts } from '../pipeline/adapters/aws-ports';
import { createStateTable } from '../pipeline/adapters/dynamodb/state-table';
import { pipelineStepHandlers } from '../pipeline/pipeline-worker';
import type { DataPorts } from '../pipeline/ports/data-ports';
import type { RootAccess } from '../pipeline/ports/root-access';
import { loadSlackSettings, type SlackSettings } from '../slack/settings';
import { buildOrganization, type DemoOrganization } from './demo-organization';
import { InProcessDispatcher, InProcessTimers } from './in-process';
import { type MotoServer, startMoto, useMotoInThisProcess } from './moto';
import { createPlayground } from './playground/server';

/** The people of the offline workspace. */
export const LOCAL_PEOPLE = {
  alice: { id: 'U0ALICE', name: 'alice', role: 'requester' },
  bob: { id: 'U0BOB', name: 'bob', role: 'approver' },
  carol: { id: 'U0CAROL', name: 'carol', role: 'requester and approver (user groups)' },
  dave: { id: 'U0DAVE', name: 'dave', role: 'bystander' },
} as const;
const GROUPS = { requesters: 'S0REQUESTERS', approvers: 'S0APPROVERS' };
const CHANNEL = { id: 'C0SANDBOX', name: 'sandbox-teardown' };

export interface LocalStack {
  /** The playground, e.g. http://127.0.0.1:3000/ */
  url: string;
  /** Where Slack (the simulator) sends commands and clicks, e.g. http://127.0.0.1:3000/slack/events */
  eventsUrl: string;
  org: DemoOrganization;
  sim: SlackSim;
  stop(): Promise<void>;
}

/** moto with a demo organization and the state table: the AWS of the local stack. */
interface LocalAws {
  ports: DataPorts;
  org: DemoOrganization;
  tableName: string;
}

type Stops = Array<() => Promise<unknown>>;

/**
 * moto has neither IAM's organization features nor sts:AssumeRoot: the demo organization is one without
 * centralized root access (as most are), so the remove path's password-recovery step skips offline.
 */
const NO_CENTRALIZED_ROOT_ACCESS: RootAccess = {
  rootCredentialsManagementOn: async () => false,
  allowPasswordRecovery: async () => {
    throw new Error('the local organization has no centralized root access');
  },
};

function stopper(stops: Stops): () => Promise<void> {
  return async () => {
    for (const step of stops.reverse()) await step().catch(() => {});
  };
}

async function startLocalAws(stops: Stops): Promise<LocalAws> {
  const moto: MotoServer = await startMoto();
  stops.push(() => moto.stop());
  useMotoInThisProcess(moto);
  const dynamodb = new DynamoDBClient({});
  const organizations = new OrganizationsClient({});
  const org = await buildOrganization(organizations);
  const tableName = `sandbox-teardown-local-${randomUUID().slice(0, 8)}`;
  await createStateTable(dynamodb, tableName);
  return { ports: awsDataPorts({ dynamodb, organizations, tableName }), org, tableName };
}

/** The bot's runtime with the pipeline running in this process: hand-offs in-process, timers in real time. */
function localRuntime(
  aws: LocalAws,
  config: Config,
  slack: Pick<SlackSettings, 'botToken' | 'apiUrl'>,
  stops: Stops,
) {
  const logger = createLogger('local', { logLevel: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' });
  const dispatcher = new InProcessDispatcher();
  const runtime = createBotRuntime({
    config,
    slack,
    ports: aws.ports,
    // The pipeline runs in this process: its steps are handled here.
    handlers: pipelineStepHandlers({ ...aws.ports, rootAccess: NO_CENTRALIZED_ROOT_ACCESS }),
    dispatcher,
    timers: new InProcessTimers(({ accountId }) => runtime.runner.advance(accountId), {
      clock: Date.now,
      realTime: true,
    }),
    logger,
  });
  dispatcher.connect((worker, { accountId }) => runtime.runner.advance(accountId, worker));
  // The sweeper, as the deployed schedule runs it: resumes anything a lost hand-off left behind.
  const sweeper = setInterval(() => void runtime.runner.sweep().catch(() => {}), 60_000);
  sweeper.unref();
  stops.push(async () => clearInterval(sweeper));
  return runtime;
}

/**
 * `npm start`: the bot with its pipeline, offline. moto stands in for AWS (a demo organization with sandbox and
 * production accounts), sim/slack for Slack, and the playground at `/` for the Slack client.
 */
export async function startLocalStack(
  options: { port: number; host?: string } = { port: 3000 },
): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const stops: Stops = [];
  const stop = stopper(stops);
  try {
    const aws = await startLocalAws(stops);
    const { org } = aws;
    const config = loadConfig({
      ...process.env,
      TEARDOWN_TABLE: aws.tableName,
      TEARDOWN_ALLOWED_OUS: org.ous.sandbox,
      TEARDOWN_REQUESTERS: `${LOCAL_PEOPLE.alice.id},${GROUPS.requesters}`,
      TEARDOWN_APPROVERS: `${LOCAL_PEOPLE.bob.id},${GROUPS.approvers}`,
    });

    const signingSecret = randomBytes(16).toString('hex');
    const botToken = `xoxb-local-${randomBytes(8).toString('hex')}`;
    let bot: LocalBot | undefined;
    const sim = await startSlackSim({
      botToken,
      signingSecret,
      channels: [CHANNEL],
      users: Object.values(LOCAL_PEOPLE).map(({ id, name }) => ({ id, name })),
      usergroups: {
        [GROUPS.requesters]: [LOCAL_PEOPLE.carol.id],
        [GROUPS.approvers]: [LOCAL_PEOPLE.carol.id],
      },
      deliver: async (request) => {
        const response = await fetch(bot?.url ?? '', {
          method: 'POST',
          headers: request.headers,
          body: request.body,
        });
        return {
          status: response.status,
          headers: Object.fromEntries(response.headers),
          body: await response.text(),
        };
      },
    });
    stops.push(() => sim.close());

    const runtime = localRuntime(aws, config, { botToken, apiUrl: sim.apiUrl }, stops);
    bot = await startLocalBot({ ...runtime, port: 0, host: '127.0.0.1', signingSecret });
    stops.push(() => (bot as LocalBot).stop());

    const playground = createPlayground({
      sim,
      channel: CHANNEL,
      users: Object.values(LOCAL_PEOPLE),
      accounts: [
        { id: org.accounts.sandbox1.id, name: org.accounts.sandbox1.name, note: 'Sandbox: can be torn down' },
        { id: org.accounts.teamA.id, name: org.accounts.teamA.name, note: 'Sandbox / Team A (nested OU)' },
        {
          id: org.accounts.protectedSandbox.id,
          name: org.accounts.protectedSandbox.name,
          note: 'protected by tag',
        },
        { id: org.accounts.production.id, name: org.accounts.production.name, note: 'Production: refused' },
        { id: org.managementAccountId, name: 'management', note: 'the management account: refused' },
      ],
    });
    const server = await listen(host, options.port, async (req, res) => {
      if (req.url?.startsWith(EVENTS_PATH)) return forward(req, res, bot?.url ?? '');
      if (await playground(req, res)) return;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    stops.push(
      () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    );
    const { port } = server.address() as AddressInfo;
    const base = `http://${host}:${port}`;
    return { url: `${base}/`, eventsUrl: `${base}${EVENTS_PATH}`, org, sim, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The bot in a real workspace by Socket Mode (SLACK_APP_TOKEN, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET,
 * TEARDOWN_REQUESTERS, TEARDOWN_APPROVERS from the environment). AWS stays moto, so nothing real is ever torn
 * down from a laptop.
 */
export async function startSocketModeStack(): Promise<{ org: DemoOrganization; stop(): Promise<void> }> {
  const stops: Stops = [];
  const stop = stopper(stops);
  try {
    const slack = await loadSlackSettings(process.env);
    const aws = await startLocalAws(stops);
    const config = loadConfig({
      ...process.env,
      TEARDOWN_TABLE: aws.tableName,
      TEARDOWN_ALLOWED_OUS: aws.org.ous.sandbox,
    });
    const runtime = localRuntime(aws, config, slack, stops);
    const bot = await startLocalBot({
      ...runtime,
      port: 0,
      signingSecret: slack.signingSecret,
      appToken: slack.appToken,
    });
    stops.push(() => bot.stop());
    return { org: aws.org, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function listen(
  host: string,
  port: number,
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<Server> {
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}

/** Passes a request for the bot on unchanged (body and Slack's signature headers). */
async function forward(req: IncomingMessage, res: ServerResponse, target: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(key))
      headers[key] = value;
  }
  const response = await fetch(target, { method: req.method, headers, body: Buffer.concat(chunks) });
  res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' });
  res.end(Buffer.from(await response.arrayBuffer()));
}
