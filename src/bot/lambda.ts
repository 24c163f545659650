import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { loadConfig, loadLambdaWiring } from '../common/config';
import { createLogger } from '../common/logger';
import { LambdaDispatcher, LambdaNotifier } from '../pipeline/lambda-dispatcher';
import { SchedulerTimers } from '../pipeline/scheduler-timers';
import { secretsManagerReader } from '../slack/secrets';
import { loadSlackSettings } from '../slack/settings';
import {
  type BotLambdaHandler,
  createLambdaHandler,
  type HttpEvent,
  type HttpResult,
} from './lambda-handler';
import { createBotRuntime } from './runtime';

// Wiring only, once per container: a bad configuration fails the container's init, not a request.
const config = loadConfig();
const wiring = loadLambdaWiring();
const logger = createLogger('bot');

async function build(): Promise<BotLambdaHandler> {
  const lambda = new LambdaClient({ region: config.region });
  const slack = await loadSlackSettings(process.env, secretsManagerReader());
  const runtime = createBotRuntime({
    config,
    slack,
    dynamodb: new DynamoDBClient({ region: config.region }),
    organizations: new OrganizationsClient({ region: config.region }),
    dispatcher: new LambdaDispatcher(lambda, {
      pipeline: wiring.pipelineFunctionName,
      browser: wiring.browserFunctionName,
    }),
    // The pipeline function shows the bot's transitions in Slack, so answers to Slack never wait for pacing.
    notifier: new LambdaNotifier(lambda, wiring.pipelineFunctionName),
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
