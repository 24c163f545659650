/**
 * The second baseline for cold start: the same bare Bolt app, built the way the bot Lambda is (Bolt's App and
 * AwsLambdaReceiver modules alone, the other receivers left out), so the ratio against it is the cost of the
 * bot's own code.
 */
import { App, AwsLambdaReceiver } from '../../src/bot/bolt-modules';

const receiver = new AwsLambdaReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET ?? '' });
const app = new App({ receiver, authorize: async () => ({ botToken: process.env.SLACK_BOT_TOKEN ?? '' }) });
app.command('/sandbox', async ({ ack }) => {
  await ack();
});

export const handler = receiver.toHandler();
