import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { asAwsCallError, StepUnavailableError } from '../common/errors';
import type { Worker } from './catalogue';
import type { PipelineEvent } from './events';
import type { Dispatcher, WorkItem } from './ports/dispatcher';
import type { Notifier, TeardownNotice } from './ports/notifier';

/** Hands work to the pipeline or browser Lambda with an asynchronous (`Event`) invocation. */
export class LambdaDispatcher implements Dispatcher {
  readonly workers: ReadonlySet<Worker>;

  constructor(
    private readonly client: LambdaClient,
    private readonly functions: Record<Worker, string | undefined>,
  ) {
    this.workers = new Set(
      (Object.keys(functions) as Worker[]).filter((worker) => Boolean(functions[worker])),
    );
  }

  async dispatch(worker: Worker, { accountId, teardownId }: WorkItem): Promise<void> {
    const functionName = this.functions[worker];
    if (!functionName) throw new StepUnavailableError(`${worker} worker`);
    const event: PipelineEvent = { action: 'advance', accountId, teardownId, worker };
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
