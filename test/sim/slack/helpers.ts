import { createHmac, timingSafeEqual } from 'node:crypto';
import { App, AwsLambdaReceiver, LogLevel as BoltLogLevel } from '@slack/bolt';
import { type Logger, LogLevel, WebAPIPlatformError, WebClient } from '@slack/web-api';
import { type SignedRequest, type SlackSim, type SlackSimOptions, startSlackSim } from '../../../sim/slack';

/** The SDK logs Slack's response_metadata errors; tests assert on them instead. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/** A WebClient pointed at the sim; `token: null` sends none. */
export function clientFor(sim: SlackSim, token: string | null = sim.botToken): WebClient {
  return new WebClient(token ?? undefined, {
    slackApiUrl: sim.apiUrl,
    logger: silentLogger,
    retryConfig: { retries: 0 },
  });
}

/** The Slack error code and response_metadata messages a call rejected with. */
export async function slackError(call: Promise<unknown>): Promise<{ error: string; messages: string[] }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof WebAPIPlatformError) {
      return { error: error.data.error, messages: error.data.response_metadata?.messages ?? [] };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** A manually advanced clock, so expiry and rate-limit windows need no sleeping. */
export function fakeClock(start = Date.now()) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Independent re-implementation of Slack's v0 signature check (what a bot must do). */
export function verifySlackSignature(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
): boolean {
  const header = (name: string) => {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    const value = key === undefined ? undefined : headers[key];
    return Array.isArray(value) ? value[0] : value;
  };
  const timestamp = header('x-slack-request-timestamp');
  const signature = header('x-slack-signature');
  if (!timestamp || !signature) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(
    `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`,
  );
  const actual = Buffer.from(signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

// Bolt does not export its Lambda handler types.
type AwsHandler = ReturnType<AwsLambdaReceiver['toHandler']>;
type AwsEvent = Parameters<AwsHandler>[0];

/** What API Gateway (payload v2) hands a Lambda for the request Slack sent. */
function lambdaEvent(req: SignedRequest): AwsEvent {
  return {
    body: req.body,
    headers: req.headers,
    isBase64Encoded: false,
    rawPath: '/slack/events',
    rawQueryString: '',
    routeKey: 'POST /slack/events',
    version: '2.0',
    requestContext: {},
  };
}

/**
 * A real Bolt app on AwsLambdaReceiver behind a sim that delivers to it: register listeners on `app`, then
 * `start()`. `onDelivery` hears every request that reaches the app.
 */
export async function startBoltOnSim(
  options: Omit<SlackSimOptions, 'deliver' | 'botUrl'> & { signingSecret: string },
  onDelivery: () => void = () => {},
): Promise<{ sim: SlackSim; app: App; start(): Promise<void> }> {
  let handler: AwsHandler | undefined;
  const sim = await startSlackSim({
    ...options,
    deliver: async (req) => {
      onDelivery();
      if (!handler) throw new Error('bot not started');
      const res = await handler(lambdaEvent(req), {});
      const headers = Object.fromEntries(Object.entries(res.headers ?? {}).map(([k, v]) => [k, String(v)]));
      return { status: res.statusCode, headers, body: res.body };
    },
  });
  const receiver = new AwsLambdaReceiver({ signingSecret: options.signingSecret, logger: silentLogger });
  const app = new App({
    token: sim.botToken,
    receiver,
    logger: silentLogger,
    logLevel: BoltLogLevel.ERROR,
    clientOptions: { slackApiUrl: sim.apiUrl, logger: silentLogger, retryConfig: { retries: 0 } },
  });
  return {
    sim,
    app,
    start: async () => {
      handler = await receiver.start();
    },
  };
}
