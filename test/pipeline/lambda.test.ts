import { GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SlackSim } from '../../sim/slack';
import type { DynamoTeardownStore } from '../../src/pipeline/adapters/dynamodb/teardown-store';
import type { Teardown } from '../../src/pipeline/model';
import { newTeardown } from '../../src/pipeline/state';
import { captureOutputOf } from '../common/capture-output';
import { importBundledLambda } from '../support/deployed-lambda';
import { type DeployedWorld, deployedWorld } from '../support/deployed-world';
import type { TestOrganization } from '../support/organization';

// The bundled pipeline Lambda as deployed: real SDK clients against moto, Invoke against a loopback stand-in.
type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
let handler: Handler;
let world: DeployedWorld;
let capture: DeployedWorld['capture'];
let slack: SlackSim;
let org: TestOrganization;
let store: DynamoTeardownStore;
const scheduler = new SchedulerClient({});

beforeAll(async () => {
  world = await deployedWorld('xoxb-1-2-pipeline', { BROWSER_FUNCTION_NAME: 'sandbox-teardown-browser' });
  ({ capture, slack, org, store } = world);
  ({ handler } = await importBundledLambda<{ handler: Handler }>('pipeline'));
}, 60_000);

afterAll(async () => world?.close());

it('runs steps, hands off by asynchronous Invoke and waits with a one-shot schedule', async () => {
  const accountId = org.accounts.sandbox1.id;
  const now = Date.now();
  const { next, event } = newTeardown({
    accountId,
    teardownId: 't-lambda',
    strategy: 'close',
    requester: 'UREQUESTER1',
    now,
  });
  await store.create(next, event);

  // preflight runs in this invocation, then approval is handed to the pipeline function asynchronously.
  expect(await handler({ action: 'advance', accountId })).toMatchObject({ ran: true, step: 'preflight' });
  expect(capture.invokes).toEqual([
    {
      functionName: 'sandbox-teardown-pipeline',
      invocationType: 'Event',
      payload: { action: 'advance', accountId, teardownId: next.teardownId, worker: 'pipeline' },
    },
  ]);

  // approval waits; its deadline becomes an EventBridge Scheduler schedule that invokes the pipeline.
  expect(await handler({ action: 'advance', accountId })).toMatchObject({ ran: true, step: 'approval' });
  const waiting = await store.get(accountId);
  expect(waiting).toMatchObject({ step: 'approval', stepStatus: 'waiting' });
  const { Schedules } = await scheduler.send(new ListSchedulesCommand({ GroupName: 'default' }));
  const name = Schedules?.find((s) => s.Name?.includes(accountId))?.Name;
  const schedule = await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: 'default' }));
  const expected = new Date(Math.ceil((waiting?.wait?.until ?? 0) / 1000) * 1000).toISOString().slice(0, 19);
  expect(schedule).toMatchObject({
    ScheduleExpression: `at(${expected})`,
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: process.env.PIPELINE_FUNCTION_ARN,
      RoleArn: process.env.SCHEDULER_ROLE_ARN,
    },
  });
  expect(JSON.parse(schedule.Target?.Input ?? '{}')).toEqual({
    action: 'advance',
    accountId,
    teardownId: next.teardownId,
    worker: 'pipeline',
  });

  // An approval arrives as a resume event; the close step is handed on.
  expect(
    await handler({
      action: 'resume',
      accountId,
      signal: { name: 'approval', actor: 'UAPPROVER1', payload: { decision: 'approve' } },
    }),
  ).toEqual({ resumed: true, step: 'close-via-api' });
  expect(capture.invokes.at(-1)?.payload).toEqual({
    action: 'advance',
    accountId,
    teardownId: next.teardownId,
    worker: 'pipeline',
  });

  // A repeated click is answered, not retried by Lambda.
  expect(
    await handler({
      action: 'resume',
      accountId,
      signal: { name: 'approval', actor: 'UAPPROVER1', payload: { decision: 'approve' } },
    }),
  ).toMatchObject({ resumed: false });

  // A transition another function handed over is shown in the teardown's Slack thread here.
  const slackClient = new WebClient('xoxb-1-2-pipeline', { slackApiUrl: slack.apiUrl });
  const posted = await slackClient.chat.postMessage({ channel: 'C0REQUESTS', text: 'request' });
  const placed = {
    ...((await store.get(accountId)) as Teardown),
    slack: { channel: 'C0REQUESTS', requestTs: posted.ts, threadTs: posted.ts, statusTs: posted.ts },
  };
  const notice = {
    teardown: placed,
    previous: placed,
    event: {
      accountId,
      teardownId: placed.teardownId,
      version: placed.version,
      at: Date.now(),
      actor: 'UAPPROVER1',
      action: 'step-succeeded',
      step: 'approval',
      attempt: 1,
      outcome: 'succeeded',
      detail: 'approved by UAPPROVER1',
    },
  };
  expect(await handler({ action: 'notify', notice })).toEqual({ notified: true });
  const reply = await slack.waitFor(() => slack.thread('C0REQUESTS', posted.ts ?? '')[0]);
  expect(reply.text).toContain('approved by');
  expect(slack.message('C0REQUESTS', posted.ts ?? '')?.text).toContain('requested by <@UREQUESTER1>');

  // The periodic sweeper finds nothing stuck.
  expect(await handler({ action: 'sweep' })).toEqual({ woken: 0 });
  // A malformed event is dropped with its reason, never half-run.
  expect(await handler({ action: 'nonsense' })).toEqual({
    error: 'malformed event',
    reason: expect.stringContaining('action'),
  });
  expect(await handler({ action: 'advance', accountId: '12345' })).toEqual({
    error: 'malformed event',
    reason: expect.stringContaining('12 digits'),
  });
  expect(
    await handler({
      action: 'resume',
      accountId,
      signal: { name: 'approval', actor: 'U1', payload: { decision: 'maybe' } },
    }),
  ).toMatchObject({ error: 'malformed event' });
  expect(await store.get(accountId)).toMatchObject({ step: 'close-via-api' });
});

it('puts the invocation and the teardown it is about on every log line', async () => {
  const accountId = org.accounts.sandbox2.id;
  const context = {
    functionName: 'sandbox-teardown-pipeline',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:sandbox-teardown-pipeline',
    memoryLimitInMB: '512',
    awsRequestId: 'request-0001',
    getRemainingTimeInMillis: () => 60_000,
  };
  // (The deployed log level is ERROR: a dropped event is what this invocation logs.)
  const { json } = await captureOutputOf(() =>
    handler({ action: 'advance', accountId, teardownId: 'logs-1', worker: 'nowhere' }, context),
  );
  expect(json.find((line) => line.message === 'malformed pipeline event dropped')).toMatchObject({
    level: 'ERROR',
    function_request_id: 'request-0001',
    function_name: 'sandbox-teardown-pipeline',
    cold_start: expect.any(Boolean),
    correlation_id: 'logs-1',
    accountId,
    teardownId: 'logs-1',
    reason: expect.stringContaining('worker'),
  });
  // The next invocation does not inherit this one's teardown.
  const { json: later } = await captureOutputOf(() =>
    handler({ action: 'nonsense' }, { ...context, awsRequestId: 'request-0002' }),
  );
  const dropped = later.find((line) => line.message === 'malformed pipeline event dropped');
  expect(dropped).toMatchObject({ function_request_id: 'request-0002' });
  expect(dropped).not.toHaveProperty('teardownId');
  expect(dropped).not.toHaveProperty('correlation_id');
});
