// Tests src/pipeline/adapters/scheduler-timers.ts with aws-sdk-client-mock (moto's Scheduler is not used here):
// the one-shot schedule each kind of timer creates, and a retried call that finds its own schedule.
import { ConflictException, CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SchedulerTimers } from '../../../src/pipeline/adapters/scheduler-timers';

const scheduler = mockClient(SchedulerClient);
afterEach(() => scheduler.reset());

const target = {
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:pipeline',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler',
  group: 'sandbox-teardown',
};
const AT = Date.UTC(2027, 1, 28, 12, 0, 0, 400);

describe('EventBridge Scheduler timers', () => {
  it('wakes the pipeline for a teardown at its time, once, deleting the schedule after', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});
    await new SchedulerTimers(target).schedule({
      accountId: '111111111111' as never,
      teardownId: 't-1',
      at: AT,
      key: 't-1-7',
    });
    const [call] = scheduler.commandCalls(CreateScheduleCommand);
    expect(call?.args[0].input).toMatchObject({
      Name: 'teardown-111111111111-t-1-7',
      GroupName: 'sandbox-teardown',
      ScheduleExpression: 'at(2027-02-28T12:00:01)',
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: target.functionArn, RoleArn: target.roleArn },
    });
    expect(JSON.parse(call?.args[0].input.Target?.Input ?? '')).toEqual({
      action: 'advance',
      accountId: '111111111111',
      teardownId: 't-1',
      worker: 'pipeline',
    });
  });

  it('sends the retention timer as its own event, and takes an existing schedule as done', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    await new SchedulerTimers(target).schedule({
      accountId: '111111111111' as never,
      teardownId: 't-1',
      at: AT,
      key: 't-1-forget-root',
      action: 'forget-root-credentials',
    });
    const [call] = scheduler.commandCalls(CreateScheduleCommand);
    expect(JSON.parse(call?.args[0].input.Target?.Input ?? '')).toEqual({
      action: 'forget-root-credentials',
      accountId: '111111111111',
      teardownId: 't-1',
    });
  });
});
