import {
  AssociateLambdaFunctionCommand,
  AssociatePhoneNumberContactFlowCommand,
  ClaimPhoneNumberCommand,
  type ConnectClient,
  CreateContactFlowCommand,
  CreateInstanceCommand,
  DescribeContactFlowCommand,
  DescribeInstanceCommand,
  DescribePhoneNumberCommand,
  type Instance,
  type ListPhoneNumbersSummary,
  type PhoneNumberCountryCode,
  paginateListContactFlows,
  paginateListFlowAssociations,
  paginateListInstances,
  paginateListLambdaFunctions,
  paginateListPhoneNumbersV2,
  SearchAvailablePhoneNumbersCommand,
  UpdateContactFlowContentCommand,
  UpdateInstanceAttributeCommand,
} from '@aws-sdk/client-connect';
import { AwsCallError } from '../../common/errors';
import type { ContactFlow } from '../contact-flow';
import { awsCall, type Polling, pollUntil } from './aws';
import type { SetupReport } from './report';
import type { PhoneSetupSettings } from './settings';

/** Marks what set-up made, on the resources that take tags and in the description of claimed numbers. */
export const SETUP_TAG = { key: 'sandbox-teardown', value: 'phone-verification' } as const;
export const LINE_DESCRIPTION = 'sandbox-teardown phone verification line';

export interface ConnectInstanceRef {
  id: string;
  arn: string;
}

export interface ClaimedLine {
  number: string;
  id: string;
  arn: string;
}

export interface ContactFlowRef {
  id: string;
  arn: string;
}

export interface ConnectContext {
  connect: ConnectClient;
  settings: PhoneSetupSettings;
  report: SetupReport;
  sleep: (ms: number) => Promise<void>;
  polling: { instance: Polling; number: Polling };
}

/**
 * The Connect instance: the one PHONE_CONNECT_INSTANCE_ID names, else the one with the alias, created when there
 * is none; waited for until ACTIVE; inbound calls switched on. Undefined only in a dry run that would create it.
 */
export async function ensureInstance(ctx: ConnectContext): Promise<ConnectInstanceRef | undefined> {
  const { connect, settings, report } = ctx;
  let instance: Instance;
  if (settings.connectInstanceId !== undefined) {
    const id = settings.connectInstanceId.split('/').pop() as string;
    instance = await describeInstance(ctx, id, `PHONE_CONNECT_INSTANCE_ID=${settings.connectInstanceId}`);
    instance = await instanceWhenActive(ctx, instance);
    report.unchanged(`Connect instance ${instanceName(instance)}`);
  } else {
    const alias = settings.connectAlias as string;
    const found = await findInstanceByAlias(ctx, alias);
    if (found?.Id) {
      instance = await instanceWhenActive(ctx, await describeInstance(ctx, found.Id, `alias "${alias}"`));
      report.unchanged(`Connect instance ${instanceName(instance)}`);
    } else {
      const created = await report.write(
        'created',
        `Connect instance "${alias}"`,
        () =>
          awsCall(`Connect CreateInstance (alias "${alias}")`, () =>
            connect.send(
              new CreateInstanceCommand({
                InstanceAlias: alias,
                IdentityManagementType: 'CONNECT_MANAGED',
                InboundCallsEnabled: true,
                OutboundCallsEnabled: false,
                Tags: { [SETUP_TAG.key]: SETUP_TAG.value },
              }),
            ),
          ),
        (result) => `id ${result.Id}`,
      );
      if (created === undefined) return undefined;
      if (!created.Id)
        throw new AwsCallError(`Connect CreateInstance (alias "${alias}") answered without the instance id.`);
      instance = await instanceWhenActive(ctx, { Id: created.Id, Arn: created.Arn, InstanceAlias: alias });
    }
  }
  const ref = { id: instance.Id as string, arn: instance.Arn as string };
  if (instance.InboundCallsEnabled === false) {
    await report.write('updated', `inbound calls of Connect instance ${instanceName(instance)}`, () =>
      awsCall(`Connect UpdateInstanceAttribute INBOUND_CALLS (instance ${ref.id})`, () =>
        connect.send(
          new UpdateInstanceAttributeCommand({
            InstanceId: ref.id,
            AttributeType: 'INBOUND_CALLS',
            Value: 'true',
          }),
        ),
      ),
    );
  } else {
    report.unchanged(`inbound calls of Connect instance ${instanceName(instance)}`);
  }
  return ref;
}

function instanceName(instance: Instance): string {
  return `"${instance.InstanceAlias ?? instance.Id}" (${instance.Id})`;
}

async function findInstanceByAlias(ctx: ConnectContext, alias: string) {
  return awsCall('Connect ListInstances', async () => {
    for await (const page of paginateListInstances({ client: ctx.connect }, {})) {
      const match = page.InstanceSummaryList?.find(
        (summary) => summary.InstanceAlias?.toLowerCase() === alias.toLowerCase(),
      );
      if (match) return match;
    }
    return undefined;
  });
}

async function describeInstance(ctx: ConnectContext, id: string, naming: string): Promise<Instance> {
  const answer = await awsCall(`Connect DescribeInstance (${naming})`, () =>
    ctx.connect.send(new DescribeInstanceCommand({ InstanceId: id })),
  );
  if (!answer.Instance?.Id || !answer.Instance.Arn)
    throw new AwsCallError(`Connect DescribeInstance (${naming}) answered without the instance.`);
  return answer.Instance;
}

/**
 * Waits while Connect is still creating the instance; a failed creation names AWS's reason. `first` is used as
 * the first reading when it carries a status (a described instance), else the instance is described.
 */
async function instanceWhenActive(ctx: ConnectContext, first: Instance): Promise<Instance> {
  const id = first.Id as string;
  const name = instanceName(first);
  let reading: Instance | undefined = first.InstanceStatus === undefined ? undefined : first;
  const { value, ready } = await pollUntil(
    async () => {
      const current = reading ?? (await describeInstance(ctx, id, name));
      reading = undefined;
      return current;
    },
    (current) => {
      if (current.InstanceStatus === 'ACTIVE') return 'ready';
      if (current.InstanceStatus === 'CREATION_FAILED')
        return new AwsCallError(
          `Connect instance ${name} could not be created: ${current.StatusReason?.Message ?? 'no reason given'}. ` +
            'Delete it in Amazon Connect or choose another PHONE_CONNECT_ALIAS.',
        );
      return 'waiting';
    },
    ctx.polling.instance,
    ctx.sleep,
  );
  if (!ready)
    throw new AwsCallError(
      `Connect instance ${name} is still ${value.InstanceStatus ?? 'not active'}; run phone:setup again in a few minutes.`,
    );
  return value;
}

/** The phone Lambda associated with the instance, so that the contact flow may invoke it. */
export async function ensureLambdaAssociation(ctx: ConnectContext, instance: ConnectInstanceRef | undefined) {
  const { connect, settings, report } = ctx;
  const resource = `Lambda ${settings.lambdaArn} associated with the Connect instance`;
  if (instance !== undefined) {
    const associated = await awsCall(`Connect ListLambdaFunctions (instance ${instance.id})`, async () => {
      for await (const page of paginateListLambdaFunctions(
        { client: connect },
        { InstanceId: instance.id },
      )) {
        if (page.LambdaFunctions?.includes(settings.lambdaArn)) return true;
      }
      return false;
    });
    if (associated) return report.unchanged(resource);
  }
  await report.write('created', resource, () =>
    awsCall(`Connect AssociateLambdaFunction (${settings.lambdaArn})`, () =>
      connect.send(
        new AssociateLambdaFunctionCommand({
          InstanceId: (instance as ConnectInstanceRef).id,
          FunctionArn: settings.lambdaArn,
        }),
      ),
    ),
  );
}

/**
 * The contact flow named PHONE_CONTACT_FLOW_NAME with exactly `flow` as its content: created, or its content
 * updated when it differs (compared as JSON, so key order and spacing do not count).
 */
export async function ensureContactFlow(
  ctx: ConnectContext,
  instance: ConnectInstanceRef | undefined,
  flow: ContactFlow,
): Promise<ContactFlowRef | undefined> {
  const { connect, settings, report } = ctx;
  const name = settings.contactFlowName;
  const content = JSON.stringify(flow);
  const existing = instance && (await findContactFlow(ctx, instance, name));
  if (instance === undefined || existing === undefined) {
    const created = await report.write(
      'created',
      `contact flow "${name}"`,
      () =>
        awsCall(`Connect CreateContactFlow ("${name}")`, () =>
          connect.send(
            new CreateContactFlowCommand({
              InstanceId: (instance as ConnectInstanceRef).id,
              Name: name,
              Type: 'CONTACT_FLOW',
              Description:
                'Answers AWS account verification calls and plays the PIN as DTMF tones (sandbox-teardown).',
              Content: content,
              Status: 'PUBLISHED',
              Tags: { [SETUP_TAG.key]: SETUP_TAG.value },
            }),
          ),
        ),
      (result) => `id ${result.ContactFlowId}`,
    );
    return created?.ContactFlowId && created.ContactFlowArn
      ? { id: created.ContactFlowId, arn: created.ContactFlowArn }
      : undefined;
  }
  const described = await awsCall(`Connect DescribeContactFlow ("${name}", ${existing.id})`, () =>
    connect.send(new DescribeContactFlowCommand({ InstanceId: instance.id, ContactFlowId: existing.id })),
  );
  const resource = `contact flow "${name}" (${existing.id})`;
  if (sameFlowContent(described.ContactFlow?.Content, flow)) {
    report.unchanged(resource);
  } else {
    await report.write('updated', resource, () =>
      awsCall(`Connect UpdateContactFlowContent ("${name}", ${existing.id})`, () =>
        connect.send(
          new UpdateContactFlowContentCommand({
            InstanceId: instance.id,
            ContactFlowId: existing.id,
            Content: content,
          }),
        ),
      ),
    );
  }
  return existing;
}

async function findContactFlow(
  ctx: ConnectContext,
  instance: ConnectInstanceRef,
  name: string,
): Promise<ContactFlowRef | undefined> {
  return awsCall(`Connect ListContactFlows (instance ${instance.id})`, async () => {
    for await (const page of paginateListContactFlows(
      { client: ctx.connect },
      { InstanceId: instance.id, ContactFlowTypes: ['CONTACT_FLOW'] },
    )) {
      const match = page.ContactFlowSummaryList?.find((summary) => summary.Name === name);
      if (match?.Id && match.Arn) return { id: match.Id, arn: match.Arn };
    }
    return undefined;
  });
}

/** Same flow when the JSON is equal; the designer's layout `Metadata` (absent from our template) does not count. */
function sameFlowContent(current: string | undefined, wanted: ContactFlow): boolean {
  if (current === undefined) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(current);
  } catch {
    return false;
  }
  if (parsed !== null && typeof parsed === 'object' && !('Metadata' in wanted))
    delete (parsed as Record<string, unknown>).Metadata;
  return canonicalJson(parsed) === canonicalJson(wanted);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Our lines in the instance: the numbers of PHONE_LINES (person lines aside), claimed when not yet claimed to the
 * instance; with none configured, the numbers set-up claimed before (known by their description), topped up to
 * PHONE_LINE_COUNT from Connect's available numbers. Only lines that exist (not planned ones) are returned.
 */
export async function ensureLines(
  ctx: ConnectContext,
  instance: ConnectInstanceRef | undefined,
): Promise<ClaimedLine[]> {
  const { settings, report } = ctx;
  const claimed = instance ? await listClaimedNumbers(ctx, instance) : [];
  const configured = settings.lines.filter((line) => line.person === undefined).map((line) => line.number);
  const lines: ClaimedLine[] = [];
  if (configured.length > 0) {
    for (const number of configured) {
      const found = claimed.find((summary) => summary.PhoneNumber === number);
      if (found) {
        lines.push(asLine(found));
        report.unchanged(`phone number ${number} claimed to the Connect instance`);
      } else {
        const line = await claimNumber(ctx, instance, number, 'from PHONE_LINES');
        if (line) lines.push(line);
      }
    }
    return lines;
  }
  for (const summary of claimed.filter((item) => item.PhoneNumberDescription === LINE_DESCRIPTION)) {
    lines.push(asLine(summary));
    report.unchanged(`phone number ${summary.PhoneNumber} claimed to the Connect instance`);
  }
  const missing = settings.lineCount - lines.length;
  if (missing <= 0) return lines;
  const kind = `${settings.numberCountry} ${settings.numberType}${settings.numberPrefix ? ` ${settings.numberPrefix}…` : ''}`;
  if (instance === undefined || report.dryRun) {
    for (let index = 0; index < missing; index++)
      await claimNumber(ctx, instance, undefined, `a new ${kind} number`);
    return lines;
  }
  const available = await awsCall(`Connect SearchAvailablePhoneNumbers (${kind})`, () =>
    ctx.connect.send(
      new SearchAvailablePhoneNumbersCommand({
        TargetArn: instance.arn,
        PhoneNumberCountryCode: settings.numberCountry as PhoneNumberCountryCode,
        PhoneNumberType: settings.numberType,
        ...(settings.numberPrefix ? { PhoneNumberPrefix: settings.numberPrefix } : {}),
        MaxResults: Math.min(10, Math.max(missing, 1)),
      }),
    ),
  );
  const numbers = (available.AvailableNumbersList ?? []).flatMap((item) =>
    item.PhoneNumber ? [item.PhoneNumber] : [],
  );
  if (numbers.length < missing)
    throw new AwsCallError(
      `Amazon Connect offers ${numbers.length} ${kind} number(s), ${missing} needed: change PHONE_NUMBER_TYPE, ` +
        'PHONE_NUMBER_PREFIX or PHONE_NUMBER_COUNTRY, or name numbers in PHONE_LINES.',
    );
  for (const number of numbers.slice(0, missing)) {
    const line = await claimNumber(ctx, instance, number, `a new ${kind} number`);
    if (line) lines.push(line);
  }
  return lines;
}

function asLine(summary: ListPhoneNumbersSummary): ClaimedLine {
  return {
    number: summary.PhoneNumber as string,
    id: summary.PhoneNumberId as string,
    arn: summary.PhoneNumberArn as string,
  };
}

async function listClaimedNumbers(ctx: ConnectContext, instance: ConnectInstanceRef) {
  return awsCall(`Connect ListPhoneNumbersV2 (instance ${instance.id})`, async () => {
    const numbers: ListPhoneNumbersSummary[] = [];
    for await (const page of paginateListPhoneNumbersV2(
      { client: ctx.connect },
      { TargetArn: instance.arn },
    )) {
      for (const summary of page.ListPhoneNumbersSummaryList ?? []) {
        if (summary.PhoneNumber && summary.PhoneNumberId && summary.PhoneNumberArn) numbers.push(summary);
      }
    }
    return numbers;
  });
}

/** Claims one number to the instance and waits until Connect says it is claimed. */
async function claimNumber(
  ctx: ConnectContext,
  instance: ConnectInstanceRef | undefined,
  number: string | undefined,
  origin: string,
): Promise<ClaimedLine | undefined> {
  const resource = `phone number ${number ?? '(to be chosen)'} claimed to the Connect instance`;
  const claimed = await ctx.report.write(
    'created',
    resource,
    async () => {
      const target = instance as ConnectInstanceRef;
      const answer = await awsCall(`Connect ClaimPhoneNumber (${number})`, () =>
        ctx.connect.send(
          new ClaimPhoneNumberCommand({
            TargetArn: target.arn,
            PhoneNumber: number as string,
            PhoneNumberDescription: LINE_DESCRIPTION,
            Tags: { [SETUP_TAG.key]: SETUP_TAG.value },
          }),
        ),
      );
      if (!answer.PhoneNumberId || !answer.PhoneNumberArn)
        throw new AwsCallError(`Connect ClaimPhoneNumber (${number}) answered without the number's id.`);
      await waitUntilClaimed(ctx, number as string, answer.PhoneNumberId);
      return { number: number as string, id: answer.PhoneNumberId, arn: answer.PhoneNumberArn };
    },
    origin,
  );
  return claimed;
}

async function waitUntilClaimed(ctx: ConnectContext, number: string, id: string): Promise<void> {
  const { value, ready } = await pollUntil(
    () =>
      awsCall(`Connect DescribePhoneNumber (${number})`, () =>
        ctx.connect.send(new DescribePhoneNumberCommand({ PhoneNumberId: id })),
      ),
    (answer) => {
      const status = answer.ClaimedPhoneNumberSummary?.PhoneNumberStatus;
      if (status?.Status === 'CLAIMED') return 'ready';
      if (status?.Status === 'FAILED')
        return new AwsCallError(`Connect could not claim ${number}: ${status.Message ?? 'no reason given'}.`);
      return 'waiting';
    },
    ctx.polling.number,
    ctx.sleep,
  );
  if (!ready)
    throw new AwsCallError(
      `Connect is still claiming ${number} (${value.ClaimedPhoneNumberSummary?.PhoneNumberStatus?.Status ?? 'no status'}); ` +
        'run phone:setup again in a few minutes.',
    );
}

/** Every line answered by the contact flow. */
export async function ensureLineFlowAssociations(
  ctx: ConnectContext,
  instance: ConnectInstanceRef | undefined,
  flow: ContactFlowRef | undefined,
  lines: ClaimedLine[],
): Promise<void> {
  const { connect, report, settings } = ctx;
  const associations =
    instance === undefined
      ? []
      : await awsCall(`Connect ListFlowAssociations (instance ${instance.id})`, async () => {
          const all: Array<{ resourceId: string; flowId: string }> = [];
          for await (const page of paginateListFlowAssociations(
            { client: connect },
            { InstanceId: instance.id, ResourceType: 'VOICE_PHONE_NUMBER' },
          )) {
            for (const item of page.FlowAssociationSummaryList ?? []) {
              if (item.ResourceId && item.FlowId)
                all.push({ resourceId: item.ResourceId, flowId: item.FlowId });
            }
          }
          return all;
        });
  for (const line of lines) {
    const resource = `phone number ${line.number} answered by contact flow "${settings.contactFlowName}"`;
    // AWS names resources by id or by ARN depending on the call: either counts.
    const current = associations.find((item) => names(item.resourceId, line));
    if (flow !== undefined && current !== undefined && names(current.flowId, flow)) {
      report.unchanged(resource);
      continue;
    }
    await report.write(current === undefined ? 'created' : 'updated', resource, () =>
      awsCall(`Connect AssociatePhoneNumberContactFlow (${line.number})`, () =>
        connect.send(
          new AssociatePhoneNumberContactFlowCommand({
            InstanceId: (instance as ConnectInstanceRef).id,
            PhoneNumberId: line.id,
            ContactFlowId: (flow as ContactFlowRef).id,
          }),
        ),
      ),
    );
  }
}

function names(reference: string, resource: { id: string; arn: string }): boolean {
  return reference === resource.id || reference === resource.arn || reference.endsWith(`/${resource.id}`);
}
