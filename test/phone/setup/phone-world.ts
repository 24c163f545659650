// A small stateful stand-in for the parts of Amazon Connect and AWS End User Messaging SMS that phone set-up uses,
// answered through aws-sdk-client-mock (moto has neither): writes change the state, so a second run sees what the
// first made. Every request stays visible through the mocks' calls().
import {
  AssociateLambdaFunctionCommand,
  AssociatePhoneNumberContactFlowCommand,
  ClaimPhoneNumberCommand,
  ConnectClient,
  ConnectServiceException,
  CreateContactFlowCommand,
  CreateInstanceCommand,
  DescribeContactFlowCommand,
  DescribeInstanceCommand,
  DescribePhoneNumberCommand,
  type InstanceStatus,
  ListContactFlowsCommand,
  ListFlowAssociationsCommand,
  ListInstancesCommand,
  ListLambdaFunctionsCommand,
  ListPhoneNumbersV2Command,
  SearchAvailablePhoneNumbersCommand,
  UpdateContactFlowContentCommand,
  UpdateInstanceAttributeCommand,
} from '@aws-sdk/client-connect';
import {
  DescribePhoneNumbersCommand,
  ListTagsForResourceCommand,
  type PhoneNumberInformation,
  PinpointSMSVoiceV2Client,
  RequestPhoneNumberCommand,
  type Tag,
  UpdatePhoneNumberCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { mockClient } from 'aws-sdk-client-mock';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** The commands that change something; a run that changes nothing sends none of them. */
export const CONNECT_WRITES = [
  'CreateInstanceCommand',
  'UpdateInstanceAttributeCommand',
  'AssociateLambdaFunctionCommand',
  'CreateContactFlowCommand',
  'UpdateContactFlowContentCommand',
  'ClaimPhoneNumberCommand',
  'AssociatePhoneNumberContactFlowCommand',
];
export const SMS_WRITES = ['RequestPhoneNumberCommand', 'UpdatePhoneNumberCommand'];

interface WorldInstance {
  Id: string;
  Arn: string;
  InstanceAlias: string;
  InstanceStatus: InstanceStatus;
  InboundCallsEnabled: boolean;
  /** How many more DescribeInstance answers say CREATION_IN_PROGRESS. */
  readsUntilActive: number;
  failure?: string;
}

interface WorldNumber {
  PhoneNumberId: string;
  PhoneNumberArn: string;
  PhoneNumber: string;
  PhoneNumberDescription?: string;
  readsUntilClaimed: number;
}

export interface PhoneWorld {
  instances: WorldInstance[];
  lambdas: string[];
  flows: Array<{ Id: string; Arn: string; Name: string; Content: string }>;
  /** Numbers Connect offers to claim. */
  available: string[];
  claimed: WorldNumber[];
  associations: Array<{ ResourceId: string; FlowId: string }>;
  smsNumbers: PhoneNumberInformation[];
  smsTags: Record<string, Tag[]>;
  /** How many DescribePhoneNumbers reads a requested SMS number stays PENDING (Infinity: for ever). */
  smsReadsUntilActive: number;
  /** When set, the next instance created ends CREATION_FAILED with this reason. */
  creationFailure?: string;
}

export function emptyWorld(): PhoneWorld {
  return {
    instances: [],
    lambdas: [],
    flows: [],
    available: ['+12065550101', '+12065550102', '+12065550103'],
    claimed: [],
    associations: [],
    smsNumbers: [],
    smsTags: {},
    smsReadsUntilActive: 1,
  };
}

let sequence = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`;

export function connectError(name: string, message: string, httpStatusCode = 400) {
  return new ConnectServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode } });
}

export function smsNumber(
  number: string,
  fields: Partial<PhoneNumberInformation> = {},
): PhoneNumberInformation {
  const id = `phone-${number.slice(1)}`;
  return {
    PhoneNumberArn: `arn:aws:sms-voice:${REGION}:${ACCOUNT}:phone-number/${id}`,
    PhoneNumberId: id,
    PhoneNumber: number,
    Status: 'ACTIVE',
    IsoCountryCode: 'US',
    MessageType: 'TRANSACTIONAL',
    NumberCapabilities: ['SMS'],
    NumberType: 'TOLL_FREE',
    MonthlyLeasingPrice: '2.00',
    TwoWayEnabled: false,
    SelfManagedOptOutsEnabled: false,
    OptOutListName: 'Default',
    DeletionProtectionEnabled: true,
    CreatedTimestamp: new Date(Date.UTC(2026, 0, 1)),
    ...fields,
  };
}

/** Mocks ConnectClient and PinpointSMSVoiceV2Client (every instance) to answer from `world`. */
export function mockPhoneWorld(world: PhoneWorld) {
  const connect = mockClient(ConnectClient);
  const sms = mockClient(PinpointSMSVoiceV2Client);

  const instance = (id: string | undefined) => {
    const found = world.instances.find((item) => item.Id === id);
    if (!found) throw connectError('ResourceNotFoundException', `Instance ${id} not found`, 404);
    return found;
  };
  connect.on(ListInstancesCommand).callsFake(() => ({
    InstanceSummaryList: world.instances.map(({ Id, Arn, InstanceAlias, InstanceStatus }) => ({
      Id,
      Arn,
      InstanceAlias,
      InstanceStatus,
    })),
  }));
  connect.on(CreateInstanceCommand).callsFake((input) => {
    const Id = uuid();
    const Arn = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${Id}`;
    world.instances.push({
      Id,
      Arn,
      InstanceAlias: input.InstanceAlias,
      InstanceStatus: 'CREATION_IN_PROGRESS',
      InboundCallsEnabled: input.InboundCallsEnabled,
      readsUntilActive: 2,
      ...(world.creationFailure ? { failure: world.creationFailure } : {}),
    });
    return { Id, Arn };
  });
  connect.on(DescribeInstanceCommand).callsFake((input) => {
    const found = instance(input.InstanceId);
    if (found.InstanceStatus === 'CREATION_IN_PROGRESS' && found.readsUntilActive-- <= 0)
      found.InstanceStatus = found.failure ? 'CREATION_FAILED' : 'ACTIVE';
    const { readsUntilActive: _, failure, ...rest } = found;
    return { Instance: { ...rest, ...(failure ? { StatusReason: { Message: failure } } : {}) } };
  });
  connect.on(UpdateInstanceAttributeCommand).callsFake((input) => {
    instance(input.InstanceId).InboundCallsEnabled = input.Value === 'true';
    return {};
  });
  connect.on(ListLambdaFunctionsCommand).callsFake((input) => {
    instance(input.InstanceId);
    return { LambdaFunctions: [...world.lambdas] };
  });
  connect.on(AssociateLambdaFunctionCommand).callsFake((input) => {
    instance(input.InstanceId);
    world.lambdas.push(input.FunctionArn);
    return {};
  });
  connect.on(ListContactFlowsCommand).callsFake((input) => {
    instance(input.InstanceId);
    return {
      ContactFlowSummaryList: world.flows.map(({ Id, Arn, Name }) => ({
        Id,
        Arn,
        Name,
        ContactFlowType: 'CONTACT_FLOW' as const,
        ContactFlowState: 'ACTIVE' as const,
        ContactFlowStatus: 'PUBLISHED' as const,
      })),
    };
  });
  connect.on(CreateContactFlowCommand).callsFake((input) => {
    const found = instance(input.InstanceId);
    if (world.flows.some((flow) => flow.Name === input.Name))
      throw connectError('DuplicateResourceException', `A flow named ${input.Name} exists`, 409);
    const Id = uuid();
    const Arn = `${found.Arn}/contact-flow/${Id}`;
    world.flows.push({ Id, Arn, Name: input.Name, Content: input.Content });
    return { ContactFlowId: Id, ContactFlowArn: Arn };
  });
  connect.on(DescribeContactFlowCommand).callsFake((input) => {
    const flow = world.flows.find((item) => item.Id === input.ContactFlowId);
    if (!flow) throw connectError('ResourceNotFoundException', 'flow not found', 404);
    return { ContactFlow: { ...flow, Type: 'CONTACT_FLOW' as const, State: 'ACTIVE' as const } };
  });
  connect.on(UpdateContactFlowContentCommand).callsFake((input) => {
    const flow = world.flows.find((item) => item.Id === input.ContactFlowId);
    if (!flow) throw connectError('ResourceNotFoundException', 'flow not found', 404);
    flow.Content = input.Content;
    return {};
  });
  connect.on(SearchAvailablePhoneNumbersCommand).callsFake((input) => ({
    AvailableNumbersList: world.available.slice(0, input.MaxResults ?? 10).map((PhoneNumber) => ({
      PhoneNumber,
      PhoneNumberCountryCode: input.PhoneNumberCountryCode,
      PhoneNumberType: input.PhoneNumberType,
    })),
  }));
  connect.on(ClaimPhoneNumberCommand).callsFake((input) => {
    const Id = uuid();
    const PhoneNumberArn = `arn:aws:connect:${REGION}:${ACCOUNT}:phone-number/${Id}`;
    world.available = world.available.filter((number) => number !== input.PhoneNumber);
    world.claimed.push({
      PhoneNumberId: Id,
      PhoneNumberArn,
      PhoneNumber: input.PhoneNumber,
      PhoneNumberDescription: input.PhoneNumberDescription,
      readsUntilClaimed: 1,
    });
    return { PhoneNumberId: Id, PhoneNumberArn };
  });
  connect.on(DescribePhoneNumberCommand).callsFake((input) => {
    const found = world.claimed.find((item) => item.PhoneNumberId === input.PhoneNumberId);
    if (!found) throw connectError('ResourceNotFoundException', 'number not found', 404);
    const Status = found.readsUntilClaimed-- > 0 ? ('IN_PROGRESS' as const) : ('CLAIMED' as const);
    return { ClaimedPhoneNumberSummary: { ...found, PhoneNumberStatus: { Status } } };
  });
  connect.on(ListPhoneNumbersV2Command).callsFake(() => ({
    ListPhoneNumbersSummaryList: world.claimed.map(
      ({ PhoneNumberId, PhoneNumberArn, PhoneNumber, PhoneNumberDescription }) => ({
        PhoneNumberId,
        PhoneNumberArn,
        PhoneNumber,
        PhoneNumberDescription,
        PhoneNumberCountryCode: 'US' as const,
        PhoneNumberType: 'DID' as const,
      }),
    ),
  }));
  connect.on(ListFlowAssociationsCommand).callsFake(() => ({
    FlowAssociationSummaryList: world.associations.map((item) => ({
      ...item,
      ResourceType: 'VOICE_PHONE_NUMBER' as const,
    })),
  }));
  connect.on(AssociatePhoneNumberContactFlowCommand).callsFake((input) => {
    const number = world.claimed.find((item) => item.PhoneNumberId === input.PhoneNumberId);
    const flow = world.flows.find((item) => item.Id === input.ContactFlowId);
    if (!number || !flow) throw connectError('ResourceNotFoundException', 'number or flow not found', 404);
    // AWS lists associations by the number's ARN and the flow's ARN.
    world.associations = world.associations.filter((item) => item.ResourceId !== number.PhoneNumberArn);
    world.associations.push({ ResourceId: number.PhoneNumberArn, FlowId: flow.Arn });
    return {};
  });

  let smsReads = new Map<string, number>();
  sms.on(DescribePhoneNumbersCommand).callsFake((input) => {
    const wanted = input.PhoneNumberIds;
    const numbers = world.smsNumbers.filter((item) => !wanted || wanted.includes(item.PhoneNumberId ?? ''));
    for (const item of numbers) {
      if (item.Status !== 'PENDING') continue;
      const key = item.PhoneNumberArn ?? '';
      const reads = (smsReads.get(key) ?? 0) + 1;
      smsReads.set(key, reads);
      if (reads > world.smsReadsUntilActive) item.Status = 'ACTIVE';
    }
    return { PhoneNumbers: numbers.map((item) => ({ ...item })) };
  });
  sms.on(RequestPhoneNumberCommand).callsFake((input) => {
    const number = world.available.shift() ?? '+18885550100';
    const item = smsNumber(number, {
      Status: 'PENDING',
      IsoCountryCode: input.IsoCountryCode,
      NumberType: input.NumberType,
      NumberCapabilities: input.NumberCapabilities,
    });
    world.smsNumbers.push(item);
    world.smsTags[item.PhoneNumberArn ?? ''] = input.Tags ?? [];
    return { ...item };
  });
  sms.on(UpdatePhoneNumberCommand).callsFake((input) => {
    const item = world.smsNumbers.find(
      (number) =>
        number.PhoneNumberId === input.PhoneNumberId || number.PhoneNumberArn === input.PhoneNumberId,
    );
    if (!item) throw new Error(`no SMS number ${input.PhoneNumberId}`);
    Object.assign(item, {
      TwoWayEnabled: input.TwoWayEnabled,
      TwoWayChannelArn: input.TwoWayChannelArn,
      TwoWayChannelRole: input.TwoWayChannelRole,
    });
    return { ...item };
  });
  sms.on(ListTagsForResourceCommand).callsFake((input) => ({
    ResourceArn: input.ResourceArn,
    Tags: world.smsTags[input.ResourceArn] ?? [],
  }));

  return {
    connect,
    sms,
    /** The names of the write commands sent since the last reset, in order. */
    writes(): string[] {
      return [...connect.calls(), ...sms.calls()]
        .map((call) => call.args[0].constructor.name)
        .filter((name) => CONNECT_WRITES.includes(name) || SMS_WRITES.includes(name));
    },
    resetHistory() {
      connect.resetHistory();
      sms.resetHistory();
      smsReads = new Map();
    },
    restore() {
      connect.restore();
      sms.restore();
    },
  };
}
