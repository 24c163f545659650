// Tests src/phone/setup: Amazon Connect and End User Messaging SMS answered by aws-sdk-client-mock (a stateful
// stand-in, test/phone/setup/phone-world.ts), the audio stored in S3 on moto.
import {
  AssociateLambdaFunctionCommand,
  AssociatePhoneNumberContactFlowCommand,
  ClaimPhoneNumberCommand,
  ConnectClient,
  CreateContactFlowCommand,
  CreateInstanceCommand,
  SearchAvailablePhoneNumbersCommand,
  UpdateContactFlowContentCommand,
  UpdateInstanceAttributeCommand,
} from '@aws-sdk/client-connect';
import {
  PinpointSMSVoiceV2Client,
  RequestPhoneNumberCommand,
  UpdatePhoneNumberCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsCallError, ConfigError } from '../../../src/common/errors';
import { phoneAudioFiles } from '../../../src/phone/dtmf';
import { loadPhoneSetupSettings } from '../../../src/phone/setup/settings';
import { type PhoneSetupResult, setUpPhone } from '../../../src/phone/setup/setup';
import {
  ACCOUNT,
  connectError,
  emptyWorld,
  mockPhoneWorld,
  type PhoneWorld,
  REGION,
  smsNumber,
} from './phone-world';

const LAMBDA = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:sandbox-teardown-dev-phone`;
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:sandbox-teardown-dev-inbound-sms`;
const BUCKET = 'sandbox-teardown-phone-audio';
const ALIAS = 'acme-sandbox-teardown';
const FLOW_NAME = 'sandbox-teardown-verification-call';
const TAGS = { 'sandbox-teardown': 'phone-verification' };

// S3 on moto, with every command this client sends recorded by name.
const s3 = new S3Client({ forcePathStyle: true });
const s3Commands: string[] = [];
s3.middlewareStack.add(
  (next, context) => (args) => {
    s3Commands.push(context.commandName ?? '');
    return next(args);
  },
  { step: 'initialize' },
);
const s3Puts = () => s3Commands.filter((name) => name === 'PutObjectCommand').length;

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

let world: PhoneWorld;
let mocks: ReturnType<typeof mockPhoneWorld>;
let prefixNumber = 0;
let prefix: string;

beforeEach(() => {
  world = emptyWorld();
  mocks = mockPhoneWorld(world);
  // Each test stores its audio under a prefix of its own, so that it starts from no audio at all.
  prefix = `test-${++prefixNumber}/`;
  s3Commands.length = 0;
});

afterEach(() => {
  mocks.restore();
});

interface Run {
  result: PhoneSetupResult;
  printed: string[];
  sleeps: number[];
}

async function run(env: Record<string, string> = {}, options: { dryRun?: boolean } = {}): Promise<Run> {
  const printed: string[] = [];
  const sleeps: number[] = [];
  const settings = loadPhoneSetupSettings({
    AWS_REGION: REGION,
    PHONE_CONNECT_ALIAS: ALIAS,
    PHONE_LAMBDA_ARN: LAMBDA,
    PHONE_AUDIO_BUCKET: BUCKET,
    PHONE_AUDIO_PREFIX: prefix,
    PHONE_SMS_TOPIC_ARN: TOPIC,
    ...env,
  });
  const result = await setUpPhone(
    settings,
    {
      connect: new ConnectClient({ region: REGION }),
      sms: new PinpointSMSVoiceV2Client({ region: REGION }),
      s3,
      print: (line) => printed.push(line),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
    options,
  );
  return { result, printed, sleeps };
}

async function failure(env: Record<string, string> = {}): Promise<Error> {
  const error = await run(env).catch((e: unknown) => e);
  if (!(error instanceof Error)) throw new Error('set-up did not fail');
  return error;
}

const inputOf = <T>(calls: Array<{ args: [{ input: T }] }>, index = 0): T => {
  const call = calls[index];
  if (!call) throw new Error(`no call #${index}`);
  return call.args[0].input;
};

function sentFlow(): { Version: string; StartAction: string; Actions: Array<Record<string, unknown>> } {
  const created = inputOf(mocks.connect.commandCalls(CreateContactFlowCommand));
  return JSON.parse(created.Content as string);
}

/** Every block a block may go to next, read from the flow language's Transitions directly. */
function nextBlocks(action: Record<string, unknown>): string[] {
  const transitions = (action.Transitions ?? {}) as {
    NextAction?: string;
    Conditions?: Array<{ NextAction: string }>;
    Errors?: Array<{ NextAction: string }>;
  };
  return [
    ...(transitions.NextAction ? [transitions.NextAction] : []),
    ...(transitions.Conditions ?? []).map((c) => c.NextAction),
    ...(transitions.Errors ?? []).map((e) => e.NextAction),
  ];
}

describe('on an account with nothing set up', () => {
  it('creates the instance, associates the Lambda, creates the flow, claims a number, points it at the flow and sets up two-way SMS, with these requests', async () => {
    const { result, printed, sleeps } = await run();

    expect(mocks.writes()).toEqual([
      'CreateInstanceCommand',
      'AssociateLambdaFunctionCommand',
      'CreateContactFlowCommand',
      'ClaimPhoneNumberCommand',
      'AssociatePhoneNumberContactFlowCommand',
      'RequestPhoneNumberCommand',
      'UpdatePhoneNumberCommand',
    ]);
    const instance = world.instances[0];
    if (!instance) throw new Error('no instance created');
    expect(inputOf(mocks.connect.commandCalls(CreateInstanceCommand))).toEqual({
      InstanceAlias: ALIAS,
      IdentityManagementType: 'CONNECT_MANAGED',
      InboundCallsEnabled: true,
      OutboundCallsEnabled: false,
      Tags: TAGS,
    });
    expect(instance.InstanceStatus).toBe('ACTIVE');
    expect(inputOf(mocks.connect.commandCalls(AssociateLambdaFunctionCommand))).toEqual({
      InstanceId: instance.Id,
      FunctionArn: LAMBDA,
    });
    expect(inputOf(mocks.connect.commandCalls(CreateContactFlowCommand))).toEqual({
      InstanceId: instance.Id,
      Name: FLOW_NAME,
      Type: 'CONTACT_FLOW',
      Description: expect.stringContaining('DTMF'),
      Content: expect.any(String),
      Status: 'PUBLISHED',
      Tags: TAGS,
    });
    expect(inputOf(mocks.connect.commandCalls(SearchAvailablePhoneNumbersCommand))).toEqual({
      TargetArn: instance.Arn,
      PhoneNumberCountryCode: 'US',
      PhoneNumberType: 'DID',
      MaxResults: 1,
    });
    expect(inputOf(mocks.connect.commandCalls(ClaimPhoneNumberCommand))).toEqual({
      TargetArn: instance.Arn,
      PhoneNumber: '+12065550101',
      PhoneNumberDescription: 'sandbox-teardown phone verification line',
      Tags: TAGS,
    });
    const line = world.claimed[0];
    const flow = world.flows[0];
    if (!line || !flow) throw new Error('no line or no flow');
    expect(inputOf(mocks.connect.commandCalls(AssociatePhoneNumberContactFlowCommand))).toEqual({
      InstanceId: instance.Id,
      PhoneNumberId: line.PhoneNumberId,
      ContactFlowId: flow.Id,
    });
    expect(inputOf(mocks.sms.commandCalls(RequestPhoneNumberCommand))).toEqual({
      IsoCountryCode: 'US',
      MessageType: 'TRANSACTIONAL',
      NumberCapabilities: ['SMS'],
      NumberType: 'TOLL_FREE',
      DeletionProtectionEnabled: true,
      Tags: [{ Key: 'sandbox-teardown', Value: 'phone-verification' }],
    });
    const texted = world.smsNumbers[0];
    expect(inputOf(mocks.sms.commandCalls(UpdatePhoneNumberCommand))).toEqual({
      PhoneNumberId: texted?.PhoneNumberId,
      TwoWayEnabled: true,
      TwoWayChannelArn: TOPIC,
    });

    // Connect creates instances and claims numbers asynchronously: set-up waited for both, and for the SMS number.
    expect(sleeps).toEqual([10_000, 10_000, 3_000, 5_000]);
    expect(result.instanceId).toBe(instance.Id);
    expect(result.lines).toEqual([
      { number: '+12065550101', voice: true, sms: false },
      { number: texted?.PhoneNumber, voice: false, sms: true },
    ]);
    // Each line says what it takes: verify-phone leases it only for that.
    expect(result.phoneLines).toBe(`+12065550101:calls,${texted?.PhoneNumber}:texts`);
    expect(printed).toContain(`PHONE_LINES=+12065550101:calls,${texted?.PhoneNumber}:texts`);
    expect(printed).toContain(`PHONE_CONNECT_INSTANCE_ID=${instance.Id}`);
    expect(printed).toContain(`PHONE_AUDIO_BASE_URL=https://${BUCKET}.s3.${REGION}.amazonaws.com/${prefix}`);
    expect(printed).toContainEqual(
      expect.stringMatching(/^created +Connect instance "acme-sandbox-teardown" — id /),
    );
    expect(printed).toContainEqual(
      expect.stringMatching(/^created +contact flow "sandbox-teardown-verification-call"/),
    );
    expect(printed).toContainEqual(
      expect.stringMatching(/^created +phone number \+12065550101 claimed to the Connect instance/),
    );
    expect(printed.at(-1)).toMatch(/^Done: \d+ created, \d+ unchanged\.$/);
    expect(result.changed).toBe(true);
  });

  it('stores every audio file the flow plays in the bucket, byte for byte', async () => {
    const { printed } = await run();

    const files = phoneAudioFiles();
    expect(s3Puts()).toBe(files.length);
    for (const file of files) {
      const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}${file.name}` }));
      expect(object.ContentType).toBe('audio/wav');
      expect(Buffer.from((await object.Body?.transformToByteArray()) ?? [])).toEqual(file.wav);
      expect(printed).toContainEqual(
        expect.stringMatching(new RegExp(`^created +audio s3://${BUCKET}/${prefix}${file.name}$`)),
      );
    }
  });

  it('sends a flow whose every transition leads to an existing block, with the Lambda ARN and audio URLs filled in', async () => {
    await run();
    const flow = sentFlow();
    const text = JSON.stringify(flow);
    expect(text).not.toMatch(/\$\{/);

    const blocks = new Map(flow.Actions.map((action) => [action.Identifier as string, action]));
    expect(blocks.size).toBe(flow.Actions.length);
    expect(blocks.has(flow.StartAction)).toBe(true);
    for (const action of flow.Actions) {
      for (const target of nextBlocks(action))
        expect(blocks.has(target), `${action.Identifier} → ${target}`).toBe(true);
    }
    // Every block is reachable from the start, and from every block the call can end.
    const reachable = new Set<string>([flow.StartAction]);
    for (const id of reachable) for (const next of nextBlocks(blocks.get(id) ?? {})) reachable.add(next);
    expect([...reachable].sort()).toEqual([...blocks.keys()].sort());
    const ends = (id: string, seen = new Set<string>()): boolean => {
      const action = blocks.get(id);
      if (!action || seen.has(id)) return false;
      if (action.Type === 'DisconnectParticipant') return true;
      seen.add(id);
      return nextBlocks(action).some((next) => ends(next, seen));
    };
    for (const id of blocks.keys()) expect(ends(id), `${id} can reach a hang-up`).toBe(true);

    const byType = (type: string) => flow.Actions.filter((action) => action.Type === type);
    const lambdaBlocks = byType('InvokeLambdaFunction');
    expect(lambdaBlocks).toHaveLength(1);
    expect(lambdaBlocks[0]?.Parameters).toMatchObject({ LambdaFunctionARN: LAMBDA });
    expect(byType('DisconnectParticipant').length).toBeGreaterThan(0);
    // The call first waits for AWS's instructions, then asks the Lambda.
    expect(blocks.get(flow.StartAction)?.Type).toBe('MessageParticipant');

    const uris = byType('MessageParticipant').map(
      (action) => ((action.Parameters as { Media: { Uri: string } }).Media.Uri as string) ?? '',
    );
    const digitUris = uris.filter((uri) => uri.startsWith('$.External.'));
    expect(digitUris).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `$.External.digit${n}`));
    const base = `https://${BUCKET}.s3.${REGION}.amazonaws.com/${prefix}`;
    const stored = uris.filter((uri) => !uri.startsWith('$.'));
    expect(stored.length).toBeGreaterThan(0);
    for (const uri of stored) {
      expect(uri.startsWith(base), uri).toBe(true);
      // The file the flow names is one set-up stored.
      await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${prefix}${uri.slice(base.length)}` }));
    }
  });

  it('with --dry-run only reads, and prints what it would create', async () => {
    const { result, printed } = await run({}, { dryRun: true });

    expect(mocks.writes()).toEqual([]);
    expect(s3Puts()).toBe(0);
    expect(world.instances).toEqual([]);
    expect(printed[0]).toContain('dry run: nothing is changed');
    for (const resource of [
      /^would create +audio s3:\/\//,
      /^would create +Connect instance "acme-sandbox-teardown"$/,
      /^would create +Lambda .* associated with the Connect instance$/,
      /^would create +contact flow "sandbox-teardown-verification-call"$/,
      /^would create +phone number \(to be chosen\) claimed to the Connect instance — a new US DID number$/,
      /^would create +End User Messaging number \(US TOLL_FREE, SMS\)$/,
    ]) {
      expect(printed).toContainEqual(expect.stringMatching(resource));
    }
    expect(printed.at(-1)).toMatch(/^Dry run, nothing changed: \d+ would create\.$/);
    expect(result.changed).toBe(true);
  });
});

describe('run again', () => {
  it('changes nothing, says so for every resource, and prints the same lines', async () => {
    const first = await run();
    mocks.resetHistory();
    s3Commands.length = 0;

    const second = await run();

    expect(mocks.writes()).toEqual([]);
    expect(s3Puts()).toBe(0);
    expect(second.result.outcomes.length).toBeGreaterThan(10);
    expect(second.result.outcomes.filter((outcome) => outcome.change !== 'unchanged')).toEqual([]);
    expect(second.result.changed).toBe(false);
    expect(second.result.phoneLines).toBe(first.result.phoneLines);
    expect(second.printed.at(-1)).toMatch(/^Nothing to change: \d+ unchanged\.$/);
    expect(second.sleeps).toEqual([]);
  });

  it('updates only the flow content when the flow in Connect was changed', async () => {
    await run();
    const flow = world.flows[0];
    if (!flow) throw new Error('no flow');
    const original = JSON.parse(flow.Content);
    flow.Content = JSON.stringify({ ...original, Actions: original.Actions.slice(1) });
    mocks.resetHistory();

    const { printed } = await run();

    expect(mocks.writes()).toEqual(['UpdateContactFlowContentCommand']);
    const update = inputOf(mocks.connect.commandCalls(UpdateContactFlowContentCommand));
    expect(update.ContactFlowId).toBe(flow.Id);
    expect(JSON.parse(update.Content as string)).toEqual(original);
    expect(printed).toContainEqual(
      expect.stringMatching(/^updated +contact flow "sandbox-teardown-verification-call" \(/),
    );
  });

  it('updates the flow and stores the audio anew when the audio moves to another prefix', async () => {
    await run();
    mocks.resetHistory();
    s3Commands.length = 0;
    prefix = `${prefix}moved/`;

    await run();

    expect(mocks.writes()).toEqual(['UpdateContactFlowContentCommand']);
    expect(s3Puts()).toBe(phoneAudioFiles().length);
    expect(world.flows[0]?.Content).toContain(`amazonaws.com/${prefix}silence-`);
  });

  it('leaves a flow alone whose only difference is the layout the flow designer adds', async () => {
    await run();
    const flow = world.flows[0];
    if (!flow) throw new Error('no flow');
    flow.Content = JSON.stringify({
      Metadata: { entryPointPosition: { x: 40, y: 40 } },
      ...JSON.parse(flow.Content),
    });
    mocks.resetHistory();

    await run();

    expect(mocks.writes()).toEqual([]);
  });

  it('points a line that answers with another flow back at ours', async () => {
    await run();
    const line = world.claimed[0];
    if (!line || !world.associations[0]) throw new Error('no association');
    world.associations[0].FlowId =
      'arn:aws:connect:us-east-1:123456789012:instance/x/contact-flow/someone-elses';
    mocks.resetHistory();

    const { printed } = await run();

    expect(mocks.writes()).toEqual(['AssociatePhoneNumberContactFlowCommand']);
    expect(printed).toContainEqual(
      expect.stringMatching(/^updated +phone number \+12065550101 answered by contact flow/),
    );
  });

  it('switches inbound calls back on when they were turned off', async () => {
    await run();
    const instance = world.instances[0];
    if (!instance) throw new Error('no instance');
    instance.InboundCallsEnabled = false;
    mocks.resetHistory();

    await run();

    expect(mocks.writes()).toEqual(['UpdateInstanceAttributeCommand']);
    expect(inputOf(mocks.connect.commandCalls(UpdateInstanceAttributeCommand))).toEqual({
      InstanceId: instance.Id,
      AttributeType: 'INBOUND_CALLS',
      Value: 'true',
    });
  });
});

describe('configured resources', () => {
  it('uses the instance PHONE_CONNECT_INSTANCE_ID names and the numbers of PHONE_LINES, claiming the one not yet claimed', async () => {
    await run({ PHONE_LINES: '+12065550101' });
    const instance = world.instances[0];
    if (!instance) throw new Error('no instance');
    mocks.resetHistory();

    const { result, printed } = await run({
      PHONE_CONNECT_ALIAS: '',
      PHONE_CONNECT_INSTANCE_ID: instance.Arn,
      PHONE_LINES: '+12065550101, +15557770000=U0PERSON1, +12065550103',
    });

    expect(mocks.writes()).toEqual(['ClaimPhoneNumberCommand', 'AssociatePhoneNumberContactFlowCommand']);
    expect(mocks.connect.commandCalls(SearchAvailablePhoneNumbersCommand)).toHaveLength(0);
    expect(mocks.connect.commandCalls(CreateInstanceCommand)).toHaveLength(0);
    expect(inputOf(mocks.connect.commandCalls(ClaimPhoneNumberCommand)).PhoneNumber).toBe('+12065550103');
    // The person's own phone is nobody's business at set-up, but stays in PHONE_LINES.
    expect(result.phoneLines).toMatch(/^\+12065550101:calls,\+12065550103:calls,.*\+15557770000=U0PERSON1$/);
    expect(printed).toContainEqual(expect.stringMatching(/^unchanged +phone number \+12065550101 claimed/));
  });

  it('sets up two-way SMS on a line that is also an End User Messaging number, so one line takes calls and texts', async () => {
    world.smsNumbers.push(smsNumber('+12065550101'));

    const { result, printed } = await run({
      PHONE_LINES: '+12065550101',
      PHONE_SMS_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/sms-to-sns`,
    });

    expect(mocks.sms.commandCalls(RequestPhoneNumberCommand)).toHaveLength(0);
    expect(inputOf(mocks.sms.commandCalls(UpdatePhoneNumberCommand))).toEqual({
      PhoneNumberId: 'phone-12065550101',
      TwoWayEnabled: true,
      TwoWayChannelArn: TOPIC,
      TwoWayChannelRole: `arn:aws:iam::${ACCOUNT}:role/sms-to-sns`,
    });
    expect(result.lines).toEqual([{ number: '+12065550101', voice: true, sms: true }]);
    expect(printed).toContain('PHONE_LINES=+12065550101');
    expect(printed.join('\n')).not.toContain('cannot do both');
  });

  it('uses PHONE_SMS_NUMBER for texts and leaves a number already pointed at the topic as it is', async () => {
    world.smsNumbers.push(smsNumber('+18885550111', { TwoWayEnabled: true, TwoWayChannelArn: TOPIC }));

    const { result, printed } = await run({ PHONE_SMS_NUMBER: '+18885550111' });

    expect(mocks.sms.commandCalls(RequestPhoneNumberCommand)).toHaveLength(0);
    expect(mocks.sms.commandCalls(UpdatePhoneNumberCommand)).toHaveLength(0);
    expect(result.lines).toContainEqual({ number: '+18885550111', voice: false, sms: true });
    expect(printed).toContainEqual(
      expect.stringMatching(/^unchanged +two-way SMS of \+18885550111 into arn:aws:sns:/),
    );
    expect(printed.join('\n')).toContain('cannot do both hands that case to a person');
  });

  it('skips SMS, and says why, when no inbound topic is configured', async () => {
    const { printed, result } = await run({ PHONE_SMS_TOPIC_ARN: '' });

    expect(mocks.sms.calls()).toHaveLength(0);
    expect(printed).toContainEqual(
      expect.stringMatching(/^skipped +two-way SMS — PHONE_SMS_TOPIC_ARN is not set/),
    );
    expect(result.lines).toEqual([{ number: '+12065550101', voice: true, sms: false }]);
  });

  it('reports a requested SMS number that is not active yet as pending, and finds it again by its tag next time', async () => {
    world.smsReadsUntilActive = Number.POSITIVE_INFINITY;

    const first = await run();
    expect(mocks.sms.commandCalls(UpdatePhoneNumberCommand)).toHaveLength(0);
    expect(first.printed).toContainEqual(
      expect.stringMatching(
        /^pending +two-way SMS of \+\d+ into .* — the number is PENDING; run phone:setup again/,
      ),
    );
    mocks.resetHistory();

    const second = await run();
    expect(mocks.writes()).toEqual([]);
    expect(second.printed).toContainEqual(expect.stringMatching(/^pending +two-way SMS/));
    expect(world.smsNumbers).toHaveLength(1);
  });
});

describe('errors', () => {
  it('names the variable when the configured instance does not exist, with AWS’s reason', async () => {
    const error = await failure({
      PHONE_CONNECT_ALIAS: '',
      PHONE_CONNECT_INSTANCE_ID: '11111111-2222-3333-4444-555555555555',
    });
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error.message).toBe(
      'Connect DescribeInstance (PHONE_CONNECT_INSTANCE_ID=11111111-2222-3333-4444-555555555555) failed: ' +
        'ResourceNotFoundException: Instance 11111111-2222-3333-4444-555555555555 not found',
    );
    expect(mocks.writes()).toEqual([]);
  });

  it('stops at an AWS refusal, keeping the cause, and writes nothing after it', async () => {
    mocks.connect
      .on(CreateInstanceCommand)
      .rejects(
        connectError(
          'AccessDeniedException',
          'User is not authorized to perform connect:CreateInstance',
          403,
        ),
      );

    const error = await failure();

    expect(error).toBeInstanceOf(AwsCallError);
    expect(error.message).toBe(
      'Connect CreateInstance (alias "acme-sandbox-teardown") failed: AccessDeniedException: ' +
        'User is not authorized to perform connect:CreateInstance',
    );
    expect((error.cause as Error).name).toBe('AccessDeniedException');
    expect(mocks.writes()).toEqual(['CreateInstanceCommand']);
  });

  it('says why Connect could not create the instance', async () => {
    world.creationFailure = 'The alias is already in use';

    const error = await failure();

    expect(error).toBeInstanceOf(AwsCallError);
    expect(error.message).toContain('could not be created: The alias is already in use');
    expect(error.message).toContain('PHONE_CONNECT_ALIAS');
  });

  it('names PHONE_AUDIO_BUCKET when the bucket does not exist, before touching Connect', async () => {
    const error = await failure({ PHONE_AUDIO_BUCKET: 'no-such-phone-audio' });

    expect(error).toBeInstanceOf(AwsCallError);
    expect(error.message).toMatch(/^PHONE_AUDIO_BUCKET=no-such-phone-audio: the bucket does not exist/);
    expect(mocks.connect.calls()).toHaveLength(0);
  });

  it('names PHONE_SMS_NUMBER when it is not an End User Messaging number of the account', async () => {
    const error = await failure({ PHONE_SMS_NUMBER: '+18885550999' });

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['PHONE_SMS_NUMBER']);
    expect(error.message).toContain(
      'PHONE_SMS_NUMBER=+18885550999 is not an AWS End User Messaging SMS number',
    );
  });

  it('says how many numbers Connect offers when there are too few to claim', async () => {
    world.available = ['+12065550101'];

    const error = await failure({ PHONE_LINE_COUNT: '2' });

    expect(error.message).toContain('Amazon Connect offers 1 US DID number(s), 2 needed');
    expect(mocks.connect.commandCalls(ClaimPhoneNumberCommand)).toHaveLength(0);
  });
});
