import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LambdaContext } from '../common/logger';
import { withInvocationContext } from '../common/logger';
import { SecretsManagerSealedValues } from '../console/adapters/secrets-manager-sealed-values';
import {
  SecretsManagerSessionStore,
  sessionCleaner,
} from '../console/adapters/secrets-manager-session-store';
import { loadSecretPrefix } from '../console/settings';
import { RootAccessGateway } from './adapters/root-access-gateway';
import { closeQuota } from './close-quota';
import { eventKeys, handlePipelineEvent } from './event-handler';
import { workerBase, workerRunner } from './lambda-worker';
import { pipelineStepHandlers } from './pipeline-worker';

// The composition root of the pipeline Lambda: every adapter is built here, once per container.
const base = await workerBase('pipeline');
const { config, logger, ports } = base;
const secrets = new SecretsManagerClient({ region: config.region });
const prefix = loadSecretPrefix();
const sealed = new SecretsManagerSealedValues(secrets, { prefix });
const handlers = pipelineStepHandlers({
  ...ports,
  rootAccess: new RootAccessGateway(config.region),
  // The browser worker's saved root sessions and any mailed link or code go with the teardown; root passwords and
  // MFA keys stay.
  cleaners: [
    sessionCleaner(new SecretsManagerSessionStore(secrets, { prefix })),
    ({ teardown }) => sealed.dropAll(teardown),
  ],
});
const { runner, slackNotifier } = workerRunner('pipeline', base, handlers, {
  // The request message shows the close quota while it waits for an approver.
  quota: () => closeQuota(ports.ledger, ports.orgs, Date.now()),
});

export async function handler(event: unknown, context?: LambdaContext): Promise<unknown> {
  return withInvocationContext(logger, context, eventKeys(event), async () => {
    try {
      return await handlePipelineEvent(runner, event, logger, slackNotifier);
    } finally {
      // Lambda freezes the container once the handler returns: every message must be in Slack by then.
      await slackNotifier.settled();
    }
  });
}
