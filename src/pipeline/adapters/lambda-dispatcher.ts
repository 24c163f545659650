import type { LambdaClient } from '@aws-sdk/client-lambda';
import { StepUnavailableError } from '../../common/errors';
import type { Worker } from '../catalogue';
import type { Dispatcher, WorkItem } from '../ports/dispatcher';
import { invokeAsync } from './lambda-invoke';

/** Hands work to the pipeline or browser Lambda with an asynchronous invocation. */
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
    if (!functionName) throw new StepUnavailableError(`The ${worker} worker`);
    await invokeAsync(this.client, functionName, { action: 'advance', accountId, teardownId, worker });
  }
}
