import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { loadConfig, loadLambdaWiring } from '../common/config';
import { createLogger } from '../common/logger';
import { createStepMetrics } from '../common/metrics';
import { createRunner, handlePipelineEvent, loggingNotifier } from './core';
import { isPipelineEvent } from './events';
import { LambdaDispatcher } from './lambda-dispatcher';
import { SchedulerTimers } from './scheduler-timers';

// Wiring only: built once per container, the work is in core.ts and runner.ts.
const config = loadConfig();
const wiring = loadLambdaWiring();
const logger = createLogger('pipeline');
const metrics = createStepMetrics();
const runner = createRunner({
  config,
  dynamodb: new DynamoDBClient({ region: config.region }),
  organizations: new OrganizationsClient({ region: config.region }),
  dispatcher: new LambdaDispatcher(new LambdaClient({ region: config.region }), {
    pipeline: wiring.pipelineFunctionName,
    browser: wiring.browserFunctionName,
  }),
  timers: new SchedulerTimers(new SchedulerClient({ region: config.region }), {
    functionArn: wiring.pipelineFunctionArn,
    roleArn: wiring.schedulerRoleArn,
    group: wiring.schedulerGroup,
  }),
  notifier: loggingNotifier(logger),
  logger,
  metrics,
  workerId: `pipeline-${randomUUID().slice(0, 8)}`,
});

export async function handler(event: unknown): Promise<unknown> {
  if (!isPipelineEvent(event)) {
    logger.error('unknown pipeline event', { event });
    return { error: 'unknown event' };
  }
  return handlePipelineEvent(runner, event, logger);
}
