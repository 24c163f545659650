import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';

/**
 * Debug lines of the SDK that carry whole payloads: Bolt's receiver logs the raw event (a typed CAPTCHA answer or
 * phone code), the Web API client every request body (a PIN shown to its owner). They never reach the log.
 */
const PAYLOAD_LINE = /^(AWS event:|http request (body|url|headers)|http response (body|headers))/i;

/** The Slack SDK (and Bolt, which takes the same shape) log through the product's redacting logger. */
export function slackLogger(logger: PowertoolsLogger): SlackLogger {
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  return {
    debug: (...msg) => {
      const line = text(msg);
      if (!PAYLOAD_LINE.test(line.trim())) logger.debug(line);
    },
    info: (...msg) => logger.info(text(msg)),
    warn: (...msg) => logger.warn(text(msg)),
    error: (...msg) => logger.error(text(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
