/** The baseline for cold start: a Bolt app on AwsLambdaReceiver with one command and nothing else. */
import { App, AwsLambdaReceiver } from '@slack/bolt';

const receiver = new AwsLambdaReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET ?? '' });
const app = new App({ receiver, authorize: async () => ({ botToken: process.env.SLACK_BOT_TOKEN ?? '' }) });
app.command('/sandbox', async ({ ack }) => {
  await ack();
});

export const handler = receiver.toHandler();
