import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig, loadLambdaWiring } from '../common/config';
import { createStepMetrics } from '../common/emf-metrics';
import { createLogger, type LambdaContext, withInvocationContext } from '../common/logger';
import {
  SecretsManagerSessionStore,
  sessionCleaner,
} from '../console/adapters/secrets-manager-session-store';
import { loadSecretPrefix } from '../console/settings';
import { createSlackNotifier } from '../slack/notifier';
import { secretsManagerReader } from '../slack/secrets';
import { loadPostingSettings } from '../slack/settings';
import { awsDataPorts } from './adapters/aws-ports';
import { lambdaHandOff } from './adapters/lambda-hand-off';
import { RootAccessGateway } from './adapters/root-access-gateway';
import { closeQuota } from './close-quota';
import { eventKeys, handlePipelineEvent } from './event-handler';
import { combineNotifiers, loggingNotifier } from './notifiers';
import { pipelineStepHandlers } from './pipeline-worker';
import { Runner } from './runner';

// The composition root of the pipeline Lambda: every adapter is built here, once per container.
const config = loadConfig();
const wiring = loadLambdaWiring();
const slack = await loadPostingSettings(process.env, secretsManagerReader());
const logger = createLogger('pipeline');
const ports = awsDataPorts({
  dynamodb: new DynamoDBClient({ region: config.region }),
  organizations: new OrganizationsClient({ region: config.region }),
  tableName: config.tableName,
});
const { dispatcher, timers } = lambdaHandOff(wiring, config.region);
const slackNotifier = createSlackNotifier({
  slack,
  store: ports.teardowns,
  quota: () => closeQuota(ports.ledger, ports.orgs, Date.now()),
  logger,
});
const runner = new Runner({
  ...ports,
  config,
  dispatcher,
  timers,
  // Every transition this worker makes is shown in the teardown's Slack thread.
  notifier: combineNotifiers(loggingNotifier(logger), slackNotifier),
  logger,
  metrics: createStepMetrics(),
  handlers: pipelineStepHandlers({
    ...ports,
    rootAccess: new RootAccessGateway(config.region),
    // The browser worker's saved root sessions go with the teardown; root passwords and MFA keys stay.
    cleaners: [
      sessionCleaner(
        new SecretsManagerSessionStore(new SecretsManagerClient({ region: config.region }), {
          prefix: loadSecretPrefix(),
        }),
      ),
    ],
  }),
  workerId: `pipeline-${randomUUID().slice(0, 8)}`,
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
