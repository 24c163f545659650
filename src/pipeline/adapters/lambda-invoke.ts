import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { asAwsCallError } from '../../common/errors';
import type { PipelineEvent } from '../pipeline-events';

/** An asynchronous (`Event`) invocation: Lambda queues the event and answers at once. */
export async function invokeAsync(
  client: LambdaClient,
  functionName: string,
  event: PipelineEvent,
): Promise<void> {
  try {
    await client.send(
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
