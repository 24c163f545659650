import {
  DescribePhoneNumbersCommand,
  ListTagsForResourceCommand,
  type PhoneNumberInformation,
  type PinpointSMSVoiceV2Client,
  paginateDescribePhoneNumbers,
  RequestPhoneNumberCommand,
  UpdatePhoneNumberCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { AwsCallError, ConfigError } from '../../common/errors';
import { awsCall, type Polling, pollUntil } from './aws';
import { SETUP_TAG } from './connect';
import type { SetupReport } from './report';
import type { PhoneSetupSettings } from './settings';

export interface SmsContext {
  sms: PinpointSMSVoiceV2Client;
  settings: PhoneSetupSettings;
  report: SetupReport;
  sleep: (ms: number) => Promise<void>;
  polling: Polling;
}

interface SmsNumber {
  id: string;
  arn: string;
  number: string;
  status: string;
  twoWayEnabled: boolean;
  twoWayChannelArn: string | undefined;
  twoWayChannelRole: string | undefined;
}

/**
 * Two-way SMS (AWS End User Messaging SMS) into the inbound topic, on: PHONE_SMS_NUMBER if set, and every voice
 * line that is also an End User Messaging number (then one line takes both calls and texts). With neither, the
 * number set-up requested before (pointed at the topic, or carrying its tag), else a newly requested one.
 * Returns the numbers that receive texts into the topic (in a dry run: those that would).
 */
export async function ensureTwoWaySms(ctx: SmsContext, voiceNumbers: readonly string[]): Promise<string[]> {
  const { settings, report } = ctx;
  const topic = settings.smsTopicArn;
  if (topic === undefined) {
    report.skipped('two-way SMS', 'PHONE_SMS_TOPIC_ARN is not set, so texts sent to the lines reach nobody');
    return [];
  }
  const all = await listSmsNumbers(ctx);
  const targets: SmsNumber[] = [];
  const add = (candidate: SmsNumber) => {
    if (!targets.some((target) => target.id === candidate.id)) targets.push(candidate);
  };
  if (settings.smsNumber !== undefined) {
    const wanted = settings.smsNumber;
    const found = all.find((item) => item.number === wanted || item.id === wanted || item.arn === wanted);
    if (found === undefined)
      throw new ConfigError([
        {
          variable: 'PHONE_SMS_NUMBER',
          problem: `PHONE_SMS_NUMBER=${wanted} is not an AWS End User Messaging SMS number of this account in ${settings.region}`,
        },
      ]);
    add(found);
  }
  for (const item of all) if (voiceNumbers.includes(item.number)) add(item);
  if (targets.length === 0) {
    const earlier = all.find((item) => item.twoWayChannelArn === topic) ?? (await findTagged(ctx, all));
    if (earlier) add(earlier);
  }
  const receiving: string[] = [];
  if (targets.length === 0) {
    const requested = await requestNumber(ctx);
    if (requested === undefined) {
      // A dry run: nothing was requested, so the two-way set-up is only planned.
      await report.write('created', `two-way SMS of the new number into ${topic}`, async () => undefined);
      return receiving;
    }
    const ready = await whenActive(ctx, requested);
    if (await pointAtTopic(ctx, ready, topic, 'created')) receiving.push(ready.number);
    return receiving;
  }
  for (const target of targets) {
    report.unchanged(`End User Messaging number ${target.number} (${target.id})`);
    const ready = target.status === 'ACTIVE' ? target : await whenActive(ctx, target);
    if (await pointAtTopic(ctx, ready, topic, 'updated')) receiving.push(ready.number);
  }
  return receiving;
}

function asSmsNumber(item: PhoneNumberInformation): SmsNumber {
  return {
    id: item.PhoneNumberId ?? item.PhoneNumberArn,
    arn: item.PhoneNumberArn,
    number: item.PhoneNumber,
    status: item.Status,
    twoWayEnabled: item.TwoWayEnabled === true,
    twoWayChannelArn: item.TwoWayChannelArn,
    twoWayChannelRole: item.TwoWayChannelRole,
  } as SmsNumber;
}

async function listSmsNumbers(ctx: SmsContext): Promise<SmsNumber[]> {
  return awsCall('End User Messaging DescribePhoneNumbers', async () => {
    const numbers: SmsNumber[] = [];
    for await (const page of paginateDescribePhoneNumbers({ client: ctx.sms }, {})) {
      for (const item of page.PhoneNumbers ?? [])
        if (item.Status !== 'DELETED') numbers.push(asSmsNumber(item));
    }
    return numbers;
  });
}

/** A number set-up requested on an earlier run that stopped before pointing it at the topic. */
async function findTagged(ctx: SmsContext, all: SmsNumber[]): Promise<SmsNumber | undefined> {
  for (const item of all) {
    const answer = await awsCall(`End User Messaging ListTagsForResource (${item.number})`, () =>
      ctx.sms.send(new ListTagsForResourceCommand({ ResourceArn: item.arn })),
    );
    if (answer.Tags?.some((tag) => tag.Key === SETUP_TAG.key && tag.Value === SETUP_TAG.value)) return item;
  }
  return undefined;
}

async function requestNumber(ctx: SmsContext): Promise<SmsNumber | undefined> {
  const { settings } = ctx;
  const kind = `${settings.numberCountry} ${settings.smsNumberType}`;
  return ctx.report.write(
    'created',
    `End User Messaging number (${kind}, SMS)`,
    async () => {
      const answer = await awsCall(`End User Messaging RequestPhoneNumber (${kind})`, () =>
        ctx.sms.send(
          new RequestPhoneNumberCommand({
            IsoCountryCode: settings.numberCountry,
            MessageType: 'TRANSACTIONAL',
            NumberCapabilities: ['SMS'],
            NumberType: settings.smsNumberType,
            ...(settings.smsRegistrationId ? { RegistrationId: settings.smsRegistrationId } : {}),
            DeletionProtectionEnabled: true,
            Tags: [{ Key: SETUP_TAG.key, Value: SETUP_TAG.value }],
          }),
        ),
      );
      if (!answer.PhoneNumberArn || !answer.PhoneNumber)
        throw new AwsCallError('End User Messaging RequestPhoneNumber answered without the number.');
      return asSmsNumber(answer as PhoneNumberInformation);
    },
    (number) => `${number.number} (${number.id})`,
  );
}

/** A number that is not ACTIVE yet (just requested, or awaiting registration), read again until it is. */
async function whenActive(ctx: SmsContext, number: SmsNumber): Promise<SmsNumber> {
  const { value } = await pollUntil(
    async () => {
      const answer = await awsCall(`End User Messaging DescribePhoneNumbers (${number.number})`, () =>
        ctx.sms.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [number.id] })),
      );
      const item = answer.PhoneNumbers?.[0];
      return item ? asSmsNumber(item) : number;
    },
    (current) => (current.status === 'ACTIVE' ? 'ready' : 'waiting'),
    ctx.polling,
    ctx.sleep,
  );
  return value;
}

/** Two-way on into the topic; false when the number is not ACTIVE yet (reported as pending). */
async function pointAtTopic(
  ctx: SmsContext,
  number: SmsNumber,
  topic: string,
  change: 'created' | 'updated',
): Promise<boolean> {
  const { report, settings } = ctx;
  const role = settings.smsRoleArn;
  const resource = `two-way SMS of ${number.number} into ${topic}`;
  if (number.status !== 'ACTIVE') {
    report.pending(
      resource,
      `the number is ${number.status}; run phone:setup again once it is ACTIVE` +
        (settings.smsRegistrationId
          ? ''
          : ' (numbers of some countries need a registration: PHONE_SMS_REGISTRATION_ID)'),
    );
    return false;
  }
  const pointed =
    number.twoWayEnabled &&
    number.twoWayChannelArn === topic &&
    (role === undefined || number.twoWayChannelRole === role);
  if (pointed) {
    report.unchanged(resource);
    return true;
  }
  await report.write(change, resource, () =>
    awsCall(`End User Messaging UpdatePhoneNumber (${number.number})`, () =>
      ctx.sms.send(
        new UpdatePhoneNumberCommand({
          PhoneNumberId: number.id,
          TwoWayEnabled: true,
          TwoWayChannelArn: topic,
          ...(role ? { TwoWayChannelRole: role } : {}),
        }),
      ),
    ),
  );
  return true;
}
