import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { createPipelineSlackNotifier, loadPostingSettings } from '../bot/pipeline-notifier';
import { secretsManagerReader } from '../bot/secrets';
import { loadConfig, loadLambdaWiring } from '../common/config';
import { createStepMetrics } from '../common/emf-metrics';
import { createLogger } from '../common/logger';
import { combineNotifiers, createRunner, handlePipelineEvent, loggingNotifier } from './core';
import { isPipelineEvent } from './events';
import { LambdaDispatcher } from './lambda-dispatcher';
import { SchedulerTimers } from './scheduler-timers';

// Wiring only: built once per container, the work is in core.ts and runner.ts.
const config = loadConfig();
const wiring = loadLambdaWiring();
const slack = await loadPostingSettings(process.env, secretsManagerReader());
const logger = createLogger('pipeline');
const metrics = createStepMetrics();
const dynamodb = new DynamoDBClient({ region: config.region });
const organizations = new OrganizationsClient({ region: config.region });
const slackNotifier = createPipelineSlackNotifier({
  slack,
  dynamodb,
  organizations,
  tableName: config.tableName,
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
