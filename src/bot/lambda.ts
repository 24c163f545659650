import { loadConfig, loadLambdaWiring } from '../common/config';
import { createLogger, type LambdaContext, withInvocationContext } from '../common/logger';
import { startTracing, traceInvocation } from '../common/tracing';
import { secretsManagerReader } from '../slack/secrets';
import { loadSlackSettings } from '../slack/settings';
import { deployedBotRuntime } from './deployed-runtime';
import {
  type BotLambdaHandler,
  createLambdaHandler,
  type HttpEvent,
  type HttpResult,
} from './lambda-handler';

// The composition root of the bot Lambda, once per container: a bad configuration fails the container's init,
// not a request.
const config = loadConfig();
const wiring = loadLambdaWiring();
const logger = createLogger('bot');
await startTracing('bot');

async function build(): Promise<BotLambdaHandler> {
  const slack = await loadSlackSettings(process.env, secretsManagerReader());
  const runtime = deployedBotRuntime({ config, wiring, slack, logger });
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
