import type { Logger } from '@aws-lambda-powertools/logger';
import { WebClient } from '@slack/web-api';
import { slackLogger } from './logger';
import type { SlackSettings } from './settings';

/** A Slack Web API client as the bot uses it: 429s come back to the paced queue instead of sleeping inside. */
export function createSlackClient(
  slack: Pick<SlackSettings, 'botToken' | 'apiUrl'>,
  logger: Logger,
): WebClient {
  return new WebClient(slack.botToken, {
    slackApiUrl: slack.apiUrl,
    logger: slackLogger(logger),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 1, minTimeout: 100, maxTimeout: 500 },
    timeout: 10_000,
  });
}
