// Regression: at DEBUG, Bolt's receiver logged the raw Slack event (a typed phone code, a CAPTCHA answer) and the
// Web API client each request body (the PIN shown to its owner). Those lines never reach the product's log.
import type { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { slackLogger } from '../../src/slack/logger';

function recording() {
  const lines: string[] = [];
  const logger = {
    debug: (line: string) => lines.push(`debug ${line}`),
    info: (line: string) => lines.push(`info ${line}`),
    warn: (line: string) => lines.push(`warn ${line}`),
    error: (line: string) => lines.push(`error ${line}`),
  } as unknown as Logger;
  return { lines, logger: slackLogger(logger) };
}

describe('the Slack SDK logger', () => {
  it('drops the debug lines that carry whole payloads, keeps the others', () => {
    const { lines, logger } = recording();
    logger.debug('AWS event:', JSON.stringify({ body: 'payload=%7B%22code%22%3A%22482913%22%7D' }));
    logger.debug('http request body: {"text":"Your PIN is 4821"}');
    logger.debug('http request url: https://slack.com/api/chat.postEphemeral');
    logger.debug("apiCall('chat.postEphemeral') start");
    logger.warn('http request failed');
    expect(lines).toEqual(["debug apiCall('chat.postEphemeral') start", 'warn http request failed']);
    expect(lines.join('\n')).not.toMatch(/482913|4821/);
  });
});
