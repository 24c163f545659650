import { slackLogger } from '../slack/logger';
import { createBotApp } from './app';
import { AwsLambdaReceiver } from './bolt-modules';
import type { BotPorts } from './ports';
import { hasFreshSlackSignature } from './signature';

/** API Gateway (HTTP API v2 or REST v1) as it reaches the bot function. */
export interface HttpEvent {
  body?: string | null;
  headers?: Record<string, string | undefined> | null;
  isBase64Encoded?: boolean;
  [key: string]: unknown;
}

export interface HttpResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

export type BotLambdaHandler = (event: HttpEvent, context: unknown) => Promise<HttpResult>;

function header(headers: HttpEvent['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : (headers[key] ?? undefined);
}

const UNAUTHORIZED: HttpResult = { statusCode: 401, body: '' };

/**
 * The bot's Lambda handler (two arguments) over its ports. The signature is checked first, before the body
 * is parsed: a forged, unsigned, stale or future-stamped (over 5 min either way) request gets 401 and nothing
 * else happens.
 */
export function createLambdaHandler(ports: BotPorts, signingSecret: string): BotLambdaHandler {
  const receiver = new AwsLambdaReceiver({ signingSecret, logger: slackLogger(ports.logger) });
  createBotApp(ports, receiver);
  const handle = receiver.toHandler();
  return async (event, context) => {
    const body = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
      : (event.body ?? '');
    const signature = header(event.headers, 'x-slack-signature');
    const timestamp = header(event.headers, 'x-slack-request-timestamp');
    if (!hasFreshSlackSignature(signingSecret, { body, signature, timestamp })) {
      ports.logger.warn('rejected a request without a valid Slack signature', {
        signed: Boolean(signature),
        requestTimestamp: timestamp,
      });
      return UNAUTHORIZED;
    }
    const result = await handle(event as never, context);
    return {
      statusCode: result.statusCode,
      ...(result.headers
        ? { headers: Object.fromEntries(Object.entries(result.headers).map(([k, v]) => [k, String(v)])) }
        : {}),
      body: result.body ?? '',
    };
  };
}
