import { Reader } from '../../common/config';
import { ConfigError } from '../../common/errors';
import { type PhoneLine, parsePhoneLines } from '../../common/phone-lines';

/** What `npm run phone:setup` provisions, read from the environment (see {@link loadPhoneSetupSettings}). */
export interface PhoneSetupSettings {
  region: string;
  /** Use this Connect instance (id or ARN) as it is; otherwise find or create the one named by `connectAlias`. */
  connectInstanceId: string | undefined;
  connectAlias: string | undefined;
  /** PHONE_LINES as configured, person lines included (set-up skips them but keeps them in the printed value). */
  lines: PhoneLine[];
  /** How many lines to have when PHONE_LINES names none of ours. */
  lineCount: number;
  numberCountry: string;
  numberType: 'DID' | 'TOLL_FREE';
  numberPrefix: string | undefined;
  lambdaArn: string;
  audioBucket: string;
  /** Key prefix of the audio files, ending in `/` (or empty). */
  audioPrefix: string;
  contactFlowName: string;
  /** Inbound SMS topic; without it the SMS part is skipped. */
  smsTopicArn: string | undefined;
  /** An End User Messaging number to use for SMS (E.164, phone-number id or ARN). */
  smsNumber: string | undefined;
  smsRoleArn: string | undefined;
  smsNumberType: 'TOLL_FREE' | 'LONG_CODE' | 'TEN_DLC' | 'SIMULATOR';
  smsRegistrationId: string | undefined;
}

type Env = Record<string, string | undefined>;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
// Connect's own rule for an alias (it becomes part of the instance's access URL).
const CONNECT_ALIAS = /^(?!d-)[\da-zA-Z]+(-*[\da-zA-Z])*$/;
const CONNECT_INSTANCE = /^([0-9a-f-]{36}|arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36})$/;
const LAMBDA_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const SMS_NUMBER =
  /^(\+[1-9]\d{6,14}|phone-[0-9a-z]+|arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:\d{12}:phone-number\/phone-[0-9a-z]+)$/;

/**
 * Reads the set-up's variables, collecting every problem so one error names them all. The AWS SDK reads
 * credentials and endpoints (`AWS_ENDPOINT_URL…`) itself.
 */
export function loadPhoneSetupSettings(env: Env = process.env): PhoneSetupSettings {
  const read = new Reader(env);
  const value = (name: string) => env[name]?.trim() || undefined;
  const connectInstanceId = value('PHONE_CONNECT_INSTANCE_ID');
  const connectAlias = value('PHONE_CONNECT_ALIAS');
  if (connectInstanceId === undefined && connectAlias === undefined) {
    read.problems.push({
      variable: 'PHONE_CONNECT_ALIAS',
      problem:
        'PHONE_CONNECT_ALIAS is required when PHONE_CONNECT_INSTANCE_ID is not set (the alias of the Amazon Connect ' +
        'instance to find or create, e.g. acme-sandbox-teardown)',
    });
  }
  if (connectInstanceId !== undefined)
    read.optional(
      'PHONE_CONNECT_INSTANCE_ID',
      '',
      CONNECT_INSTANCE,
      'a Connect instance id (UUID) or instance ARN',
    );
  if (connectAlias !== undefined && (!CONNECT_ALIAS.test(connectAlias) || connectAlias.length > 45))
    read.problems.push({
      variable: 'PHONE_CONNECT_ALIAS',
      problem: `PHONE_CONNECT_ALIAS="${connectAlias}" is not a Connect instance alias (up to 45 letters, digits and inner hyphens, not starting with d-)`,
    });

  let lines: PhoneLine[] = [];
  try {
    lines = parsePhoneLines(env.PHONE_LINES);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Keep its problems beside the others, so one error names every bad variable.
    for (const line of error.message.split('\n').filter((text) => text.startsWith('- ')))
      read.problems.push({ variable: 'PHONE_LINES', problem: line.slice(2) });
  }

  const lineCountText = read.optional('PHONE_LINE_COUNT', '1', /^([1-9]|10)$/, 'a whole number from 1 to 10');
  const settings: PhoneSetupSettings = {
    region: read.optional('AWS_REGION', 'us-east-1', REGION, 'an AWS region such as us-east-1'),
    connectInstanceId,
    connectAlias,
    lines,
    lineCount: Number(lineCountText) || 1,
    numberCountry: read.optional(
      'PHONE_NUMBER_COUNTRY',
      'US',
      /^[A-Z]{2}$/,
      'an ISO country code such as US',
    ),
    numberType: read.optional('PHONE_NUMBER_TYPE', 'DID', /^(DID|TOLL_FREE)$/, 'DID or TOLL_FREE') as
      | 'DID'
      | 'TOLL_FREE',
    numberPrefix:
      value('PHONE_NUMBER_PREFIX') &&
      read.optional('PHONE_NUMBER_PREFIX', '', /^\+\d{1,14}$/, 'a number prefix such as +1206'),
    lambdaArn: read.required('PHONE_LAMBDA_ARN', LAMBDA_ARN, 'a Lambda function ARN'),
    audioBucket: read.required('PHONE_AUDIO_BUCKET', BUCKET, 'an S3 bucket name'),
    audioPrefix: normalisePrefix(
      read.optional(
        'PHONE_AUDIO_PREFIX',
        'phone-audio/',
        /^[A-Za-z0-9!_.*'()/-]{0,200}$/,
        'an S3 key prefix',
      ),
    ),
    contactFlowName: read.optional(
      'PHONE_CONTACT_FLOW_NAME',
      'sandbox-teardown-verification-call',
      /^.{1,127}$/,
      'a contact flow name (1–127 characters)',
    ),
    smsTopicArn:
      value('PHONE_SMS_TOPIC_ARN') &&
      read.optional('PHONE_SMS_TOPIC_ARN', '', SNS_TOPIC_ARN, 'an SNS topic ARN'),
    smsNumber:
      value('PHONE_SMS_NUMBER') &&
      read.optional(
        'PHONE_SMS_NUMBER',
        '',
        SMS_NUMBER,
        'an E.164 number, an End User Messaging phone number id (phone-…) or its ARN',
      ),
    smsRoleArn:
      value('PHONE_SMS_ROLE_ARN') && read.optional('PHONE_SMS_ROLE_ARN', '', ROLE_ARN, 'an IAM role ARN'),
    smsNumberType: read.optional(
      'PHONE_SMS_NUMBER_TYPE',
      'TOLL_FREE',
      /^(TOLL_FREE|LONG_CODE|TEN_DLC|SIMULATOR)$/,
      'TOLL_FREE, LONG_CODE, TEN_DLC or SIMULATOR',
    ) as PhoneSetupSettings['smsNumberType'],
    smsRegistrationId: value('PHONE_SMS_REGISTRATION_ID'),
  };
  if (settings.smsTopicArn === undefined) {
    for (const name of ['PHONE_SMS_NUMBER', 'PHONE_SMS_ROLE_ARN', 'PHONE_SMS_REGISTRATION_ID']) {
      if (value(name) !== undefined)
        read.problems.push({
          variable: 'PHONE_SMS_TOPIC_ARN',
          problem: `${name} is set but PHONE_SMS_TOPIC_ARN is not: two-way SMS needs the inbound SNS topic's ARN`,
        });
    }
  }
  read.done();
  return settings;
}

function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}
