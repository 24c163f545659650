import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createBotRuntime } from '../bot/runtime';
import type { Config } from '../common/config';
import { S3Artifacts } from '../console/adapters/s3-artifacts';
import { SecretsManagerPaymentCards } from '../console/adapters/secrets-manager-payment-card';
import { SecretsManagerRootCredentials } from '../console/adapters/secrets-manager-root-credentials';
import { SecretsManagerSealedValues } from '../console/adapters/secrets-manager-sealed-values';
import {
  SecretsManagerSessionStore,
  sessionCleaner,
} from '../console/adapters/secrets-manager-session-store';
import { browserStepHandlers } from '../console/browser-steps';
import { TwoCaptchaSolver } from '../console/captcha/two-captcha';
import { type ConsoleSettings, captchaSettingsOf } from '../console/settings';
import { BrowserTurns } from '../console/turns';
import { S3MailObjects } from '../mail/adapters/s3-mail-objects';
import type { MailSettings } from '../mail/classify';
import type { MailIntakeDeps } from '../mail/intake';
import type { handlePhoneEvent } from '../phone/handler';
import { leftoversNotifier } from '../pipeline/notifiers';
import { pipelineStepHandlers } from '../pipeline/pipeline-worker';
import type { DataPorts } from '../pipeline/ports/data-ports';
import type { RootAccess } from '../pipeline/ports/root-access';
import type { StepContext } from '../pipeline/step-handler';
import { forgetRootCredentials, teardownCleaners } from '../pipeline/steps/cleanup';
import { SlackCaptchaPrompter } from '../slack/captcha-prompter';
import { createSlackOutbox } from '../slack/outbox';
import { SlackPhonePrompter } from '../slack/phone-prompter';
import type { SlackSettings } from '../slack/settings';
import { InProcessDispatcher, InProcessTimers } from './in-process';
import type { OutsideWorld } from './outside-world';
import type { SharedChromium } from './shared-chromium';

/** How long stopping waits for steps in flight to save their outcome. */
const STOP_GRACE_MS = 5_000;

type PhoneHandlerDeps = Parameters<typeof handlePhoneEvent>[0];

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

/**
 * The bot's runtime with every worker in this process, wired as their Lambdas wire them: the pipeline's steps,
 * the browser's (one shared Chromium whose steps take turns, the simulators by the two simulator-mode variables),
 * cleanup with the browser's secret stores, and the retention timers.
 */
export function startLocalWorkers(deps: {
  config: Config;
  ports: DataPorts;
  slack: Pick<SlackSettings, 'botToken' | 'apiUrl'>;
  logger: Logger;
  chromium: SharedChromium;
  world: OutsideWorld;
  s3: S3Client;
  secrets: SecretsManagerClient;
  artifactsBucket: string;
  consoleSettings: ConsoleSettings;
  /** How many browser steps work at once (the others wait their turn; console/turns.ts). */
  turns: number;
  mailSettings: MailSettings;
  /** Our lines' numbers (people's own phones excluded) and the audio the contact flow plays for each digit. */
  ours: readonly string[];
  digitAudio: (digit: string) => string;
}) {
  const { config, ports, logger, consoleSettings: settings } = deps;
  const secretOptions = { prefix: settings.secretPrefix };
  const sessions = new SecretsManagerSessionStore(deps.secrets, secretOptions);
  const sealed = new SecretsManagerSealedValues(deps.secrets, secretOptions);
  const credentials = new SecretsManagerRootCredentials(deps.secrets, secretOptions);
  // The browser worker posts its own prompts (it keeps the page open meanwhile), through an outbox of its own.
  const outbox = createSlackOutbox(deps.slack, { logger });
  const browserHandlers = browserStepHandlers({
    launch: deps.chromium.launch,
    artifacts: new S3Artifacts(deps.s3, deps.artifactsBucket),
    sessions,
    credentials,
    sealed,
    captcha: {
      solver: new TwoCaptchaSolver({
        baseUrl: deps.world.captcha.url,
        apiKey: deps.world.captchaKey,
        // The simulated service is ours: asked four times a second rather than every 5 s (2captcha's request), so
        // a solve takes the time its knob sets, not that rounded up to the next poll.
        pollIntervalMs: 250,
        firstPollAfterMs: 250,
        logger,
      }),
      challenges: ports.captchaChallenges,
      prompter: new SlackCaptchaPrompter({ outbox, logger }),
      settings: captchaSettingsOf(settings),
    },
    settings: { pageTimeoutMs: settings.pageTimeoutMs },
    cards: new SecretsManagerPaymentCards(deps.secrets, settings.paymentCardSecret),
    phone: {
      lines: settings.phoneLines,
      leases: ports.phoneLines,
      prompter: new SlackPhonePrompter({ outbox, logger }),
      settings: settings.phone,
    },
    turns: new BrowserTurns(deps.turns),
  });
  const dispatcher = new InProcessDispatcher(['pipeline', 'browser']);
  const timers = new InProcessTimers(
    async (timer) => {
      if (timer.action === 'forget-root-credentials') {
        return forgetRootCredentials({ teardowns: ports.teardowns, credentials, timers, logger }, timer);
      }
      return runtime.runner.advance(timer.accountId);
    },
    { clock: Date.now, realTime: true },
  );
  const stepPorts = {
    ...ports,
    rootAccess: NO_CENTRALIZED_ROOT_ACCESS,
    timers,
    cleaners: [sessionCleaner(sessions), ({ teardown }: StepContext) => sealed.dropAll(teardown)],
  };
  const runtime = createBotRuntime({
    config,
    slack: deps.slack,
    ports,
    handlers: { ...browserHandlers, ...pipelineStepHandlers(stepPorts) },
    dispatcher,
    timers,
    logger,
    phoneLines: settings.phoneLines,
    // A remove teardown that ends without succeeding leaves nothing behind either (as the Lambdas clean it).
    notifiers: [leftoversNotifier({ cleaners: teardownCleaners(stepPorts), config, logger })],
  });
  dispatcher.connect((worker, { accountId }) => runtime.runner.advance(accountId, worker));
  // The sweeper, as the deployed schedule runs it: resumes anything a lost hand-off left behind.
  const sweeper = setInterval(() => void runtime.runner.sweep().catch(() => {}), 60_000);
  sweeper.unref();
  const phone: PhoneHandlerDeps = {
    contactFlow: { phoneLines: ports.phoneLines, digitAudio: deps.digitAudio, lines: deps.ours, logger },
    sms: async () => ({
      phoneLines: ports.phoneLines,
      teardowns: ports.teardowns,
      idempotency: ports.idempotency,
      runner: runtime.runner,
      sealed,
      logger,
    }),
    logger,
  };
  const mail: MailIntakeDeps = {
    objects: new S3MailObjects(deps.s3),
    teardowns: ports.teardowns,
    idempotency: ports.idempotency,
    sealed,
    runner: runtime.runner,
    settings: deps.mailSettings,
    logger,
  };
  return {
    runtime,
    /** What the phone Lambda's handler gets (calls through the contact flow, and texts). */
    phone,
    /** What the mail Lambda's handler gets. */
    mail,
    /**
     * Stops timers and the sweeper, closes Chromium (a step waiting for a person ends at once, as a Lambda's
     * would at its timeout), then gives the steps in flight a moment to save how they ended.
     */
    async stop() {
      clearInterval(sweeper);
      timers.stop();
      await deps.chromium.stop();
      const grace = new AbortController();
      await Promise.race([
        dispatcher.idle(),
        sleep(STOP_GRACE_MS, undefined, { signal: grace.signal }),
      ]).catch(() => undefined);
      // A grace not used up keeps no timer running.
      grace.abort();
    },
  };
}
