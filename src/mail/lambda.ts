import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { type LambdaContext, withInvocationContext } from '../common/logger';
import { traced, traceInvocation } from '../common/tracing';
import { SecretsManagerSealedValues } from '../console/adapters/secrets-manager-sealed-values';
import { loadSecretPrefix } from '../console/settings';
import { workerBase, workerRunner } from '../pipeline/lambda-worker';
import { S3MailObjects } from './adapters/s3-mail-objects';
import { SesForwarder } from './adapters/ses-forwarder';
import { loadMailSettings } from './classify';
import { handleMailEvent } from './handler';

// The composition root of the mail Lambda: S3 tells it where SES stored a message; it resumes the teardown
// that waits for it.
const settings = loadMailSettings();
const base = await workerBase('mail');
const { config, logger, ports } = base;
const { runner, slackNotifier } = workerRunner('mail', base);
const forwardTo = process.env.MAIL_FORWARD_TO?.trim();
const forwardFrom = process.env.MAIL_FORWARD_FROM?.trim();
const deps = {
  objects: new S3MailObjects(traced(new S3Client({ region: config.region }))),
  teardowns: ports.teardowns,
  idempotency: ports.idempotency,
  sealed: new SecretsManagerSealedValues(traced(new SecretsManagerClient({ region: config.region })), {
    prefix: loadSecretPrefix(),
  }),
  runner,
  settings,
  ...(forwardTo && forwardFrom
    ? {
        forwarder: new SesForwarder(traced(new SESClient({ region: config.region })), {
          from: forwardFrom,
          to: forwardTo,
        }),
      }
    : {}),
  logger,
};

export async function handler(event: unknown, context?: LambdaContext): Promise<unknown> {
  // An S3 event names no teardown: the message is read first (see annotateTeardown in common/tracing).
  return traceInvocation({}, () =>
    withInvocationContext(logger, context, {}, async () => {
      try {
        return await handleMailEvent(deps, event, logger);
      } finally {
        // The thread's "reset mail received" must be in Slack before Lambda freezes the container.
        await slackNotifier.settled();
      }
    }),
  );
}
