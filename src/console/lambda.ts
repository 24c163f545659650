import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type LambdaContext, withInvocationContext } from '../common/logger';
import { traced, traceInvocation } from '../common/tracing';
import { eventKeys } from '../pipeline/event-handler';
import { workerBase, workerRunner } from '../pipeline/lambda-worker';
import { leftoversNotifier } from '../pipeline/notifiers';
import { teardownCleaners } from '../pipeline/steps/cleanup';
import { SlackCaptchaPrompter } from '../slack/captcha-prompter';
import { SlackPhonePrompter } from '../slack/phone-prompter';
import { secretsManagerReader } from '../slack/secrets';
import { S3Artifacts } from './adapters/s3-artifacts';
import { SecretsManagerPaymentCards } from './adapters/secrets-manager-payment-card';
import { SecretsManagerRootCredentials } from './adapters/secrets-manager-root-credentials';
import { SecretsManagerSealedValues } from './adapters/secrets-manager-sealed-values';
import { SecretsManagerSessionStore, sessionCleaner } from './adapters/secrets-manager-session-store';
import { handleBrowserEvent } from './browser-events';
import { browserStepHandlers } from './browser-steps';
import { twoCaptchaSolverFromEnv } from './captcha/two-captcha';
import { launchChromium, simulatorMode } from './chromium';
import { captchaSettingsOf, loadConsoleSettings } from './settings';

// The composition root of the browser Lambda: one browser step per invocation, everything else wired here.

/** Time a step keeps, before the invocation's end, to save its outcome and post it. */
const MARGIN_MS = 90_000;
/** When the current invocation must stop waiting (for people): set from Lambda's context per invocation. */
let stopBy: number | undefined;

const settings = loadConsoleSettings();
// Simulator mode is checked at start: a half-set pair of variables is a configuration error, not a surprise later.
simulatorMode();
const base = await workerBase('browser');
const { config, logger, ports, outbox } = base;
const secrets = traced(new SecretsManagerClient({ region: config.region }));
const secretOptions = {
  prefix: settings.secretPrefix,
  ...(settings.kmsKeyId ? { kmsKeyId: settings.kmsKeyId } : {}),
};
const artifacts = new S3Artifacts(traced(new S3Client({ region: config.region })), settings.artifactsBucket);
const sessions = new SecretsManagerSessionStore(secrets, secretOptions);
const sealed = new SecretsManagerSealedValues(secrets, secretOptions);
const handlers = browserStepHandlers({
  launch: () => launchChromium(),
  artifacts,
  sessions,
  credentials: new SecretsManagerRootCredentials(secrets, secretOptions),
  sealed,
  captcha: {
    ...(settings.twoCaptchaSecret
      ? { solver: twoCaptchaSolverFromEnv(process.env, secretsManagerReader(), { logger }) }
      : {}),
    challenges: ports.captchaChallenges,
    // The browser keeps the CAPTCHA's page open while people answer: it posts the prompt itself.
    prompter: new SlackCaptchaPrompter({ outbox, logger }),
    settings: captchaSettingsOf(settings),
  },
  settings: { pageTimeoutMs: settings.pageTimeoutMs },
  stopBy: () => stopBy,
  cards: new SecretsManagerPaymentCards(secrets, settings.paymentCardSecret),
  phone: {
    lines: settings.phoneLines,
    leases: ports.phoneLines,
    // A person's own phone: they are asked in the thread (Show PIN / Enter code).
    prompter: new SlackPhonePrompter({ outbox, logger }),
    settings: settings.phone,
  },
});
// A teardown this worker ends (its step failed for good) leaves nothing behind, as cleanup would take it.
const leftovers = leftoversNotifier({
  cleaners: teardownCleaners({
    cleaners: [sessionCleaner(sessions), ({ teardown }) => sealed.dropAll(teardown)],
    phoneLines: ports.phoneLines,
    timers: base.handOff.timers,
  }),
  config,
  logger,
});
const { runner, slackNotifier } = workerRunner('browser', base, handlers, { notifiers: [leftovers] });

export async function handler(event: unknown, context?: LambdaContext): Promise<unknown> {
  stopBy = context ? Date.now() + context.getRemainingTimeInMillis() - MARGIN_MS : undefined;
  const keys = eventKeys(event);
  return traceInvocation(keys, () =>
    withInvocationContext(logger, context, keys, async () => {
      try {
        return await handleBrowserEvent(runner, event, logger);
      } finally {
        // Lambda freezes the container once the handler returns: every message must be in Slack by then.
        await slackNotifier.settled();
      }
    }),
  );
}
