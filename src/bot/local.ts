import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { slackLogger } from '../slack/logger';
import { createBotApp } from './app';
import type { BotPorts } from './ports';

export const EVENTS_PATH = '/slack/events';

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
  const server: Server = await receiver.start({ port: options.port, host: options.host ?? '127.0.0.1' });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}${EVENTS_PATH}`,
    stop: async () => {
      server.closeAllConnections();
      await receiver.stop();
    },
  };
}
