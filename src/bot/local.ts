import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BufferedIncomingMessage, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { slackLogger } from '../slack/logger';
import { createBotApp } from './app';
import type { BotPorts } from './ports';
import { hasFreshSlackSignature } from './signature';

export const EVENTS_PATH = '/slack/events';

/**
 * Largest request body taken from Slack: 1 MiB, far above any real command, click or submission (kilobytes; a
 * modal's whole view at most a few hundred), and below Bolt's own 4 MB, so that a larger body is refused here,
 * before anything buffers it.
 */
export const MAX_EVENT_BODY_BYTES = 1024 * 1024;

export interface LocalBotOptions extends BotPorts {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  signingSecret: string;
  /** With an app-level token the bot connects to a real workspace by Socket Mode instead of listening. */
  appToken?: string;
}

export interface LocalBot {
  /** e.g. http://127.0.0.1:3000/slack/events (undefined in Socket Mode). */
  url: string | undefined;
  stop(): Promise<void>;
}

/**
 * The bot outside Lambda (local stack, tests): Bolt's HTTP receiver on `port`, answering Slack at once and
 * finishing the work after the answer; or Socket Mode when `appToken` is set.
 */
export async function startLocalBot(options: LocalBotOptions): Promise<LocalBot> {
  const logger = slackLogger(options.logger);
  if (options.appToken) {
    const receiver = new SocketModeReceiver({ appToken: options.appToken, logger });
    createBotApp(options, receiver);
    await receiver.start();
    return { url: undefined, stop: async () => void (await receiver.stop()) };
  }
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: EVENTS_PATH,
    logger,
    processBeforeResponse: false,
  });
  createBotApp(options, receiver);
  const server = createServer((req, res) => {
    forwardSignedRequest(req, res, options, receiver).catch((error: unknown) => {
      options.logger.warn('could not read a request for the bot', { error: String(error) });
      if (!res.headersSent) res.writeHead(400);
      res.end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}${EVENTS_PATH}`,
    stop: () => closeServer(server),
  };
}

/**
 * Bolt's receiver checks signatures too, but lets a request stamped in the future through. So the body is
 * read and checked here first, as the Lambda handler checks it: a request that fails gets 401 and never
 * reaches the app. Bolt then reuses the body read here (a buffered `rawBody`) rather than reading it again.
 */
async function forwardSignedRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: LocalBotOptions,
  receiver: HTTPReceiver,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path !== EVENTS_PATH || req.method !== 'POST') {
    res.writeHead(404).end();
    return;
  }
  const body = await readBody(req, MAX_EVENT_BODY_BYTES);
  if (body === undefined) {
    options.logger.warn('rejected a request body larger than the limit', { limit: MAX_EVENT_BODY_BYTES });
    res.writeHead(413).end();
    return;
  }
  const signature = singleHeader(req, 'x-slack-signature');
  const timestamp = singleHeader(req, 'x-slack-request-timestamp');
  if (!hasFreshSlackSignature(options.signingSecret, { body: body.toString('utf8'), signature, timestamp })) {
    options.logger.warn('rejected a request without a valid Slack signature', {
      signed: Boolean(signature),
      requestTimestamp: timestamp,
    });
    res.writeHead(401).end();
    return;
  }
  (req as BufferedIncomingMessage).rawBody = body;
  receiver.requestListener(req, res);
}

function singleHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A request's body, or undefined when it is larger than `limit` bytes. A larger body is still read to its end
 * and dropped, so that a client still sending gets the answer rather than a reset connection, unless it goes
 * on past `discardLimit`: then the connection is cut.
 */
export async function readBody(
  req: IncomingMessage,
  limit: number,
  discardLimit = 8 * 1024 * 1024,
): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  let tooLarge = Number.isFinite(declared) && declared > limit;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    if (size > Math.max(limit, discardLimit)) {
      req.destroy();
      break;
    }
    if (!tooLarge) chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

/** Stops listening and drops open connections; stopping a stopped bot is a no-op. */
async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
