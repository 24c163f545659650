import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig, loadLambdaWiring } from '../common/config';
import { createStepMetrics } from '../common/emf-metrics';
import { createLogger, type LambdaContext, withInvocationContext } from '../common/logger';
import { awsDataPorts } from '../pipeline/adapters/aws-ports';
import { lambdaHandOff } from '../pipeline/adapters/lambda-hand-off';
import { eventKeys } from '../pipeline/event-handler';
import { combineNotifiers, loggingNotifier } from '../pipeline/notifiers';
import { Runner } from '../pipeline/runner';
import { SlackCaptchaPrompter } from '../slack/captcha-prompter';
import { createSlackNotifier } from '../slack/notifier';
import { createSlackOutbox } from '../slack/outbox';
import { secretsManagerReader } from '../slack/secrets';
import { loadPostingSettings } from '../slack/settings';
import { S3Artifacts } from './adapters/s3-artifacts';
import { SecretsManagerRootCredentials } from './adapters/secrets-manager-root-credentials';
import { SecretsManagerSessionStore } from './adapters/secrets-manager-session-store';
import { handleBrowserEvent } from './browser-events';
import { browserStepHandlers } from './browser-steps';
import { twoCaptchaSolverFromEnv } from './captcha/two-captcha';
import { launchChromium, simulatorMode } from './chromium';
import { loadConsoleSettings } from './settings';

// The composition root of the browser Lambda: one browser step per invocation, everything else wired here.

/** Time a step keeps, before the invocation's end, to save its outcome and post it. */
const MARGIN_MS = 90_000;
/** When the current invocation must stop waiting (for people): set from Lambda's context per invocation. */
let stopBy: number | undefined;
const config = loadConfig();
const settings = loadConsoleSettings();
const wiring = loadLambdaWiring();
// Simulator mode is checked at start: a half-set pair of variables is a configuration error, not a surprise later.
simulatorMode();
const slack = await loadPostingSettings(process.env, secretsManagerReader());
const logger = createLogger('browser');
const ports = awsDataPorts({
  dynamodb: new DynamoDBClient({ region: config.region }),
  organizations: new OrganizationsClient({ region: config.region }),
  tableName: config.tableName,
});
const secrets = new SecretsManagerClient({ region: config.region });
const secretOptions = {
  prefix: settings.secretPrefix,
  ...(settings.kmsKeyId ? { kmsKeyId: settings.kmsKeyId } : {}),
};
const artifacts = new S3Artifacts(new S3Client({ region: config.region }), settings.artifactsBucket);
const { dispatcher, timers } = lambdaHandOff(wiring, config.region);
const outbox = createSlackOutbox(slack, { logger });
const slackNotifier = createSlackNotifier({ outbox, store: ports.teardowns, logger });
const runner = new Runner({
  ...ports,
  config,
  dispatcher,
  timers,
  notifier: combineNotifiers(loggingNotifier(logger), slackNotifier),
  logger,
  metrics: createStepMetrics(),
  handlers: browserStepHandlers({
    launch: () => launchChromium(),
    artifacts,
    sessions: new SecretsManagerSessionStore(secrets, secretOptions),
    credentials: new SecretsManagerRootCredentials(secrets, secretOptions),
    captcha: {
      ...(settings.twoCaptchaSecret
        ? { solver: twoCaptchaSolverFromEnv(process.env, secretsManagerReader(), { logger }) }
        : {}),
      challenges: ports.captchaChallenges,
      prompter: new SlackCaptchaPrompter({ outbox, logger }),
      settings: {
        solverAttempts: settings.solverAttempts,
        solverTimeoutMs: settings.solverTimeoutMs,
        humanWaitMs: settings.humanCaptchaWaitMs,
        humanPollMs: settings.humanPollMs,
        verdictTimeoutMs: settings.pageTimeoutMs,
      },
    },
    settings: { pageTimeoutMs: settings.pageTimeoutMs },
    stopBy: () => stopBy,
  }),
  workerId: `browser-${randomUUID().slice(0, 8)}`,
});

export async function handler(event: unknown, context?: LambdaContext): Promise<unknown> {
  stopBy = context ? Date.now() + context.getRemainingTimeInMillis() - MARGIN_MS : undefined;
  return withInvocationContext(logger, context, eventKeys(event), async () => {
    try {
      return await handleBrowserEvent(runner, event, logger);
    } finally {
      // Lambda freezes the container once the handler returns: every message must be in Slack by then.
      await slackNotifier.settled();
    }
  });
}
