import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { loadConfig, loadLambdaWiring } from '../common/config';
import { createLogger, type LambdaContext, withInvocationContext } from '../common/logger';
import { startTracing, traced, traceInvocation } from '../common/tracing';
import { awsDataPorts } from '../pipeline/adapters/aws-ports';
import { lambdaHandOff } from '../pipeline/adapters/lambda-hand-off';
import { LambdaNoticeForwarder } from '../pipeline/adapters/lambda-notice-forwarder';
import { secretsManagerReader } from '../slack/secrets';
import { loadSlackSettings } from '../slack/settings';
import {
  type BotLambdaHandler,
  createLambdaHandler,
  type HttpEvent,
  type HttpResult,
} from './lambda-handler';
import { createBotRuntime } from './runtime';

// The composition root of the bot Lambda, once per container: a bad configuration fails the container's init,
// not a request.
const config = loadConfig();
const wiring = loadLambdaWiring();
const logger = createLogger('bot');
await startTracing('bot');

async function build(): Promise<BotLambdaHandler> {
  const slack = await loadSlackSettings(process.env, secretsManagerReader());
  const { lambda, dispatcher, timers } = lambdaHandOff(wiring, config.region);
  const runtime = createBotRuntime({
    config,
    slack,
    ports: awsDataPorts({
      dynamodb: traced(new DynamoDBClient({ region: config.region })),
      organizations: traced(new OrganizationsClient({ region: config.region })),
      tableName: config.tableName,
    }),
    dispatcher,
    timers,
    // The pipeline function shows the bot's transitions in Slack, so answers to Slack never wait for pacing.
    notifier: new LambdaNoticeForwarder(lambda, wiring.pipelineFunctionName),
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
export async function handler(event: HttpEvent, context: LambdaContext): Promise<HttpResult> {
  ready ??= build().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  const handle = await ready;
  // A Slack request names no teardown; the pipeline's trace continues this one through the Lambda invoke.
  return traceInvocation({}, () => withInvocationContext(logger, context, {}, () => handle(event, context)));
}
