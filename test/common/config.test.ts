import { describe, expect, it } from 'vitest';
import { loadConfig, loadLambdaWiring } from '../../src/common/config';
import { ConfigError } from '../../src/common/errors';

type Env = Record<string, string | undefined>;

/** The least a deployment must set. */
const MINIMAL: Env = {
  TEARDOWN_TABLE: 'sandbox-teardown',
  TEARDOWN_ALLOWED_OUS: 'ou-ab12-cdef3456',
  TEARDOWN_REQUESTERS: 'U0REQUEST',
  TEARDOWN_APPROVERS: 'U0APPROVE',
};

function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('the configuration was accepted');
}

describe('loadConfig', () => {
  it('fills in the documented defaults', () => {
    expect(loadConfig(MINIMAL)).toEqual({
      region: 'us-east-1',
      tableName: 'sandbox-teardown',
      allowedParentIds: ['ou-ab12-cdef3456'],
      protectTagKey: 'teardown:protect',
      requesters: { users: ['U0REQUEST'], groups: [] },
      approvers: { users: ['U0APPROVE'], groups: [] },
      defaultStrategy: 'close',
      closeFallbackToRemove: false,
      rootCredentialsRetentionMs: 90 * 86_400_000,
      deadlines: {
        approvalMs: 24 * 3_600_000,
        closeMs: 2 * 3_600_000,
        mailMs: 15 * 60_000,
        humanMs: 24 * 3_600_000,
      },
    });
  });

  it('treats blank variables as unset', () => {
    const config = loadConfig({
      ...MINIMAL,
      AWS_REGION: '  ',
      TEARDOWN_DEFAULT_STRATEGY: '',
      TEARDOWN_APPROVAL_DEADLINE: ' ',
    });
    expect(config.region).toBe('us-east-1');
    expect(config.defaultStrategy).toBe('close');
    expect(config.deadlines.approvalMs).toBe(24 * 3_600_000);
  });

  it('takes every setting from the environment, trimmed', () => {
    const config = loadConfig({
      ...MINIMAL,
      AWS_REGION: ' eu-central-1 ',
      TEARDOWN_TABLE: ' teardowns_prod ',
      TEARDOWN_PROTECT_TAG: 'platform/keep',
      TEARDOWN_DEFAULT_STRATEGY: 'remove',
      TEARDOWN_CLOSE_FALLBACK_TO_REMOVE: 'true',
      TEARDOWN_APPROVAL_DEADLINE: '2d',
      TEARDOWN_CLOSE_DEADLINE: '90m',
      TEARDOWN_MAIL_DEADLINE: '45s',
      TEARDOWN_HUMAN_DEADLINE: '12h',
    });
    expect(config.region).toBe('eu-central-1');
    expect(config.tableName).toBe('teardowns_prod');
    expect(config.protectTagKey).toBe('platform/keep');
    expect(config.defaultStrategy).toBe('remove');
    expect(config.closeFallbackToRemove).toBe(true);
    expect(config.deadlines).toEqual({
      approvalMs: 2 * 86_400_000,
      closeMs: 90 * 60_000,
      mailMs: 45_000,
      humanMs: 12 * 3_600_000,
    });
  });

  it('accepts GovCloud-style regions', () => {
    expect(loadConfig({ ...MINIMAL, AWS_REGION: 'us-gov-west-1' }).region).toBe('us-gov-west-1');
  });

  it.each(['true', 'TRUE', '1', 'yes', 'on'])('reads %s as switching the fallback on', (value) => {
    expect(loadConfig({ ...MINIMAL, TEARDOWN_CLOSE_FALLBACK_TO_REMOVE: value }).closeFallbackToRemove).toBe(
      true,
    );
  });

  it.each(['false', 'False', '0', 'no', 'off'])('reads %s as switching the fallback off', (value) => {
    expect(loadConfig({ ...MINIMAL, TEARDOWN_CLOSE_FALLBACK_TO_REMOVE: value }).closeFallbackToRemove).toBe(
      false,
    );
  });

  it('splits principals into users (U…, W…) and user groups (S…)', () => {
    const config = loadConfig({
      ...MINIMAL,
      TEARDOWN_REQUESTERS: 'U01ALICE, W02BOB S03PLATFORM',
      TEARDOWN_APPROVERS: 'S04LEADS,U05CAROL',
    });
    expect(config.requesters).toEqual({ users: ['U01ALICE', 'W02BOB'], groups: ['S03PLATFORM'] });
    expect(config.approvers).toEqual({ users: ['U05CAROL'], groups: ['S04LEADS'] });
  });

  it('lists each principal once, however often it was given', () => {
    const config = loadConfig({ ...MINIMAL, TEARDOWN_APPROVERS: 'U01ALICE,U01ALICE, S03TEAM S03TEAM,,' });
    expect(config.approvers).toEqual({ users: ['U01ALICE'], groups: ['S03TEAM'] });
  });

  it('accepts OU ids and the root id as allowed parents, each once', () => {
    const config = loadConfig({
      ...MINIMAL,
      TEARDOWN_ALLOWED_OUS: 'ou-ab12-cdef3456, r-ab12\nou-zz99-0123456789abcdef,r-ab12',
    });
    expect(config.allowedParentIds).toEqual(['ou-ab12-cdef3456', 'r-ab12', 'ou-zz99-0123456789abcdef']);
  });

  describe('rejects a bad value with a message naming the variable and the value', () => {
    it.each<[string, string, string]>([
      ['AWS_REGION', 'Europe', 'AWS_REGION="Europe" is not an AWS region such as us-east-1'],
      ['TEARDOWN_TABLE', 'ab', 'TEARDOWN_TABLE="ab" is not a DynamoDB table name'],
      ['TEARDOWN_TABLE', 'my table', 'TEARDOWN_TABLE="my table" is not a DynamoDB table name'],
      [
        'TEARDOWN_ALLOWED_OUS',
        'ou-ab12-cdef3456,123456789012',
        'TEARDOWN_ALLOWED_OUS: "123456789012" is not an OU id (ou-…) or root id (r-…)',
      ],
      [
        'TEARDOWN_ALLOWED_OUS',
        'ou-sandbox',
        'TEARDOWN_ALLOWED_OUS: "ou-sandbox" is not an OU id (ou-…) or root id (r-…)',
      ],
      [
        'TEARDOWN_REQUESTERS',
        'U01ALICE,@bob',
        'TEARDOWN_REQUESTERS: "@bob" is not a Slack user id (U…, W…) or user group id (S…)',
      ],
      [
        'TEARDOWN_APPROVERS',
        'C0CHANNEL',
        'TEARDOWN_APPROVERS: "C0CHANNEL" is not a Slack user id (U…, W…) or user group id (S…)',
      ],
      [
        'TEARDOWN_APPROVERS',
        'u01alice',
        'TEARDOWN_APPROVERS: "u01alice" is not a Slack user id (U…, W…) or user group id (S…)',
      ],
      ['TEARDOWN_PROTECT_TAG', 'k'.repeat(129), `TEARDOWN_PROTECT_TAG="${'k'.repeat(129)}" is not a tag key`],
      ['TEARDOWN_DEFAULT_STRATEGY', 'delete', 'TEARDOWN_DEFAULT_STRATEGY="delete" is not close or remove'],
      [
        'TEARDOWN_CLOSE_FALLBACK_TO_REMOVE',
        'maybe',
        'TEARDOWN_CLOSE_FALLBACK_TO_REMOVE="maybe" is not true or false',
      ],
      [
        'TEARDOWN_APPROVAL_DEADLINE',
        'tomorrow',
        'TEARDOWN_APPROVAL_DEADLINE="tomorrow" is not a duration such as 90s, 15m, 24h or 7d',
      ],
      [
        'TEARDOWN_CLOSE_DEADLINE',
        '120',
        'TEARDOWN_CLOSE_DEADLINE="120" is not a duration such as 90s, 15m, 24h or 7d',
      ],
      [
        'TEARDOWN_MAIL_DEADLINE',
        '0m',
        'TEARDOWN_MAIL_DEADLINE="0m" is not a duration such as 90s, 15m, 24h or 7d',
      ],
      [
        'TEARDOWN_HUMAN_DEADLINE',
        '-1h',
        'TEARDOWN_HUMAN_DEADLINE="-1h" is not a duration such as 90s, 15m, 24h or 7d',
      ],
    ])('%s=%s', (variable, value, problem) => {
      const error = configError(() => loadConfig({ ...MINIMAL, [variable]: value }));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toBe(`Invalid configuration:\n- ${problem}`);
      expect(error.variables).toEqual([variable]);
    });
  });

  it.each(['TEARDOWN_TABLE', 'TEARDOWN_ALLOWED_OUS', 'TEARDOWN_REQUESTERS', 'TEARDOWN_APPROVERS'])(
    'refuses to start without %s',
    (variable) => {
      const error = configError(() => loadConfig({ ...MINIMAL, [variable]: undefined }));
      expect(error.message).toContain(`- ${variable} is required but not set`);
      expect(error.variables).toEqual([variable]);
    },
  );

  it('reports every problem at once, in the order the variables are read', () => {
    const error = configError(() =>
      loadConfig({
        AWS_REGION: 'mars',
        TEARDOWN_ALLOWED_OUS: 'sandbox',
        TEARDOWN_REQUESTERS: 'alice,bob',
        TEARDOWN_APPROVERS: 'U0APPROVE',
        TEARDOWN_DEFAULT_STRATEGY: 'nuke',
        TEARDOWN_MAIL_DEADLINE: 'soon',
      }),
    );
    expect(error.variables).toEqual([
      'AWS_REGION',
      'TEARDOWN_TABLE',
      'TEARDOWN_ALLOWED_OUS',
      'TEARDOWN_REQUESTERS',
      'TEARDOWN_DEFAULT_STRATEGY',
      'TEARDOWN_MAIL_DEADLINE',
    ]);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    expect(lines.slice(1)).toEqual([
      '- AWS_REGION="mars" is not an AWS region such as us-east-1',
      expect.stringContaining('TEARDOWN_TABLE is required but not set'),
      '- TEARDOWN_ALLOWED_OUS: "sandbox" is not an OU id (ou-…) or root id (r-…)',
      '- TEARDOWN_REQUESTERS: "alice" is not a Slack user id (U…, W…) or user group id (S…)',
      '- TEARDOWN_REQUESTERS: "bob" is not a Slack user id (U…, W…) or user group id (S…)',
      '- TEARDOWN_DEFAULT_STRATEGY="nuke" is not close or remove',
      '- TEARDOWN_MAIL_DEADLINE="soon" is not a duration such as 90s, 15m, 24h or 7d',
    ]);
  });
});

describe('loadLambdaWiring', () => {
  const WIRING: Env = {
    PIPELINE_FUNCTION_NAME: 'sandbox-teardown-pipeline',
    PIPELINE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:sandbox-teardown-pipeline',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/teardown-scheduler',
  };

  it('reads function names and the scheduler, defaulting the group and leaving the browser out', () => {
    expect(loadLambdaWiring(WIRING)).toEqual({
      pipelineFunctionName: 'sandbox-teardown-pipeline',
      pipelineFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:sandbox-teardown-pipeline',
      browserFunctionName: undefined,
      schedulerGroup: 'default',
      schedulerRoleArn: 'arn:aws:iam::123456789012:role/teardown-scheduler',
    });
  });

  it('takes the browser function and scheduler group when set', () => {
    const wiring = loadLambdaWiring({
      ...WIRING,
      BROWSER_FUNCTION_NAME: ' sandbox-teardown-browser ',
      SCHEDULER_GROUP: 'teardown',
    });
    expect(wiring.browserFunctionName).toBe('sandbox-teardown-browser');
    expect(wiring.schedulerGroup).toBe('teardown');
  });

  it('treats a blank browser function name as absent', () => {
    expect(loadLambdaWiring({ ...WIRING, BROWSER_FUNCTION_NAME: '  ' }).browserFunctionName).toBeUndefined();
  });

  it('names every missing variable', () => {
    const error = configError(() => loadLambdaWiring({}));
    expect(error.variables).toEqual([
      'PIPELINE_FUNCTION_NAME',
      'PIPELINE_FUNCTION_ARN',
      'SCHEDULER_ROLE_ARN',
    ]);
    expect(error.message).toBe(
      [
        'Invalid configuration:',
        '- PIPELINE_FUNCTION_NAME is required but not set',
        '- PIPELINE_FUNCTION_ARN is required but not set',
        '- SCHEDULER_ROLE_ARN is required but not set',
      ].join('\n'),
    );
  });

  it('rejects values that are not ARNs, naming them', () => {
    const error = configError(() =>
      loadLambdaWiring({
        ...WIRING,
        PIPELINE_FUNCTION_ARN: 'sandbox-teardown-pipeline',
        SCHEDULER_ROLE_ARN: 'arn:aws:iam::1234:role/x',
      }),
    );
    expect(error.variables).toEqual(['PIPELINE_FUNCTION_ARN', 'SCHEDULER_ROLE_ARN']);
    expect(error.message).toContain('- PIPELINE_FUNCTION_ARN="sandbox-teardown-pipeline" is not an ARN');
    expect(error.message).toContain('- SCHEDULER_ROLE_ARN="arn:aws:iam::1234:role/x" is not an ARN');
  });
});
