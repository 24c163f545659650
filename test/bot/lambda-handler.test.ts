// Tests src/bot/lambda-handler.ts: what a refused request leaves in the log.
import { expect, it } from 'vitest';
import { createLambdaHandler } from '../../src/bot/lambda-handler';
import type { BotPorts } from '../../src/bot/ports';
import { createLogger } from '../../src/common/logger';
import { captureOutputOf } from '../common/capture-output';

// Regression: the line used the logger's reserved key `timestamp` (dropped, with a warning of its own) and a key
// ending in "signature" (redacted, so it never said whether the request was signed).
it('logs a refused request with whether it was signed and its timestamp, and nothing secret', async () => {
  const logger = createLogger('bot', { logLevel: 'WARN' });
  const ports = {
    logger,
    botToken: 'xoxb-not-used',
    outbox: { client: { slackApiUrl: 'http://127.0.0.1:9/api/' } },
  } as unknown as BotPorts;
  const handle = createLambdaHandler(ports, 'signing-secret');
  const { result, json } = await captureOutputOf(() =>
    handle(
      {
        body: 'command=%2Fsandbox&text=help',
        headers: { 'X-Slack-Signature': 'v0=forged', 'X-Slack-Request-Timestamp': '1700000000' },
      },
      {},
    ),
  );
  expect(result.statusCode).toBe(401);
  expect(json).toEqual([
    expect.objectContaining({
      level: 'WARN',
      message: 'rejected a request without a valid Slack signature',
      signed: true,
      requestTimestamp: '1700000000',
    }),
  ]);
  expect(JSON.stringify(json)).not.toContain('v0=forged');
});
