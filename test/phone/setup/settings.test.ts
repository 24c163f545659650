// Tests src/phone/setup/settings.ts: what `npm run phone:setup` reads, and errors that name each bad variable.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/common/errors';
import { loadPhoneSetupSettings } from '../../../src/phone/setup/settings';

const LAMBDA = 'arn:aws:lambda:eu-west-2:123456789012:function:sandbox-teardown-prod-phone';
const MINIMAL = {
  PHONE_CONNECT_ALIAS: 'acme-teardown',
  PHONE_LAMBDA_ARN: LAMBDA,
  PHONE_AUDIO_BUCKET: 'acme-phone-audio',
};

function problem(env: Record<string, string>): ConfigError {
  try {
    loadPhoneSetupSettings(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no ConfigError');
}

describe('loadPhoneSetupSettings', () => {
  it('fills in the defaults around the three required settings', () => {
    expect(loadPhoneSetupSettings({ ...MINIMAL, AWS_REGION: 'eu-west-2' })).toEqual({
      region: 'eu-west-2',
      connectInstanceId: undefined,
      connectAlias: 'acme-teardown',
      lines: [],
      lineCount: 1,
      numberCountry: 'US',
      numberType: 'DID',
      numberPrefix: undefined,
      lambdaArn: LAMBDA,
      audioBucket: 'acme-phone-audio',
      audioPrefix: 'phone-audio/',
      contactFlowName: 'sandbox-teardown-verification-call',
      smsTopicArn: undefined,
      smsNumber: undefined,
      smsRoleArn: undefined,
      smsNumberType: 'TOLL_FREE',
      smsRegistrationId: undefined,
    });
  });

  it('takes every optional setting as given', () => {
    const settings = loadPhoneSetupSettings({
      ...MINIMAL,
      PHONE_CONNECT_ALIAS: '',
      PHONE_CONNECT_INSTANCE_ID:
        'arn:aws:connect:eu-west-2:123456789012:instance/0c8a5d5e-1234-4abc-9def-0123456789ab',
      PHONE_LINES: '+442071838750, +447700900123=U0PERSON1',
      PHONE_LINE_COUNT: '3',
      PHONE_NUMBER_COUNTRY: 'GB',
      PHONE_NUMBER_TYPE: 'TOLL_FREE',
      PHONE_NUMBER_PREFIX: '+44800',
      PHONE_AUDIO_PREFIX: '/teardown/audio',
      PHONE_CONTACT_FLOW_NAME: 'Verification call',
      PHONE_SMS_TOPIC_ARN: 'arn:aws:sns:eu-west-2:123456789012:inbound-sms',
      PHONE_SMS_NUMBER: 'phone-0123456789abcdef',
      PHONE_SMS_ROLE_ARN: 'arn:aws:iam::123456789012:role/service/sms-to-sns',
      PHONE_SMS_NUMBER_TYPE: 'LONG_CODE',
      PHONE_SMS_REGISTRATION_ID: 'registration-0123456789',
    });
    expect(settings).toMatchObject({
      connectInstanceId:
        'arn:aws:connect:eu-west-2:123456789012:instance/0c8a5d5e-1234-4abc-9def-0123456789ab',
      connectAlias: undefined,
      lines: [{ number: '+442071838750' }, { number: '+447700900123', person: 'U0PERSON1' }],
      lineCount: 3,
      numberCountry: 'GB',
      numberType: 'TOLL_FREE',
      numberPrefix: '+44800',
      audioPrefix: 'teardown/audio/',
      contactFlowName: 'Verification call',
      smsNumber: 'phone-0123456789abcdef',
      smsNumberType: 'LONG_CODE',
      smsRegistrationId: 'registration-0123456789',
    });
  });

  it('names every missing required variable in one error', () => {
    const error = problem({});
    expect(error.variables).toEqual(['PHONE_CONNECT_ALIAS', 'PHONE_LAMBDA_ARN', 'PHONE_AUDIO_BUCKET']);
    expect(error.message).toContain(
      'PHONE_CONNECT_ALIAS is required when PHONE_CONNECT_INSTANCE_ID is not set',
    );
    expect(error.message).toContain('PHONE_LAMBDA_ARN is required but not set');
    expect(error.message).toContain('PHONE_AUDIO_BUCKET is required but not set');
  });

  it('names each malformed value, PHONE_LINES included, with what it should look like', () => {
    const error = problem({
      ...MINIMAL,
      PHONE_CONNECT_ALIAS: 'd-starts-like-a-directory',
      PHONE_LAMBDA_ARN: 'sandbox-teardown-phone',
      PHONE_LINES: '555-0100',
      PHONE_LINE_COUNT: '0',
      PHONE_NUMBER_TYPE: 'MOBILE',
      PHONE_SMS_TOPIC_ARN: 'inbound-sms',
    });
    expect(error.variables.sort()).toEqual(
      [
        'PHONE_CONNECT_ALIAS',
        'PHONE_LAMBDA_ARN',
        'PHONE_LINES',
        'PHONE_LINE_COUNT',
        'PHONE_NUMBER_TYPE',
        'PHONE_SMS_TOPIC_ARN',
      ].sort(),
    );
    expect(error.message).toContain('PHONE_LAMBDA_ARN="sandbox-teardown-phone" is not a Lambda function ARN');
    expect(error.message).toContain('PHONE_LINES: "555-0100" is not an E.164 number');
    expect(error.message).toContain('PHONE_NUMBER_TYPE="MOBILE" is not DID or TOLL_FREE');
    expect(error.message).toContain('PHONE_SMS_TOPIC_ARN="inbound-sms" is not an SNS topic ARN');
  });

  it('refuses SMS settings without the topic they are for', () => {
    const error = problem({ ...MINIMAL, PHONE_SMS_NUMBER: '+18885550111' });
    expect(error.variables).toEqual(['PHONE_SMS_TOPIC_ARN']);
    expect(error.message).toContain('PHONE_SMS_NUMBER is set but PHONE_SMS_TOPIC_ARN is not');
  });
});
