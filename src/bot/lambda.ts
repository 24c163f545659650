import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { loadConfig, loadLambdaWiring } from '../common/config';
import { createLogger } from '../common/logger';
import { LambdaDispatcher } from '../pipeline/lambda-dispatcher';
import { SchedulerTimers } from '../pipeline/scheduler-timers';
import { loadSlackSettings } from './config';
import {
  type BotLambdaHandler,
  createLambdaHandler,
  type HttpEvent,
  type HttpResult,
} from './lambda-handler';
import { createBotRuntime } from './runtime';
import { secretsManagerReader } from './secrets';

// Wiring only, once per container: a bad configuration fails the container's init, not a request.
const config = loadConfig();
const wiring = loadLambdaWiring();
const logger = createLogger('bot');

async function build(): Promise<BotLambdaHandler> {
  const slack = await loadSlackSettings(process.env, secretsManagerReader());
  const runtime = createBotRuntime({
    config,
    slack,
    dynamodb: new DynamoDBClient({ region: config.region }),
    organizations: new OrganizationsClient({ region: config.region }),
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
    logger,
  });
  return createLambdaHandler(runtime, slack.signingSecret);
}

// Secrets in the environment: everything is ready before the first request. From Secrets Manager (through the
// Lambda extension, which may not answer during init): on the first request, then kept for the container.
let ready: Promise<BotLambdaHandler> | undefined = process.env.SLACK_SECRET_ID?.trim()
  ? undefined
  : Promise.resolve(await build());

/** API Gateway → Slack request → answer within 3 s. */
export async function handler(event: HttpEvent, context: unknown): Promise<HttpResult> {
  ready ??= build().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return (await ready)(event, context);
}
