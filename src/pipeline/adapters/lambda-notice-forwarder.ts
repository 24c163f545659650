import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Notifier, TeardownNotice } from '../ports/notifier';
import { invokeAsync } from './lambda-invoke';

/**
 * Hands transitions to the pipeline function to show in Slack. The bot uses it: Slack's pacing (a second per
 * message in a channel) must not delay the bot's answer to Slack, which counts against the 3 s.
 */
export class LambdaNoticeForwarder implements Notifier {
  constructor(
    private readonly client: LambdaClient,
    private readonly pipelineFunctionName: string,
  ) {}

  async notify({ teardown, previous, event }: TeardownNotice): Promise<void> {
    // Only teardowns shown in Slack; the bot's own notices never carry a screenshot.
    if (!teardown.slack) return;
    await invokeAsync(this.client, this.pipelineFunctionName, {
      action: 'notify',
      notice: { teardown, previous, event },
    });
  }
}
