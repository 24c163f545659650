import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { AccountId } from '../common/account-id';
import { asAwsCallError } from '../common/errors';
import type { PipelineEvent } from './events';
import type { Dispatcher } from './ports';
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
