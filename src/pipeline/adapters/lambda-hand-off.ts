import { LambdaClient } from '@aws-sdk/client-lambda';
import type { LambdaWiring } from '../../common/config';
import { traced } from '../../common/tracing';
import { LambdaDispatcher } from './lambda-dispatcher';
import { SchedulerTimers } from './scheduler-timers';

/** How a deployed Lambda hands work on: asynchronous invocations now, one-shot schedules for later. */
export function lambdaHandOff(wiring: LambdaWiring, region: string) {
  // Traced, the client sends the trace header on: the invoked Lambda's trace continues this one.
  const lambda = traced(new LambdaClient({ region }));
  return {
    lambda,
    dispatcher: new LambdaDispatcher(lambda, {
      pipeline: wiring.pipelineFunctionName,
      browser: wiring.browserFunctionName,
    }),
    timers: new SchedulerTimers({
      region,
      functionArn: wiring.pipelineFunctionArn,
      roleArn: wiring.schedulerRoleArn,
      group: wiring.schedulerGroup,
    }),
  };
}
