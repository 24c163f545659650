/**
 * Bot benchmark against moto and sim/slack:
 * - ack time of 1,000 warm `/sandbox delete` commands through the Lambda handler (signature check, requester
 *   check, preflight on Organizations, request message, conditional write, asynchronous Invoke);
 * - cold start: module-load time of the bundled bot handler over that of a bare Bolt app bundled the same way,
 *   each loaded in fresh `node` processes (medians), and the bundle's size;
 * - buttons: time from sending `/sandbox delete` until Slack has the request message rewritten with its Approve
 *   button (preflight and the approval step run in between), one command at a time, each in its own channel. Once
 *   wired as deployed (the pipeline worker shows transitions with its own Slack queue, as the pipeline Lambda
 *   does) and once as the local stack wires it (bot and pipeline in one runtime sharing one Slack queue).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { bundleEntry, bundleLambdas } from '../scripts/bundle';
import { startSlackSim } from '../sim/slack';
import { createLambdaHandler } from '../src/bot/lambda-handler';
import { createBotRuntime } from '../src/bot/runtime';
import { loadConfig } from '../src/common/config';
import { createLogger } from '../src/common/logger';
import { noStepMetrics } from '../src/common/metrics';
import { InProcessDispatcher, InProcessTimers } from '../src/local/in-process';
import { startMoto, useMotoInThisProcess } from '../src/local/moto';
import { awsDataPorts } from '../src/pipeline/adapters/aws-ports';
import { createStateTable } from '../src/pipeline/adapters/dynamodb/state-table';
import { LambdaDispatcher } from '../src/pipeline/adapters/lambda-dispatcher';
import { closeQuota } from '../src/pipeline/close-quota';
import { combineNotifiers, loggingNotifier } from '../src/pipeline/notifiers';
import { pipelineStepHandlers } from '../src/pipeline/pipeline-worker';
import { Runner } from '../src/pipeline/runner';
import { ACTION } from '../src/slack/ids';
import { createSlackNotifier } from '../src/slack/notifier';
import { apiGatewayV2Event } from '../test/bot/support/bot-harness';
import { FakeRootAccess } from '../test/support/fakes';
import { startLambdaCapture } from '../test/support/lambda-capture';
import { buildOrganization } from '../test/support/organization';
import { percentile } from './support/stats';

const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 1000);
const WARMUP = 50;
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 9);
const BUTTON_COMMANDS = Number(process.env.BENCH_BUTTON_COMMANDS ?? 20);
const BUTTON_WARMUP = 3;
// Commands rotate over channels so that Slack's one-message-per-second-per-channel pacing (a property of
// Slack, not of the handler) does not become what is measured.
const CHANNELS = 50;
const SECRET = 'bench-signing-secret';
const TOKEN = 'xoxb-bench';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BOT_ENV = {
  AWS_REGION: 'us-east-1',
  TEARDOWN_REQUESTERS: 'UBENCHREQ',
  TEARDOWN_APPROVERS: 'UBENCHAPP',
  PIPELINE_FUNCTION_NAME: 'sandbox-teardown-pipeline',
  PIPELINE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:sandbox-teardown-pipeline',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler-invokes-pipeline',
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_BOT_TOKEN: TOKEN,
};

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

type BotHandler = ReturnType<typeof createLambdaHandler>;

/** The Slack simulator, delivering to the bot's Lambda handler (wired once the simulator's URL is known). */
function simDeliveringTo(handler: () => BotHandler | undefined) {
  return startSlackSim({
    signingSecret: SECRET,
    botToken: TOKEN,
    deliver: async (req) => {
      const handle = handler();
      if (!handle) throw new Error('the bot is not wired yet');
      const res = await handle(apiGatewayV2Event(req), {});
      return { status: res.statusCode, headers: res.headers ?? {}, body: res.body };
    },
  });
}

/** Module-load time of an ESM file in a fresh node process, in ms. */
function loadTime(file: string, env: Record<string, string>): number {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return Number(out.trim().split('\n').at(-1));
}

// 1. Cold start, measured first while nothing else runs on the machine. Both are bundled by the project's bundler.
const outdir = await mkdtemp(join(tmpdir(), 'bench-bot-'));
const [botBundle] = await bundleLambdas(outdir, ['bot']);
if (!botBundle) throw new Error('no bot bundle');
const bare = await bundleEntry(join(root, 'bench', 'support', 'bare-bolt.ts'), join(outdir, 'bare'));
const bareFile = bare.file;
// Bundled with the bot's own stand-ins (`bundleEntry(…, 'bot')`), as the bot Lambda is.
const trimmed = await bundleEntry(
  join(root, 'bench', 'support', 'bare-lambda-bolt.ts'),
  join(outdir, 'trimmed'),
  'bot',
);
const coldEnv = {
  ...BOT_ENV,
  TEARDOWN_TABLE: 'bench-cold',
  TEARDOWN_ALLOWED_OUS: 'ou-abcd-12345678',
  SLACK_API_URL: 'http://127.0.0.1:9/api/',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};
const botLoads: number[] = [];
const bareLoads: number[] = [];
const trimmedLoads: number[] = [];
loadTime(botBundle.file, coldEnv);
loadTime(bareFile, coldEnv);
loadTime(trimmed.file, coldEnv);
for (let run = 0; run < COLD_RUNS; run++) {
  // Interleaved, so drift of the machine affects all alike.
  botLoads.push(loadTime(botBundle.file, coldEnv));
  bareLoads.push(loadTime(bareFile, coldEnv));
  trimmedLoads.push(loadTime(trimmed.file, coldEnv));
}
const botInit = median(botLoads);
const bareInit = median(bareLoads);
const trimmedInit = median(trimmedLoads);

const moto = await startMoto();
useMotoInThisProcess(moto);
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
const capture = await startLambdaCapture();
process.env.AWS_ENDPOINT_URL_LAMBDA = capture.endpoint;
try {
  const dynamodb = new DynamoDBClient({});
  const organizations = new OrganizationsClient({});
  const org = await buildOrganization(organizations);
  const tableName = `bench-bot-${randomUUID().slice(0, 8)}`;
  await createStateTable(dynamodb, tableName);
  const env = { ...BOT_ENV, TEARDOWN_TABLE: tableName, TEARDOWN_ALLOWED_OUS: org.ous.sandbox };
  const config = loadConfig(env);
  const logger = createLogger('bench', { logLevel: 'ERROR' });

  // 2. Warm acks: the handler as lambda.ts wires it, with Invoke going to a loopback stand-in of Lambda.
  let handler: BotHandler | undefined;
  const sim = await simDeliveringTo(() => handler);
  const timers = new InProcessTimers(async () => {}, { clock: Date.now, realTime: false });
  const bot = createBotRuntime({
    config,
    slack: { botToken: TOKEN, apiUrl: sim.apiUrl },
    ports: awsDataPorts({ dynamodb, organizations, tableName }),
    dispatcher: new LambdaDispatcher(new LambdaClient({}), {
      pipeline: env.PIPELINE_FUNCTION_NAME,
      browser: undefined,
    }),
    timers,
    logger,
  });
  handler = createLambdaHandler(bot, SECRET);
  // moto's TransactWriteItems deep-copies the whole table, so its cost grows with every item written; real
  // DynamoDB's does not. Between commands (not measured) the table is emptied, so each command meets the same
  // small table, as it would in production.
  const doc = DynamoDBDocumentClient.from(dynamodb);
  const emptyTable = async () => {
    const { Items = [] } = await doc.send(
      new ScanCommand({ TableName: tableName, ProjectionExpression: 'pk, sk' }),
    );
    for (let i = 0; i < Items.length; i += 25) {
      await doc.send(
        new BatchWriteCommand({
          RequestItems: { [tableName]: Items.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) },
        }),
      );
    }
  };
  const accounts = [
    org.accounts.sandbox1,
    org.accounts.sandbox2,
    org.accounts.teamA,
    org.accounts.optOutSandbox,
  ];
  const acks: number[] = [];
  let failures = 0;
  for (let i = 0; i < WARMUP + COMMANDS; i++) {
    const account = accounts[i % accounts.length]!;
    const res = await sim.sendSlashCommand({
      command: '/sandbox',
      text: `delete ${account.id} bench run ${i}`,
      userId: 'UBENCHREQ',
      channelId: `C0BENCH${String(i % CHANNELS).padStart(3, '0')}`,
    });
    if (res.status !== 200 || !res.body.includes('requested')) failures++;
    if (i >= WARMUP) acks.push(res.elapsedMs);
    await emptyTable();
    sim.reset();
  }
  acks.sort((a, b) => a - b);
  await bot.queue.idle();
  await sim.close();

  // 3. Buttons: preflight and the approval step run in this process; the clock runs from the command's sending
  // until the request message's rewrite with the Approve button reaches Slack.
  const buttons = async (wiring: 'deployed' | 'local-stack'): Promise<number[]> => {
    let handle: BotHandler | undefined;
    const slackSim = await simDeliveringTo(() => handle);
    const slack = { botToken: TOKEN, apiUrl: slackSim.apiUrl };
    const dispatcher = new InProcessDispatcher();
    // Deadlines never fire here: every teardown stays waiting for its approver until the table is emptied.
    const deadlines = new InProcessTimers(async () => {}, { clock: Date.now, realTime: false });
    // As deployed, the pipeline worker shows the transitions with a Slack queue of its own; the local stack's
    // single runtime shares one queue between the bot's request message and the pipeline's thread.
    const ports = awsDataPorts({ dynamodb, organizations, tableName });
    const workerNotifier =
      wiring === 'deployed'
        ? createSlackNotifier({
            slack,
            store: ports.teardowns,
            quota: () => closeQuota(ports.ledger, ports.orgs, Date.now()),
            logger,
          })
        : undefined;
    const handlers = pipelineStepHandlers({ ...ports, rootAccess: new FakeRootAccess() });
    const runtime = createBotRuntime({
      config,
      slack,
      ports,
      dispatcher,
      timers: deadlines,
      logger,
      // The local stack runs the pipeline's steps in the bot's process.
      ...(workerNotifier ? { notifier: workerNotifier } : { handlers }),
    });
    const worker = workerNotifier
      ? new Runner({
          ...ports,
          config,
          dispatcher,
          timers: deadlines,
          notifier: combineNotifiers(loggingNotifier(logger), workerNotifier),
          logger,
          metrics: noStepMetrics,
          handlers,
          workerId: 'bench-pipeline',
        })
      : runtime.runner;
    dispatcher.connect((w, { accountId }) => worker.advance(accountId, w));
    handle = createLambdaHandler(runtime, SECRET);
    const latencies: number[] = [];
    try {
      for (let i = 0; i < BUTTON_WARMUP + BUTTON_COMMANDS; i++) {
        const channel = `C0BUTTONS${String(i).padStart(3, '0')}`;
        const account = accounts[i % accounts.length]!;
        const started = performance.now();
        const shown = slackSim.waitFor(
          (s) =>
            s
              .callsTo('chat.update')
              .find(
                (c) =>
                  c.ok &&
                  c.args.channel === channel &&
                  c.args.ts === s.messages(channel)[0]?.ts &&
                  JSON.stringify(c.args.blocks).includes(ACTION.approve),
              ),
          { timeoutMs: 30_000, description: `the Approve button in ${channel}` },
        );
        const res = await slackSim.sendSlashCommand({
          command: '/sandbox',
          text: `delete ${account.id} buttons run ${i}`,
          userId: 'UBENCHREQ',
          channelId: channel,
        });
        if (res.status !== 200 || !res.body.includes('requested')) {
          throw new Error(`command ${i} was not accepted: ${res.status} ${res.body}`);
        }
        await shown;
        if (i >= BUTTON_WARMUP) latencies.push(performance.now() - started);
        await dispatcher.idle();
        await workerNotifier?.settled();
        await runtime.queue.idle();
        await emptyTable();
        slackSim.reset();
      }
    } finally {
      deadlines.stop();
      await slackSim.close();
    }
    return latencies.sort((a, b) => a - b);
  };
  const deployed = await buttons('deployed');
  const local = await buttons('local-stack');

  console.log(
    `commands=${COMMANDS} ack_ms_p50=${percentile(acks, 50).toFixed(1)} ack_ms_p99=${percentile(acks, 99).toFixed(1)} ` +
      `ack_ms_max=${(acks.at(-1) ?? Number.NaN).toFixed(1)} failed=${failures}`,
  );
  console.log(
    `cold_init_ratio=${(botInit / bareInit).toFixed(2)} bot_init_ms=${botInit.toFixed(1)} ` +
      `bare_bolt_init_ms=${bareInit.toFixed(1)} bundle_bytes=${botBundle.bytes} ` +
      `bare_bolt_bundle_bytes=${bare.bytes}`,
  );
  console.log(
    `cold_init_ratio_same_bolt=${(botInit / trimmedInit).toFixed(2)} ` +
      `bare_lambda_bolt_init_ms=${trimmedInit.toFixed(1)} bare_lambda_bolt_bundle_bytes=${trimmed.bytes}`,
  );
  const ms = (sorted: number[], p: number) => percentile(sorted, p).toFixed(1);
  console.log(
    `buttons_commands=${BUTTON_COMMANDS} buttons_ms_p50=${ms(deployed, 50)} buttons_ms_p99=${ms(deployed, 99)} ` +
      `local_stack_buttons_ms_p50=${ms(local, 50)} local_stack_buttons_ms_p99=${ms(local, 99)}`,
  );
  if (failures > 0) process.exitCode = 1;
} finally {
  await capture.stop();
  await moto.stop();
}
