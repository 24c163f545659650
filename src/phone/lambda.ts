import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '../common/config';
import { createLogger, type LambdaContext, withInvocationContext } from '../common/logger';
import { startTracing, traced, traceInvocation } from '../common/tracing';
import { DynamoPhoneLineLeases } from '../pipeline/adapters/dynamodb/phone-line-leases';
import { StateTable } from '../pipeline/adapters/dynamodb/table';
import type { SlackNotifier } from '../slack/notifier';
import { handlePhoneEvent } from './handler';
import type { InboundSmsDeps } from './inbound-sms';
import { loadPhoneSettings } from './settings';

// The composition root of the phone Lambda. Amazon Connect asks it what to play on a call (8 s to answer: only
// the lease table is set up for that); SNS brings it text messages, for which the runner is built on first use.
const config = loadConfig();
const settings = loadPhoneSettings();
const logger = createLogger('phone');
await startTracing('phone');
const leases = new DynamoPhoneLineLeases(
  new StateTable(
    // Short timeouts: a slow attempt is retried well inside Connect's 8 s.
    traced(
      new DynamoDBClient({
        region: config.region,
        maxAttempts: 3,
        requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
      }),
    ),
    config.tableName,
  ),
);

let smsWiring: Promise<{ deps: InboundSmsDeps; slackNotifier: SlackNotifier }> | undefined;
async function wireSms(): Promise<{ deps: InboundSmsDeps; slackNotifier: SlackNotifier }> {
  // Loaded on the first message only (its own chunk): a call's cold start parses none of it.
  const [
    { workerBase, workerRunner },
    { SecretsManagerClient },
    { SecretsManagerSealedValues },
    { loadSecretPrefix },
  ] = await Promise.all([
    import('../pipeline/lambda-worker'),
    import('@aws-sdk/client-secrets-manager'),
    import('../console/adapters/secrets-manager-sealed-values'),
    import('../console/settings'),
  ]);
  const base = await workerBase('phone');
  const { runner, slackNotifier } = workerRunner('phone', base);
  const { ports } = base;
  const kmsKeyId = process.env.SECRETS_KMS_KEY_ID?.trim();
  const sealed = new SecretsManagerSealedValues(traced(new SecretsManagerClient({ region: config.region })), {
    prefix: loadSecretPrefix(),
    ...(kmsKeyId ? { kmsKeyId } : {}),
  });
  return {
    deps: {
      phoneLines: ports.phoneLines,
      teardowns: ports.teardowns,
      idempotency: ports.idempotency,
      runner,
      sealed,
      logger,
    },
    slackNotifier,
  };
}
const smsDeps = () => {
  smsWiring ??= wireSms().catch((error: unknown) => {
    smsWiring = undefined;
    throw error;
  });
  return smsWiring;
};

const deps = {
  contactFlow: { phoneLines: leases, digitAudio: settings.digitAudio, lines: settings.lines, logger },
  sms: async () => (await smsDeps()).deps,
  logger,
};

export async function handler(event: unknown, context?: LambdaContext): Promise<unknown> {
  // Calls and text messages name no teardown: the line's lease does (see annotateTeardown in common/tracing).
  return traceInvocation({}, () =>
    withInvocationContext(logger, context, {}, async () => {
      try {
        return await handlePhoneEvent(deps, event);
      } finally {
        // "Code received" must be in Slack before Lambda freezes the container.
        if (smsWiring) await (await smsWiring.catch(() => undefined))?.slackNotifier.settled();
      }
    }),
  );
}
