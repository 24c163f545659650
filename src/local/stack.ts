import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { seedFromOrganizations } from '../../sim/console';
import { type SlackSim, startSlackSim } from '../../sim/slack';
import { EVENTS_PATH, type LocalBot, MAX_EVENT_BODY_BYTES, readBody, startLocalBot } from '../bot/local';
import type { BotRuntime } from '../bot/runtime';
import { loadConfig } from '../common/config';
import { createLogger } from '../common/logger';
import { launchChromium } from '../console/chromium';
import type { PaymentCard } from '../console/ports';
import { loadConsoleSettings } from '../console/settings';
import { loadMailSettings } from '../mail/classify';
import { loadContactFlow } from '../phone/contact-flow';
import { digitAudioName, phoneAudioFiles } from '../phone/dtmf';
import { handlePhoneEvent } from '../phone/handler';
import { awsDataPorts } from '../pipeline/adapters/aws-ports';
import { createStateTable } from '../pipeline/adapters/dynamodb/state-table';
import type { RootAccess } from '../pipeline/ports/root-access';
import { loadSlackSettings, type SlackSettings } from '../slack/settings';
import { buildLocalDemo, type LocalDemo } from './demo-organization';
import { readLiveAccounts } from './live-accounts';
import { startLocalWorkers } from './local-workers';
import { startMailDoor } from './mail-door';
import { type MotoServer, startMoto, useMotoInThisProcess } from './moto';
import { type OutsideWorld, startOutsideWorld } from './outside-world';
import { phoneDoors } from './phone-doors';
import { createPlayground } from './playground/server';
import {
  DEFAULT_REALISM,
  type LiveAccount,
  type OutsideActivity,
  type Realism,
  type RealismControl,
  realismControl,
} from './realism';
import { SharedChromium } from './shared-chromium';

/** The people of the offline workspace. */
export const LOCAL_PEOPLE = {
  alice: { id: 'U0ALICE', name: 'alice', role: 'requester' },
  bob: { id: 'U0BOB', name: 'bob', role: 'approver' },
  carol: { id: 'U0CAROL', name: 'carol', role: 'requester and approver by user groups' },
  dave: { id: 'U0DAVE', name: 'dave', role: 'bystander' },
} as const;
const GROUPS = { requesters: 'S0REQUESTERS', approvers: 'S0APPROVERS' };
const CHANNEL = { id: 'C0SANDBOX', name: 'sandbox-teardown' };

/** Our phone lines offline: four numbers that take calls and texts (a pool, as a deployment would have). */
export const LOCAL_PHONE_LINES = '+15550101,+15550102,+15550103,+15550104';
/** Where the contact flow finds its audio; offline the phone network reads it from memory. */
const AUDIO_BASE = 'https://sandbox-teardown-local-artifacts.s3.us-east-1.amazonaws.com/phone-audio/';

/** The company card of the demo: a card-network test number (passes Luhn, charges nothing anywhere). */
const DEMO_CARD: PaymentCard = {
  number: '4111111111111111',
  expiryMonth: 12,
  expiryYear: new Date().getUTCFullYear() + 4,
  holder: 'Platform Team',
  cvv: '123',
  address: { line1: '410 Terry Ave N', city: 'Seattle', state: 'WA', postalCode: '98109', country: 'US' },
  phone: '+12065550100',
  company: 'Example Corp',
};

export interface LocalStackOptions {
  /** The playground and the bot's events (0: any free port). */
  port: number;
  host?: string;
  /** The SMTP door (0: any free port). Default $SMTP_PORT or 2525. */
  smtpPort?: number;
  /** Knobs for the simulators; the rest from DEFAULT_REALISM. */
  realism?: Partial<Realism>;
  /** The environment read for settings (SLACK_SIGNING_SECRET, PHONE_LINES, …). Default process.env. */
  env?: Record<string, string | undefined>;
}

export interface LocalStack {
  /** The playground, e.g. http://127.0.0.1:3000/ */
  url: string;
  /** Where Slack (the simulator, or anyone with the signing secret) sends commands and clicks. */
  eventsUrl: string;
  signingSecret: string;
  /** Whether the signing secret came from SLACK_SIGNING_SECRET (else it was made up at start). */
  signingSecretFromEnv: boolean;
  smtpPort: number;
  demo: LocalDemo;
  /** The demo organization (the same as demo.org). */
  org: LocalDemo['org'];
  sim: SlackSim;
  world: OutsideWorld;
  runtime: BotRuntime;
  realism: RealismControl;
  activity(): OutsideActivity;
  liveAccounts(): Promise<LiveAccount[]>;
  /** The phone numbers of our lines. */
  lines: string[];
  /** How many browser steps work at once (BROWSER_TURNS). */
  browserTurns: number;
  stop(): Promise<void>;
}

type Stops = Array<() => Promise<unknown>>;

/**
 * moto has neither IAM's organization features nor sts:AssumeRoot: the demo organization is one without
 * centralized root access (as most are), so the remove path's password-recovery step skips offline.
 */
const _NO_CENTRALIZED_ROOT_ACCESS: RootAccess = {
  rootCredentialsManagementOn: async () => false,
  allowPasswordRecovery: async () => {
    throw new Error('the local organization has no centralized root access');
  },
};

function stopper(stops: Stops): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      for (const step of stops.reverse()) await step().catch(() => {});
    })();
    return stopping;
  };
}

/**
 * How many browser steps of the one shared Chromium work at once (BROWSER_TURNS; see console/turns.ts). Four per
 * core: a step with a turn spends much of it waiting for a page, so fewer would leave the cores idle, and this many
 * already keeps the older teardowns ahead (measured with `npm run bench:e2e`).
 */
export function browserTurnsOf(env: Record<string, string | undefined>): number {
  const text = env.BROWSER_TURNS?.trim();
  const turns = text ? Number(text) : 4 * Math.max(1, cpus().length);
  if (!Number.isInteger(turns) || turns < 1 || turns > 1_000) {
    throw new RangeError(`BROWSER_TURNS="${env.BROWSER_TURNS}" is not a whole number from 1 to 1000`);
  }
  return turns;
}

/** The SMTP door's port: the option, else $SMTP_PORT, else 2525. */
function smtpPortOf(options: LocalStackOptions, env: Record<string, string | undefined>): number {
  const port = options.smtpPort ?? Number(env.SMTP_PORT?.trim() || 2525);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`SMTP_PORT="${env.SMTP_PORT}" is not a port number`);
  }
  return port;
}

/**
 * The whole system in this process, offline: moto for AWS (a demo organization), the console, 2captcha and
 * phone simulators, sim/slack with the playground at `/` standing in for the Slack client, and the bot with the
 * pipeline, browser, mail and phone workers (in-process hand-offs and timers). The outside world's doors (SMTP for
 * mail, `/local/phone/*` for calls and texts) are open on loopback for other simulators too.
 */
export async function startLocalStack(options: LocalStackOptions = { port: 3000 }): Promise<LocalStack> {
  const { sim, ...stack } = await startLocalSystem(options, { kind: 'simulated' });
  if (!sim) throw new Error('the Slack simulator did not start');
  return { ...stack, sim };
}

/**
 * The same system with the bot in a real workspace by Socket Mode (SLACK_APP_TOKEN, SLACK_BOT_TOKEN,
 * SLACK_SIGNING_SECRET, TEARDOWN_REQUESTERS and TEARDOWN_APPROVERS from the environment). AWS stays simulated, so
 * nothing real is torn down from a laptop. The doors are open as offline; there is no playground.
 */
export async function startSocketModeStack(
  options: LocalStackOptions = { port: 3000 },
): Promise<Omit<LocalStack, 'sim' | 'url' | 'eventsUrl'> & { doorsUrl: string }> {
  const env = options.env ?? process.env;
  const settings = await loadSlackSettings(env);
  if (!settings.appToken) throw new Error('SLACK_APP_TOKEN is needed for Socket Mode');
  const stack = await startLocalSystem(options, { kind: 'socket', settings, appToken: settings.appToken });
  return { ...stack, doorsUrl: stack.url };
}

type SlackSide = { kind: 'simulated' } | { kind: 'socket'; settings: SlackSettings; appToken: string };

async function startLocalSystem(
  options: LocalStackOptions,
  slackSide: SlackSide,
): Promise<Omit<LocalStack, 'sim'> & { sim: SlackSim | undefined }> {
  const env = options.env ?? process.env;
  const host = options.host ?? '127.0.0.1';
  // Checked before anything starts: a bad value changes nothing.
  const turns = browserTurnsOf(env);
  const stops: Stops = [];
  const stop = stopper(stops);
  try {
    const logger = createLogger('local', { logLevel: env.POWERTOOLS_LOG_LEVEL ?? 'WARN' });
    const moto: MotoServer = await startMoto();
    stops.push(() => moto.stop());
    useMotoInThisProcess(moto);
    const dynamodb = new DynamoDBClient({});
    const demo = await buildLocalDemo(new OrganizationsClient({}));
    const { org } = demo;
    const tableName = `sandbox-teardown-local-${randomUUID().slice(0, 8)}`;
    await createStateTable(dynamodb, tableName);
    const s3 = new S3Client({ forcePathStyle: true });
    const artifactsBucket = 'sandbox-teardown-local-artifacts';
    const mailBucket = 'sandbox-teardown-local-mail';
    for (const Bucket of [artifactsBucket, mailBucket]) await s3.send(new CreateBucketCommand({ Bucket }));
    const secrets = new SecretsManagerClient({});
    const cardSecret = 'sandbox-teardown-local/payment-card';
    await secrets.send(
      new CreateSecretCommand({ Name: cardSecret, SecretString: JSON.stringify(DEMO_CARD) }),
    );

    const localEnv: Record<string, string | undefined> = {
      // Offline waits at a watching pace, unless set otherwise.
      PHONE_QUEUE_POLL: '2s',
      CAPTCHA_HUMAN_POLL: '1s',
      CONSOLE_PAGE_TIMEOUT: '30s',
      PHONE_LINES: LOCAL_PHONE_LINES,
      ...env,
      ARTIFACTS_BUCKET: artifactsBucket,
      PAYMENT_CARD_SECRET: cardSecret,
      SECRET_PREFIX: 'sandbox-teardown-local',
      TEARDOWN_TABLE: tableName,
      TEARDOWN_ALLOWED_OUS: org.ous.sandbox,
      // In a real workspace the people are the environment's; offline they are the playground's.
      ...(slackSide.kind === 'simulated'
        ? {
            TEARDOWN_REQUESTERS: `${LOCAL_PEOPLE.alice.id},${GROUPS.requesters}`,
            TEARDOWN_APPROVERS: `${LOCAL_PEOPLE.bob.id},${GROUPS.approvers}`,
          }
        : {}),
    };
    const config = loadConfig(localEnv);
    const consoleSettings = loadConsoleSettings(localEnv);
    const lines = consoleSettings.phoneLines;
    const ours = lines.filter((line) => !line.person).map((line) => line.number);

    // The outside world, first: the pipeline's Organizations calls go through the simulated AWS's front.
    let workers: ReturnType<typeof startLocalWorkers> | undefined;
    const mailDoor = await startMailDoor({
      host,
      port: smtpPortOf(options, env),
      s3,
      bucket: mailBucket,
      intake: () => workers?.mail,
      logger,
    });
    stops.push(() => mailDoor.stop());
    const phoneHandler = async (event: unknown) => {
      if (!workers) throw new Error('the phone worker is not started yet');
      return (await handlePhoneEvent(workers.phone, event)) as Record<string, string>;
    };
    const audio = new Map(phoneAudioFiles().map((file) => [`${AUDIO_BASE}${file.name}`, file.wav]));
    const world = await startOutsideWorld({
      organizationsUpstream: moto.endpoint,
      lines: ours,
      contactFlow: loadContactFlow({
        PHONE_LAMBDA_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:sandbox-teardown-local-phone',
        PHONE_AUDIO_BASE_URL: AUDIO_BASE,
      }),
      invokePhoneLambda: phoneHandler,
      deliverSms: async (event) => void (await phoneHandler(event)),
      audio: async (uri) => {
        const wav = audio.get(uri);
        if (!wav) throw new Error(`no audio at ${uri}`);
        return wav;
      },
      smtp: { host, port: mailDoor.port },
    });
    stops.push(() => world.stop());
    const realism = realismControl({ ...DEFAULT_REALISM, ...options.realism }, (r) => world.apply(r));
    // Straight to moto: what the simulated AWS is seeded from and the side list reads (not through its front).
    const motoOrganizations = new OrganizationsClient({ endpoint: moto.endpoint });
    await seedSimulatedAws(world, demo, motoOrganizations);

    // Slack: the simulator (the bot's signing secret from the environment when given), or a real workspace.
    const envSecret = env.SLACK_SIGNING_SECRET?.trim();
    let bot: LocalBot | undefined;
    let sim: SlackSim | undefined;
    let signingSecret: string;
    let slack: Pick<SlackSettings, 'botToken' | 'apiUrl'>;
    if (slackSide.kind === 'socket') {
      signingSecret = slackSide.settings.signingSecret;
      slack = slackSide.settings;
    } else {
      signingSecret = envSecret || randomBytes(16).toString('hex');
      const botToken = `xoxb-local-${randomBytes(8).toString('hex')}`;
      const slackSim = await startSlackSim({
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
      stops.push(() => slackSim.close());
      sim = slackSim;
      slack = { botToken, apiUrl: slackSim.apiUrl };
    }

    const chromium = new SharedChromium(() =>
      launchChromium({
        ...env,
        CONSOLE_SIM_ADDRESS: world.console.address,
        CONSOLE_SIM_SPKI: world.console.spki,
      }),
    );
    // Stopped with the workers (see startLocalWorkers), and again here should they never have started.
    stops.push(() => chromium.stop());
    const ports = awsDataPorts({
      dynamodb,
      organizations: new OrganizationsClient({
        endpoint: world.console.organizationsEndpoint ?? moto.endpoint,
      }),
      tableName,
    });
    workers = startLocalWorkers({
      config,
      ports,
      slack,
      logger,
      chromium,
      world,
      s3,
      secrets,
      artifactsBucket,
      consoleSettings,
      turns,
      mailSettings: loadMailSettings(localEnv),
      ours,
      digitAudio: (digit) => `${AUDIO_BASE}${digitAudioName(digit)}`,
    });
    const { runtime } = workers;
    stops.push(async () => workers?.stop());

    bot = await startLocalBot({
      ...runtime,
      port: 0,
      host: '127.0.0.1',
      signingSecret,
      ...(slackSide.kind === 'socket' ? { appToken: slackSide.appToken } : {}),
    });
    stops.push(() => (bot as LocalBot).stop());

    const activity = (): OutsideActivity => ({
      ...world.phoneActivity(),
      mails: mailDoor.mails(),
    });
    const liveAccounts = () => readLiveAccounts(demo, ports, world, motoOrganizations);
    const playground = sim
      ? createPlayground({
          sim,
          channel: CHANNEL,
          users: Object.values(LOCAL_PEOPLE),
          liveAccounts,
          activity,
          realism,
        })
      : async () => false;
    const doors = phoneDoors({ phone: world.phone, lines: ours });
    const server = await listen(host, options.port, async (req, res) => {
      if (req.url?.startsWith(EVENTS_PATH)) return forward(req, res, bot?.url ?? '');
      if (await doors(req, res)) return;
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
    return {
      url: `${base}/`,
      eventsUrl: `${base}${EVENTS_PATH}`,
      signingSecret,
      signingSecretFromEnv: Boolean(envSecret),
      smtpPort: mailDoor.port,
      demo,
      org,
      sim,
      world,
      runtime,
      realism,
      activity,
      liveAccounts,
      lines: ours,
      browserTurns: turns,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The simulated AWS knows every account moto has, with the demo's ages and phone-verification ways. */
async function seedSimulatedAws(
  world: OutsideWorld,
  demo: LocalDemo,
  motoOrganizations: OrganizationsClient,
): Promise<void> {
  await seedFromOrganizations(world.console, motoOrganizations);
  for (const account of demo.sandboxes) {
    world.console.updateAccount(account.id, {
      joinedAt: Date.now() - account.ageDays * 86_400_000,
      verification: account.verification,
    });
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

/**
 * Passes a request for the bot on unchanged (body and Slack's signature headers). The body is bounded before it
 * is read: a larger one is answered 413 and never buffered whole.
 */
async function forward(req: IncomingMessage, res: ServerResponse, target: string): Promise<void> {
  const body = await readBody(req, MAX_EVENT_BODY_BYTES);
  if (body === undefined) {
    res.writeHead(413, { 'content-type': 'text/plain' }).end('request body too large');
    return;
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(key))
      headers[key] = value;
  }
  const response = await fetch(target, { method: req.method, headers, body: new Uint8Array(body) });
  res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' });
  res.end(Buffer.from(await response.arrayBuffer()));
}
