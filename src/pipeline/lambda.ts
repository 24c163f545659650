import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { loadConfig, loadLambdaWiring } from '../common/config';
import { createStepMetrics } from '../common/emf-metrics';
import { createLogger } from '../common/logger';
import { createSlackNotifier } from '../slack/notifier';
import { secretsManagerReader } from '../slack/secrets';
import { loadPostingSettings } from '../slack/settings';
import { closeQuota } from './close-quota';
import { combineNotifiers, createRunner, handlePipelineEvent, loggingNotifier } from './core';
import { DynamoTeardownStore } from './dynamo-store';
import { isPipelineEvent } from './events';
import { LambdaDispatcher } from './lambda-dispatcher';
import { OrganizationsGateway } from './organizations';
import { SchedulerTimers } from './scheduler-timers';

// Wiring only: built once per container, the work is in core.ts and runner.ts.
const config = loadConfig();
const wiring = loadLambdaWiring();
const slack = await loadPostingSettings(process.env, secretsManagerReader());
const logger = createLogger('pipeline');
const metrics = createStepMetrics();
const dynamodb = new DynamoDBClient({ region: config.region });
const organizations = new OrganizationsClient({ region: config.region });
const store = new DynamoTeardownStore(dynamodb, config.tableName);
const orgs = new OrganizationsGateway(organizations);
const slackNotifier = createSlackNotifier({
  slack,
  store,
  quota: () => closeQuota(store, orgs, Date.now()),
  logger,
});
const runner = createRunner({
  config,
  dynamodb,
  organizations,
  dispatcher: new LambdaDispatcher(new LambdaClient({ region: config.region }), {
    pipeline: wiring.pipelineFunctionName,
    browser: wiring.browserFunctionName,
  }),
  timers: new SchedulerTimers({
    region: config.region,
    functionArn: wiring.pipelineFunctionArn,
    roleArn: wiring.schedulerRoleArn,
    group: wiring.schedulerGroup,
  }),
  // Every transition this worker makes is shown in the teardown's Slack thread.
  notifier: combineNotifiers(loggingNotifier(logger), slackNotifier),
  logger,
  metrics,
  workerId: `pipeline-${randomUUID().slice(0, 8)}`,
});

export async function handler(event: unknown): Promise<unknown> {
  if (!isPipelineEvent(event)) {
    logger.error('unknown pipeline event', { event });
    return { error: 'unknown event' };
  }
  return handlePipelineEvent(runner, event, logger, slackNotifier);
}
