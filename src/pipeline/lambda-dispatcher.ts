import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { AccountId } from '../common/account-id';
import { asAwsCallError } from '../common/errors';
import type { PipelineEvent } from './events';
import type { Dispatcher, Notifier, TeardownNotice } from './ports';
import type { Worker } from './steps';

/** Hands work to the pipeline or browser Lambda with an asynchronous (`Event`) invocation. */
export class LambdaDispatcher implements Dispatcher {
  constructor(
    private readonly client: LambdaClient,
    private readonly functions: Record<Worker, string | undefined>,
  ) {}

  async dispatch(worker: Worker, accountId: AccountId): Promise<void> {
    const functionName = this.functions[worker];
    if (!functionName) throw new Error(`no function is configured for the ${worker} worker`);
    const event: PipelineEvent = { action: 'advance', accountId, worker };
    try {
      await this.client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
    } catch (error) {
      throw asAwsCallError(`Invoking ${functionName}`, error);
    }
  }
}

/**
 * Hands transitions to the pipeline function to show in Slack. The bot uses it: Slack's pacing (a second per
 * message in a channel) must not delay the bot's answer to Slack, which counts against the 3 s.
 */
export class LambdaNotifier implements Notifier {
  constructor(
    private readonly client: LambdaClient,
    private readonly pipelineFunctionName: string,
  ) {}

  async notify({ teardown, previous, event }: TeardownNotice): Promise<void> {
    // Only teardowns shown in Slack; the bot's own notices never carry a screenshot.
    if (!teardown.slack) return;
    const notify: PipelineEvent = { action: 'notify', notice: { teardown, previous, event } };
    try {
      await this.client.send(
        new InvokeCommand({
          FunctionName: this.pipelineFunctionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(notify)),
        }),
      );
    } catch (error) {
      throw asAwsCallError(`Invoking ${this.pipelineFunctionName}`, error);
    }
  }
}
