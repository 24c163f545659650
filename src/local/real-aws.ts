import { setTimeout as sleep } from 'node:timers/promises';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { deployedBotRuntime } from '../bot/deployed-runtime';
import { startLocalBot } from '../bot/local';
import { loadConfig, loadLambdaWiring } from '../common/config';
import { createLogger } from '../common/logger';
import { loadSlackSettings } from '../slack/settings';

type Env = Record<string, string | undefined>;

/** How long the warning stands before anything connects (Ctrl-C meanwhile changes nothing). */
const DEFAULT_PAUSE_MS = 10_000;

/**
 * `npm start -- --real-aws`: the bot on this machine, in a real workspace by Socket Mode, in front of a real
 * deployment (its table, pipeline and browser functions, from the deployment's variables). Nothing here is
 * simulated: approved requests close or remove real accounts. So it needs a real workspace and real credentials,
 * and says so loudly, with the account it acts in, before it connects.
 */
export async function startRealAwsBot(options: {
  env: Env;
  warn: (line: string) => void;
  pauseMs?: number;
  /** Aborts during the warning's pause: nothing has connected yet. */
  signal?: AbortSignal;
  /** Who AWS says the credentials are; by default STS in the configured region. */
  sts?: STSClient;
}): Promise<{ describe: string; stop(): Promise<void> }> {
  const { env } = options;
  if (!env.SLACK_APP_TOKEN?.trim()) {
    throw new Error(
      '--real-aws runs the bot in your real workspace: set SLACK_APP_TOKEN, SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (Socket Mode).',
    );
  }
  const pointedElsewhere = Object.keys(env).filter(
    (name) => name.startsWith('AWS_ENDPOINT_URL') && env[name],
  );
  if (pointedElsewhere.length > 0) {
    throw new Error(`--real-aws means real AWS: unset ${pointedElsewhere.join(', ')} first.`);
  }
  // Every setting is checked before AWS is asked anything.
  const config = loadConfig(env);
  const wiring = loadLambdaWiring(env);
  const slack = await loadSlackSettings(env);
  const identity = await (options.sts ?? new STSClient({ region: config.region }))
    .send(new GetCallerIdentityCommand({}))
    .catch((error: unknown) => {
      throw new Error(
        `--real-aws needs real AWS credentials, and none worked: ${error instanceof Error ? error.message : error}`,
      );
    });
  const describe = `AWS account ${identity.Account} (${config.region}, pipeline ${wiring.pipelineFunctionName})`;
  const banner = '!'.repeat(78);
  for (const line of [
    banner,
    '!!  REAL AWS. Nothing is simulated from here on.',
    `!!  Credentials: ${identity.Arn}`,
    `!!  Deployment:  table ${config.tableName}, pipeline ${wiring.pipelineFunctionName}, in ${config.region}`,
    `!!  Accounts under ${config.allowedParentIds.join(', ')} that two people approve WILL BE CLOSED OR REMOVED.`,
    `!!  Connecting in ${Math.round((options.pauseMs ?? DEFAULT_PAUSE_MS) / 1000)} s; Ctrl-C now to stop.`,
    banner,
  ]) {
    options.warn(line);
  }
  await sleep(options.pauseMs ?? DEFAULT_PAUSE_MS, undefined, { signal: options.signal }).catch(() => {
    throw new Error('--real-aws stopped during the warning: nothing connected');
  });
  const logger = createLogger('local-real-aws', { logLevel: env.POWERTOOLS_LOG_LEVEL ?? 'INFO' });
  const runtime = deployedBotRuntime({ config, wiring, slack, logger });
  const bot = await startLocalBot({
    ...runtime,
    port: 0,
    signingSecret: slack.signingSecret,
    appToken: env.SLACK_APP_TOKEN.trim(),
  });
  return { describe, stop: bot.stop };
}
