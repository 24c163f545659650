import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import xray from 'aws-xray-sdk-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  annotateTeardown,
  startTracing,
  stopTracing,
  traced,
  traceInvocation,
  tracingWanted,
} from '../../src/common/tracing';

const TEARDOWN_ID = 'td-2026-11-30-abc123';
const ACCOUNT_ID = '123456789012';

/** As Lambda's nodejs22.x runtime sets it; HTTP capture off so the test process's `http` stays unpatched. */
function inLambda(): void {
  vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs22.x');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', '');
  vi.stubEnv('POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS', 'false');
  vi.stubEnv('_HANDLER', 'pipeline.handler');
}

/** A DynamoDB client whose calls never leave the process; it keeps the headers of each request it was sent. */
function offlineDynamoDb(sent: Record<string, string>[]): DynamoDBClient {
  return new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' },
    requestHandler: {
      handle: async (request: { headers: Record<string, string> }) => {
        sent.push({ ...request.headers });
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: new TextEncoder().encode('{"TableNames":[]}'),
          },
        };
      },
    } as never,
  });
}

/** Runs `work` as inside a traced Lambda invocation: the segment Lambda would have opened is the current one. */
async function underSegment<T>(segment: xray.Segment, work: () => Promise<T>): Promise<T> {
  return xray.getNamespace().runPromise(async () => {
    xray.setSegment(segment);
    return work();
  });
}

/** What X-Ray receives of a subsegment (the SDK's types leave out the recorded fields). */
interface Recorded {
  name: string;
  annotations?: Record<string, unknown>;
  end_time?: number;
  subsegments?: Recorded[];
}
function invocationOf(segment: xray.Segment): Recorded | undefined {
  return segment.subsegments?.[0] as unknown as Recorded | undefined;
}

afterEach(() => {
  stopTracing();
  vi.unstubAllEnvs();
});

describe('tracingWanted', () => {
  it('is off outside Lambda, with POWERTOOLS_TRACE_ENABLED=false, and under SAM local', () => {
    expect(tracingWanted({})).toBe(false);
    expect(
      tracingWanted({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'FALSE' }),
    ).toBe(false);
    expect(tracingWanted({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_SAM_LOCAL: 'true' })).toBe(false);
    expect(tracingWanted({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' })).toBe(true);
  });
});

describe('outside Lambda (tests, local runs)', () => {
  it('starts no tracer, leaves clients as they are and runs invocations untouched', async () => {
    vi.stubEnv('AWS_EXECUTION_ENV', '');
    expect(await startTracing('pipeline')).toBeUndefined();
    const client = new DynamoDBClient({ region: 'us-east-1' });
    expect(traced(client)).toBe(client);
    expect(client.middlewareStack.identify().join(' ')).not.toContain('XRay');
    await expect(traceInvocation({ teardownId: TEARDOWN_ID }, async () => 'done')).resolves.toBe('done');
  });
});

describe('in Lambda', () => {
  it('wraps a client so that its calls are traced', async () => {
    inLambda();
    await startTracing('pipeline');
    const client = traced(new DynamoDBClient({ region: 'us-east-1' }));
    expect(client.middlewareStack.identify().join(' ')).toContain('XRaySDKInstrumentation');
  });

  it('annotates the invocation with its teardown, and the AWS calls it makes sit under it and carry the trace on', async () => {
    inLambda();
    const tracer = await startTracing('pipeline');
    expect(tracer?.isTracingEnabled()).toBe(true);
    const sent: Record<string, string>[] = [];
    const dynamodb = traced(offlineDynamoDb(sent));
    const lambdaSegment = new xray.Segment('sandbox-teardown-pipeline');

    const { answer, currentAfter } = await underSegment(lambdaSegment, async () => ({
      answer: await traceInvocation({ teardownId: TEARDOWN_ID, accountId: ACCOUNT_ID }, async () => {
        await dynamodb.send(new ListTablesCommand({}));
        return 'advanced';
      }),
      currentAfter: xray.getSegment(),
    }));

    expect(answer).toBe('advanced');
    const invocation = invocationOf(lambdaSegment);
    expect(invocation?.name).toBe('## pipeline.handler');
    expect(invocation?.annotations).toMatchObject({
      teardownId: TEARDOWN_ID,
      accountId: ACCOUNT_ID,
      Service: 'pipeline',
    });
    expect(invocation?.annotations).toHaveProperty('ColdStart');
    // The DynamoDB call is a subsegment of the invocation, and its request names this trace.
    const calls = invocation?.subsegments ?? [];
    expect(calls.map((call) => call.name)).toEqual(['DynamoDB']);
    expect(sent[0]?.['x-amzn-trace-id'] ?? sent[0]?.['X-Amzn-Trace-Id']).toContain(lambdaSegment.trace_id);
    // Lambda's own segment is current again once the invocation ends, its subsegment closed.
    expect(currentAfter).toBe(lambdaSegment);
    expect(invocation?.end_time).toBeGreaterThan(0);
  });

  it('records a failure without the secrets in its message, and still throws it', async () => {
    inLambda();
    await startTracing('browser');
    const lambdaSegment = new xray.Segment('sandbox-teardown-browser');
    const failure = new Error(
      'sign-in failed at https://signin.aws.amazon.com/resetpassword?token=AYADeJx1c3Bf',
    );

    await expect(
      underSegment(lambdaSegment, () =>
        traceInvocation({ teardownId: TEARDOWN_ID }, async () => {
          throw failure;
        }),
      ),
    ).rejects.toBe(failure);

    const recorded = JSON.stringify(invocationOf(lambdaSegment));
    expect(recorded).toContain('sign-in failed');
    expect(recorded).not.toContain('AYADeJx1c3Bf');
  });

  it('adds a teardown found later in the invocation (a mail, a text message) to its annotations', async () => {
    inLambda();
    await startTracing('mail');
    const lambdaSegment = new xray.Segment('sandbox-teardown-mail');

    await underSegment(lambdaSegment, () =>
      traceInvocation({}, async () => annotateTeardown({ teardownId: TEARDOWN_ID })),
    );

    expect(invocationOf(lambdaSegment)?.annotations).toMatchObject({ teardownId: TEARDOWN_ID });
  });
});
