import type { BlockAction, ButtonAction, Receiver, ViewSubmitAction } from '@slack/bolt';
import { ACTION, VIEW } from '../slack/ids';
import { slackLogger } from '../slack/logger';
import { App } from './bolt-modules';
import { answerCommand } from './command-handler';
import {
  DECISIONS,
  HUMAN_CHOICES,
  onCancel,
  onCaptchaAnswer,
  onDecision,
  onEnterCode,
  onHuman,
  onPhoneCode,
  onShowPin,
  onSolve,
} from './interaction-handlers';
import type { BotPorts } from './ports';

/**
 * The Bolt app, from its ports and any receiver (AwsLambdaReceiver in Lambda, HTTPReceiver or Socket Mode
 * locally). Listeners do their work before they return: in Lambda the answer leaves only then.
 */
export function createBotApp(ports: BotPorts, receiver: Receiver): App {
  const app = new App({
    receiver,
    // The token is known; asking auth.test on start or per request would only cost time.
    authorize: async () => ({ botToken: ports.botToken }),
    logger: slackLogger(ports.logger),
    clientOptions: { slackApiUrl: ports.outbox.client.slackApiUrl, retryConfig: { retries: 0 } },
  });

  // One command, whatever name the manifest gives it.
  app.command(/.*/, async ({ body, ack }) => {
    const answer = await answerCommand(ports, body);
    await ack(answer);
  });

  const button = (body: BlockAction) => body.actions[0] as ButtonAction;
  for (const [actionId, decision] of Object.entries(DECISIONS)) {
    app.action<BlockAction>(actionId, async ({ ack, body }) => {
      await ack();
      await onDecision(ports, body, button(body), decision);
    });
  }
  for (const [actionId, choice] of Object.entries(HUMAN_CHOICES)) {
    app.action<BlockAction>(actionId, async ({ ack, body }) => {
      await ack();
      await onHuman(ports, body, button(body), choice);
    });
  }
  app.action<BlockAction>(ACTION.cancel, async ({ ack, body, respond }) => {
    await ack();
    await onCancel(ports, body, button(body), (message) => respond(message));
  });
  app.action<BlockAction>(ACTION.solve, async ({ ack, body }) => {
    await ack();
    await onSolve(ports, body, button(body));
  });
  app.action<BlockAction>(ACTION.showPin, async ({ ack, body }) => {
    await ack();
    await onShowPin(ports, body, button(body));
  });
  app.action<BlockAction>(ACTION.enterCode, async ({ ack, body }) => {
    await ack();
    await onEnterCode(ports, body, button(body));
  });

  app.view<ViewSubmitAction>(
    { callback_id: VIEW.captcha, type: 'view_submission' },
    async ({ ack, body }) => {
      const { answer, after } = await onCaptchaAnswer(ports, body);
      await ack(answer);
      await after?.().catch((error: unknown) =>
        ports.logger.warn('could not close the CAPTCHA prompt', { error }),
      );
    },
  );

  app.view<ViewSubmitAction>(
    { callback_id: VIEW.phoneCode, type: 'view_submission' },
    async ({ ack, body }) => {
      const { answer, after } = await onPhoneCode(ports, body);
      await ack(answer);
      await after?.().catch((error: unknown) =>
        ports.logger.warn('could not confirm a phone code to its person', { error }),
      );
    },
  );

  app.error(async (error) => {
    ports.logger.error('unhandled error in a Slack listener', { error });
  });
  return app;
}
