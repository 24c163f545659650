import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';

/** The Slack SDK (and Bolt, which takes the same shape) log through the product's redacting logger. */
export function slackLogger(logger: PowertoolsLogger): SlackLogger {
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  return {
    debug: (...msg) => logger.debug(text(msg)),
    info: (...msg) => logger.info(text(msg)),
    warn: (...msg) => logger.warn(text(msg)),
    error: (...msg) => logger.error(text(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
