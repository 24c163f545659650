import { asAwsCallError } from '../../common/errors';
import { traced } from '../../common/tracing';
import type { PipelineEvent } from '../pipeline-events';
import type { TimerRequest, Timers } from '../ports/timers';

/** `at(...)` takes UTC without zone or fractions. */
function atExpression(at: number): string {
  return `at(${new Date(Math.ceil(at / 1000) * 1000).toISOString().slice(0, 19)})`;
}

type SchedulerSdk = typeof import('@aws-sdk/client-scheduler');

/** One-shot EventBridge Scheduler schedules that invoke the pipeline Lambda, deleted once they ran. */
export class SchedulerTimers implements Timers {
  private sdk:
    | Promise<{ api: SchedulerSdk; client: InstanceType<SchedulerSdk['SchedulerClient']> }>
    | undefined;

  constructor(
    private readonly target: { functionArn: string; roleArn: string; group: string; region?: string },
  ) {}

  // Loaded on first use: most invocations never start a wait, and the bot's cold start should not pay for it.
  private client() {
    this.sdk ??= import('@aws-sdk/client-scheduler').then((api) => ({
      api,
      client: traced(new api.SchedulerClient(this.target.region ? { region: this.target.region } : {})),
    }));
    return this.sdk;
  }

  async schedule({ accountId, teardownId, at, key, action }: TimerRequest): Promise<void> {
    const { api, client } = await this.client();
    const event: PipelineEvent =
      action === 'forget-root-credentials'
        ? { action, accountId, teardownId }
        : { action: 'advance', accountId, teardownId, worker: 'pipeline' };
    // Names are unique per transition, so a retried call finds its own schedule and stops there.
    const name = `teardown-${accountId}-${key}`.replace(/[^0-9A-Za-z_.-]/g, '-').slice(0, 64);
    try {
      await client.send(
        new api.CreateScheduleCommand({
          Name: name,
          GroupName: this.target.group,
          ScheduleExpression: atExpression(at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: this.target.functionArn,
            RoleArn: this.target.roleArn,
            Input: JSON.stringify(event),
          },
        }),
      );
    } catch (error) {
      if (error instanceof api.ConflictException) return;
      throw asAwsCallError(`Creating the schedule ${name}`, error);
    }
  }
}
