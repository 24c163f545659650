import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLambdas } from '../../scripts/bundle';
import { loadConfig, loadLambdaWiring } from '../../src/common/config';
import { loadConsoleSettings } from '../../src/console/settings';
import { loadMailSettings } from '../../src/mail/classify';
import { loadPhoneSettings } from '../../src/phone/settings';
import { loadSlackSettings } from '../../src/slack/settings';
import {
  asList,
  FakeStack,
  type Json,
  type Resource,
  resource,
  roleStatements,
  type Statement,
  type Template,
} from './cloudformation';
import { zipEntries } from './zip';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

const FUNCTIONS = ['bot', 'pipeline', 'browser', 'mail', 'phone'] as const;
/** Invoked asynchronously (Lambda.Invoke Event, Scheduler, S3, SNS): each needs somewhere failures go. */
const ASYNC_FUNCTIONS = ['pipeline', 'browser', 'mail', 'phone'] as const;
const STAGE = 'test';
const PARAMS = {
  allowedOus: 'ou-ab12-cdef3456,r-ab12',
  requesters: 'U0REQUEST,S0GROUP',
  approvers: 'U0APPROVE',
};
/** What src/common/config.ts (loadConfig, loadLambdaWiring) and src/slack/settings.ts (loadSlackSettings) read. */
const ENVIRONMENT = [
  'BROWSER_FUNCTION_NAME',
  'NODE_OPTIONS',
  'PIPELINE_FUNCTION_ARN',
  'PIPELINE_FUNCTION_NAME',
  'SCHEDULER_GROUP',
  'SCHEDULER_ROLE_ARN',
  'SECRET_PREFIX',
  'SLACK_SECRET_ID',
  'TEARDOWN_ALLOWED_OUS',
  'TEARDOWN_APPROVERS',
  'TEARDOWN_CLOSE_FALLBACK_TO_REMOVE',
  'TEARDOWN_DEFAULT_STRATEGY',
  'TEARDOWN_PROTECT_TAG',
  'TEARDOWN_REQUESTERS',
  'TEARDOWN_TABLE',
];
/** Each function's own variables, beside the shared ENVIRONMENT (src/console/settings.ts, src/phone/settings.ts, …). */
const OWN_ENVIRONMENT: Record<(typeof FUNCTIONS)[number], string[]> = {
  bot: [],
  pipeline: [],
  browser: ['ARTIFACTS_BUCKET', 'PAYMENT_CARD_SECRET', 'PHONE_LINES', 'TWOCAPTCHA_SECRET'],
  mail: ['MAIL_FORWARD_FROM', 'MAIL_FORWARD_TO'],
  phone: ['PHONE_AUDIO_BASE_URL', 'PHONE_LINES'],
};
/** Actions without resource-level permissions in IAM: they can only be granted on "*". */
const NO_RESOURCE_LEVEL = new Set([
  'organizations:DescribeOrganization',
  'organizations:ListRoots',
  'organizations:ListAccounts',
  'organizations:ListParents',
  'iam:ListOrganizationsFeatures',
  'secretsmanager:GetRandomPassword',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
]);
/** Actions that end or take over member accounts: the pipeline's alone. */
const DESTRUCTIVE = [
  'organizations:CloseAccount',
  'organizations:RemoveAccountFromOrganization',
  'sts:AssumeRoot',
];

let work: string;
let out: string;
let template: Template;
let stack: FakeStack;
let refused: { code: number; output: string };

/** `osls package` in a copy of the service with freshly bundled Lambdas, offline, its temp files in `work`. */
async function osls(service: string, packageDir: string, params: Record<string, string>) {
  const bin = await realpath(join(root, 'node_modules', '.bin', 'osls'));
  const args = ['package', '--stage', STAGE, '--package', packageDir];
  for (const [name, value] of Object.entries(params)) args.push(`--param=${name}=${value}`);
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: join(work, 'tmp'), SLS_TELEMETRY_DISABLED: '1' };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  return run(process.execPath, [bin, ...args], { cwd: service, env, timeout: 60_000 });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'serverless-test-'));
  const service = join(work, 'service');
  out = join(work, 'out');
  await mkdir(join(work, 'tmp'));
  await cp(join(root, 'serverless.yml'), join(service, 'serverless.yml'));
  await cp(join(root, 'infra'), join(service, 'infra'), { recursive: true });
  await bundleLambdas(join(service, 'dist'), [...FUNCTIONS]);
  // The browser's zip takes @sparticuz/chromium (kept out of its bundle) from node_modules.
  await symlink(join(root, 'node_modules'), join(service, 'node_modules'), 'dir');

  const withoutApprovers = { allowedOus: PARAMS.allowedOus, requesters: PARAMS.requesters };
  const [, failed] = await Promise.all([
    osls(service, out, PARAMS),
    osls(service, join(work, 'refused'), withoutApprovers).then(
      () => ({ code: 0, output: '' }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        output: `${error.stdout}${error.stderr}`,
      }),
    ),
  ]);
  refused = failed;
  template = JSON.parse(await readFile(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  stack = new FakeStack(template);
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const lambda = (name: string) =>
  resource(template, `${name[0]?.toUpperCase()}${name.slice(1)}LambdaFunction`);
const props = (r: Resource) => r.Properties ?? {};
const actions = (s: Statement) => asList(s.Action);
const resources = (s: Statement) => asList(s.Resource as Json | Json[]).map((r) => stack.resolve(r));
const functionArn = (name: string) =>
  `arn:aws:lambda:eu-west-1:123456789012:function:sandbox-teardown-${STAGE}-${name}`;
const pipelineArn = () => functionArn('pipeline');
const ofType = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type);
const roleOf = (name: string) => `${name[0]?.toUpperCase()}${name.slice(1)}Role`;

/** The resolved resources a role is allowed `action` on. */
function allowedOn(roleId: string, action: string): string[] {
  return roleStatements(template, roleId)
    .filter((s) => s.Effect === 'Allow' && actions(s).includes(action))
    .flatMap(resources);
}

/** Runtime dependencies of a package in node_modules, itself included (what Node may load when it is imported). */
async function dependencyClosure(name: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(name)) return seen;
  seen.add(name);
  const manifest = JSON.parse(await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8'));
  for (const dependency of Object.keys(manifest.dependencies ?? {}))
    await dependencyClosure(dependency, seen);
  return seen;
}

/** The parts of the buckets and the receipt rule the tests read. */
interface BucketProperties {
  BucketEncryption: { ServerSideEncryptionConfiguration: Array<{ ServerSideEncryptionByDefault: Json }> };
  PublicAccessBlockConfiguration: Record<string, boolean>;
  LifecycleConfiguration: { Rules: Json[] };
  NotificationConfiguration: {
    LambdaConfigurations: Array<{ Event: string; Function: Json; Filter: { S3Key: { Rules: Json[] } } }>;
  };
}
interface ReceiptRuleProperties {
  RuleSetName: Json;
  Rule: { Actions: Array<{ S3Action: { BucketName: Json; ObjectKeyPrefix: string } }> };
}

const variablesOf = (name: string) =>
  (props(lambda(name)).Environment as { Variables: Record<string, Json> }).Variables;
/** A function's environment as the deployed Lambda sees it. */
function environmentOf(name: string): Record<string, string> {
  const env: Record<string, string> = { AWS_REGION: 'eu-west-1' };
  for (const [key, value] of Object.entries(variablesOf(name))) env[key] = stack.resolve(value);
  return env;
}

describe('serverless.yml, packaged offline with osls', () => {
  it('has all five functions on nodejs22.x with their bundles as handlers', () => {
    for (const name of FUNCTIONS)
      expect(props(lambda(name))).toMatchObject({
        Runtime: 'nodejs22.x',
        Handler: `dist/${name}/index.handler`,
        FunctionName: `sandbox-teardown-${STAGE}-${name}`,
      });
    expect(props(lambda('bot'))).toMatchObject({ MemorySize: 1024, Timeout: 10, Architectures: ['arm64'] });
    expect(props(lambda('pipeline'))).toMatchObject({ Timeout: 120, Architectures: ['arm64'] });
    expect(props(lambda('mail')).Architectures).toEqual(['arm64']);
    expect(props(lambda('phone')).Architectures).toEqual(['arm64']);
  });

  it('runs the browser on x86_64 (the only Chromium @sparticuz/chromium ships) with 2–3 GB, 15 min and room in /tmp', () => {
    const browser = props(lambda('browser')) as {
      Architectures: string[];
      MemorySize: number;
      Timeout: number;
      EphemeralStorage: { Size: number };
    };
    expect(browser.Architectures).toEqual(['x86_64']);
    expect(browser.MemorySize).toBeGreaterThanOrEqual(2048);
    expect(browser.MemorySize).toBeLessThanOrEqual(3008);
    expect(browser.Timeout).toBe(900);
    // Chromium unpacks about 200 MB into /tmp; the default 512 MB leaves little for the profile.
    expect(browser.EphemeralStorage.Size).toBeGreaterThanOrEqual(1024);
  });

  it('zips each function with its own bundle, and the browser with @sparticuz/chromium and what it requires', async () => {
    const chromium = await dependencyClosure('@sparticuz/chromium');
    for (const name of FUNCTIONS) {
      const key = (props(lambda(name)).Code as { S3Key: string }).S3Key;
      expect(key.endsWith(`/${name}.zip`)).toBe(true);
      const entries = await zipEntries(join(out, `${name}.zip`));
      expect(entries, name).toContain(`dist/${name}/index.mjs`);
      expect(entries, name).toContain(`dist/${name}/index.mjs.map`);
      const others = entries.filter((e) => !e.startsWith(`dist/${name}/`));
      if (name !== 'browser') {
        expect(others, name).toEqual([]);
        continue;
      }
      const packages = new Set(others.map((e) => e.match(/^node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1] ?? e));
      expect([...packages].sort()).toEqual([...chromium].sort());
      expect(entries).toContain('node_modules/@sparticuz/chromium/package.json');
      expect(entries).toContain('node_modules/@sparticuz/chromium/build/index.js');
      expect(entries).toContain('node_modules/@sparticuz/chromium/bin/chromium.br');
    }
  });

  it('routes POST /slack/events of the HTTP API to the bot, and gives that URL as an output', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route');
    expect(routes.map((r) => props(r).RouteKey)).toEqual(['POST /slack/events']);
    const target = props(routes[0]!).Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
    expect(target['Fn::Join'][0]).toBe('/');
    expect(target['Fn::Join'][1][0]).toBe('integrations');
    const integration = resource(template, target['Fn::Join'][1][1].Ref);
    expect(stack.resolve(props(integration).IntegrationUri!)).toBe(stack.getAtt('BotLambdaFunction', 'Arn'));
    const output = template.Outputs?.SlackRequestUrl as { Value: Json };
    expect(stack.resolve(output.Value)).toBe(
      'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/slack/events',
    );
  });

  it('sweeps every 5 minutes through the scheduler role and group', () => {
    const schedules = ofType('AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(1);
    const { ScheduleExpression, GroupName, Target } = props(schedules[0]!) as {
      ScheduleExpression: string;
      GroupName: Json;
      Target: { Arn: Json; RoleArn: Json; Input: string };
    };
    expect(ScheduleExpression).toBe('rate(5 minutes)');
    expect(JSON.parse(Target.Input)).toEqual({ action: 'sweep' });
    expect(stack.resolve(Target.Arn)).toBe(pipelineArn());
    expect(stack.resolve(Target.RoleArn)).toBe(stack.getAtt('SchedulerRole', 'Arn'));
    expect(stack.resolve(GroupName)).toBe(`sandbox-teardown-${STAGE}`);
  });

  it('sends every failed asynchronous invocation to a queue of its function, and retries no browser or pipeline step', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map((c) => props(c)) as Array<{
      FunctionName: Json;
      MaximumRetryAttempts?: number;
      DestinationConfig: { OnFailure?: { Destination: Json } };
    }>;
    const byFunction = new Map(configs.map((c) => [stack.resolve(c.FunctionName), c]));
    expect([...byFunction.keys()].sort()).toEqual(
      ASYNC_FUNCTIONS.map((f) => `sandbox-teardown-${STAGE}-${f}`).sort(),
    );
    for (const name of ASYNC_FUNCTIONS) {
      const config = byFunction.get(`sandbox-teardown-${STAGE}-${name}`)!;
      const queueId = `${name[0]?.toUpperCase()}${name.slice(1)}FailureQueue`;
      expect(resource(template, queueId).Type).toBe('AWS::SQS::Queue');
      const queueArn = stack.getAtt(queueId, 'Arn');
      expect(stack.resolve(config.DestinationConfig.OnFailure!.Destination), name).toBe(queueArn);
      // The custom role must be able to deliver there (osls adds nothing to custom roles).
      expect(allowedOn(roleOf(name), 'sqs:SendMessage'), name).toEqual([queueArn]);
    }
    expect(byFunction.get(`sandbox-teardown-${STAGE}-pipeline`)?.MaximumRetryAttempts).toBe(0);
    expect(byFunction.get(`sandbox-teardown-${STAGE}-browser`)?.MaximumRetryAttempts).toBe(0);
    for (const queue of ofType('AWS::SQS::Queue')) expect(props(queue).SqsManagedSseEnabled).toBe(true);
  });

  it('defines the table once, in infra/state-table.json, and keeps it when the stack goes', async () => {
    const table = resource(template, 'TeardownTable');
    const definition = JSON.parse(await readFile(join(root, 'infra', 'state-table.json'), 'utf8'));
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.Properties).toEqual(definition);
    expect(table.DeletionPolicy).toBe('Retain');
  });

  it('keeps logs for 30 days', () => {
    const groups = ofType('AWS::Logs::LogGroup');
    expect(groups.map((g) => [props(g).LogGroupName, props(g).RetentionInDays])).toEqual(
      FUNCTIONS.map((f) => [`/aws/lambda/sandbox-teardown-${STAGE}-${f}`, 30]),
    );
  });

  it('gives every function the environment the config loaders read, and it loads', async () => {
    for (const name of FUNCTIONS) {
      expect(Object.keys(variablesOf(name)).sort(), name).toEqual(
        [...ENVIRONMENT, ...OWN_ENVIRONMENT[name]].sort(),
      );
      const env = environmentOf(name);
      expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(env.SECRET_PREFIX).toBe(`sandbox-teardown/${STAGE}`);

      expect(loadConfig(env)).toMatchObject({
        tableName: stack.ref('TeardownTable'),
        allowedParentIds: ['ou-ab12-cdef3456', 'r-ab12'],
        requesters: { users: ['U0REQUEST'], groups: ['S0GROUP'] },
        approvers: { users: ['U0APPROVE'], groups: [] },
        protectTagKey: 'teardown:protect',
        defaultStrategy: 'close',
        closeFallbackToRemove: false,
      });
      expect(loadLambdaWiring(env)).toEqual({
        pipelineFunctionName: `sandbox-teardown-${STAGE}-pipeline`,
        pipelineFunctionArn: pipelineArn(),
        browserFunctionName: `sandbox-teardown-${STAGE}-browser`,
        schedulerGroup: `sandbox-teardown-${STAGE}`,
        schedulerRoleArn: stack.getAtt('SchedulerRole', 'Arn'),
      });
      const secretIds: string[] = [];
      const slack = await loadSlackSettings(env, async (id) => {
        secretIds.push(id);
        return JSON.stringify({ signingSecret: 'a'.repeat(32), botToken: 'xoxb-1-2-x' });
      });
      expect(secretIds).toEqual([stack.ref('SlackSecret')]);
      expect(slack.apiUrl).toBe('https://slack.com/api/');
    }

    expect(loadConsoleSettings(environmentOf('browser'))).toMatchObject({
      artifactsBucket: `sandbox-teardown-${STAGE}-artifacts-123456789012-eu-west-1`,
      secretPrefix: `sandbox-teardown/${STAGE}`,
      twoCaptchaSecret: `sandbox-teardown/${STAGE}/twocaptcha`,
      paymentCardSecret: `sandbox-teardown/${STAGE}/payment-card`,
      phoneLines: [],
    });
    expect(loadMailSettings(environmentOf('mail'))).toBeDefined();
    expect(environmentOf('mail')).toMatchObject({ MAIL_FORWARD_FROM: '', MAIL_FORWARD_TO: '' });
    const phone = loadPhoneSettings(environmentOf('phone'));
    expect(phone.digitAudio('5')).toMatch(
      new RegExp(
        `^https://sandbox-teardown-${STAGE}-artifacts-123456789012-eu-west-1\\.s3\\.eu-west-1\\.amazonaws\\.com/phone-audio/`,
      ),
    );
  });

  it('stops with the missing parameter named when a required one is not given', () => {
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(
      'Cannot resolve variable at "provider.environment.TEARDOWN_APPROVERS": Value not found at "param" source',
    );
  });

  describe('mail', () => {
    const mailBucket = `sandbox-teardown-${STAGE}-mail-123456789012-eu-west-1`;

    it('keeps raw mail in an encrypted, private bucket for 3 days and tells the mail function of each new one', () => {
      const bucket = props(resource(template, 'MailBucket')) as unknown as BucketProperties;
      expect(stack.ref('MailBucket')).toBe(mailBucket);
      expect(
        bucket.BucketEncryption.ServerSideEncryptionConfiguration[0]?.ServerSideEncryptionByDefault,
      ).toEqual({
        SSEAlgorithm: 'AES256',
      });
      expect(bucket.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.LifecycleConfiguration.Rules).toEqual([
        expect.objectContaining({ Status: 'Enabled', Prefix: 'inbound/', ExpirationInDays: 3 }),
      ]);
      const [notification, ...more] = bucket.NotificationConfiguration.LambdaConfigurations;
      if (!notification) throw new Error('MailBucket notifies no function');
      expect(more).toEqual([]);
      expect(notification.Event).toBe('s3:ObjectCreated:*');
      expect(notification.Filter.S3Key.Rules).toEqual([{ Name: 'prefix', Value: 'inbound/' }]);
      expect(stack.resolve(notification.Function)).toBe(functionArn('mail'));

      const permission = props(resource(template, 'MailInvokePermission'));
      expect(permission.Principal).toBe('s3.amazonaws.com');
      expect(stack.resolve(permission.FunctionName!)).toBe(functionArn('mail'));
      expect(stack.resolve(permission.SourceArn!)).toBe(`arn:aws:s3:::${mailBucket}`);
      expect(stack.resolve(permission.SourceAccount!)).toBe('123456789012');
    });

    it('lets SES write into the bucket only under the prefix, for this account', () => {
      const policy = props(resource(template, 'MailBucketPolicy')).PolicyDocument as unknown as {
        Statement: Statement[];
      };
      const ses = policy.Statement.filter((s) => JSON.stringify(s.Principal).includes('ses.amazonaws.com'));
      expect(ses).toHaveLength(1);
      expect(ses[0]?.Effect).toBe('Allow');
      expect(actions(ses[0]!)).toEqual(['s3:PutObject']);
      expect(resources(ses[0]!)).toEqual([`arn:aws:s3:::${mailBucket}/inbound/*`]);
      expect(stack.resolve(ses[0]?.Condition?.StringEquals?.['aws:SourceAccount'] as Json)).toBe(
        '123456789012',
      );
    });

    it('has an SES receipt rule for the mail domain that stores mail under the prefix, activated only on request', () => {
      const rule = props(resource(template, 'MailReceiptRule')) as unknown as ReceiptRuleProperties;
      expect(rule.RuleSetName).toEqual({ Ref: 'MailReceiptRuleSet' });
      expect(rule.Rule).toMatchObject({ Enabled: true, ScanEnabled: true, Recipients: ['teardown.invalid'] });
      expect(rule.Rule.Actions).toHaveLength(1);
      expect(stack.resolve(rule.Rule.Actions[0]?.S3Action.BucketName ?? null)).toBe(mailBucket);
      expect(rule.Rule.Actions[0]?.S3Action.ObjectKeyPrefix).toBe('inbound/');
      // CloudFormation cannot activate a rule set: the command to do it is an output, run on purpose.
      expect(ofType('AWS::SES::ReceiptRuleSet')).toHaveLength(1);
      const activate = template.Outputs?.ActivateMailCommand as { Value: Json };
      expect(stack.resolve(activate.Value)).toBe(
        `aws ses set-active-receipt-rule-set --rule-set-name sandbox-teardown-${STAGE} --region eu-west-1`,
      );
    });

    it('adds the MX record only when a hosted zone is given, and names the MX target', () => {
      const mx = resource(template, 'MailMxRecord') as Resource & { Condition?: string };
      expect(mx.Condition).toBe('HasHostedZone');
      expect(props(mx)).toMatchObject({ Type: 'MX', Name: 'teardown.invalid.' });
      expect((props(mx).ResourceRecords as Json[]).map((r) => stack.resolve(r))).toEqual([
        '10 inbound-smtp.eu-west-1.amazonaws.com',
      ]);
      const conditions = (template as unknown as { Conditions: Record<string, Json> }).Conditions;
      // Without --param hostedZoneId the condition compares '' with '': false, no record.
      expect(conditions.HasHostedZone).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
      const target = template.Outputs?.MailMxTarget as { Value: Json };
      expect(stack.resolve(target.Value)).toBe('inbound-smtp.eu-west-1.amazonaws.com');
    });
  });

  describe('artifacts and phone', () => {
    it('keeps screenshots and HTML encrypted and private for 30 days; Connect may read only the tone files', () => {
      const bucket = props(resource(template, 'ArtifactsBucket')) as unknown as BucketProperties;
      expect(
        bucket.BucketEncryption.ServerSideEncryptionConfiguration[0]?.ServerSideEncryptionByDefault,
      ).toEqual({
        SSEAlgorithm: 'AES256',
      });
      expect(bucket.PublicAccessBlockConfiguration.RestrictPublicBuckets).toBe(true);
      expect(bucket.LifecycleConfiguration.Rules).toEqual([
        expect.objectContaining({ Status: 'Enabled', Prefix: 'teardowns/', ExpirationInDays: 30 }),
      ]);
      const policy = props(resource(template, 'ArtifactsBucketPolicy')).PolicyDocument as unknown as {
        Statement: Statement[];
      };
      const allows = policy.Statement.filter((s) => s.Effect === 'Allow');
      expect(allows.map((s) => [s.Principal, actions(s), resources(s)])).toEqual([
        [
          { Service: 'connect.amazonaws.com' },
          ['s3:GetObject'],
          [`arn:aws:s3:::sandbox-teardown-${STAGE}-artifacts-123456789012-eu-west-1/phone-audio/*`],
        ],
      ]);
    });

    it('subscribes the phone function to the inbound-SMS topic, which only End User Messaging may publish to', () => {
      const subscriptions = ofType('AWS::SNS::Subscription').map((s) => props(s));
      expect(subscriptions).toHaveLength(1);
      expect(subscriptions[0]?.Protocol).toBe('lambda');
      expect(stack.resolve(subscriptions[0]!.TopicArn!)).toBe(stack.ref('InboundSmsTopic'));
      expect(stack.resolve(subscriptions[0]!.Endpoint!)).toBe(functionArn('phone'));
      const policy = props(resource(template, 'InboundSmsTopicPolicy')).PolicyDocument as unknown as {
        Statement: Statement[];
      };
      expect(policy.Statement.map((s) => [s.Effect, s.Principal, actions(s)])).toEqual([
        ['Allow', { Service: 'sms-voice.amazonaws.com' }, ['sns:Publish']],
      ]);
      const output = template.Outputs?.InboundSmsTopicArn as { Value: Json };
      expect(stack.resolve(output.Value)).toBe(stack.ref('InboundSmsTopic'));
    });

    it("lets this account's Amazon Connect instances invoke the phone function", () => {
      const permissions = ofType('AWS::Lambda::Permission')
        .map((p) => props(p))
        .filter((p) => p.Principal === 'connect.amazonaws.com');
      expect(permissions).toHaveLength(1);
      expect(stack.resolve(permissions[0]!.FunctionName!)).toBe(functionArn('phone'));
      expect(stack.resolve(permissions[0]!.SourceArn!)).toBe(
        'arn:aws:connect:eu-west-1:123456789012:instance/*',
      );
    });

    it('outputs the bucket names and what phone:setup needs', () => {
      const outputs = template.Outputs as Record<string, { Value: Json; Condition?: string }>;
      expect(stack.resolve(outputs.MailBucketName!.Value)).toBe(stack.ref('MailBucket'));
      expect(stack.resolve(outputs.ArtifactsBucketName!.Value)).toBe(stack.ref('ArtifactsBucket'));
      expect(outputs.PhoneFunctionArn).toBeDefined();
      expect(outputs.PhoneLines?.Condition).toBe('HasPhoneLines');
    });
  });

  describe('observability', () => {
    const alarms = () =>
      Object.fromEntries(
        Object.entries(template.Resources)
          .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
          .map(([id, r]) => [id, props(r)]),
      );
    /** What an alarm watches and when it fires, as the on-call engineer reads it in the console. */
    const watches = (alarm: Record<string, Json>) => ({
      metric: `${String(alarm.Namespace)}/${String(alarm.MetricName)}`,
      dimensions: alarm.Dimensions,
      statistic: alarm.Statistic,
      fires: `${String(alarm.ComparisonOperator)} ${String(alarm.Threshold)}`,
      periods: [alarm.Period, alarm.EvaluationPeriods, alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods],
      missing: alarm.TreatMissingData,
    });

    it('traces every function with X-Ray and lets its role write trace segments', () => {
      for (const name of FUNCTIONS) {
        expect(props(lambda(name)).TracingConfig, name).toEqual({ Mode: 'Active' });
        for (const action of ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'])
          expect(allowedOn(roleOf(name), action), `${name} ${action}`).toEqual(['*']);
      }
    });

    it('alarms as soon as a failure queue holds a message', () => {
      const all = alarms();
      for (const name of ASYNC_FUNCTIONS) {
        const queue = `${name[0]?.toUpperCase()}${name.slice(1)}FailureQueue`;
        const alarm = all[`${queue}Alarm`];
        expect(alarm, queue).toBeDefined();
        expect(watches(alarm!), queue).toEqual({
          metric: 'AWS/SQS/ApproximateNumberOfMessagesVisible',
          dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
          statistic: 'Maximum',
          fires: 'GreaterThanThreshold 0',
          periods: [300, 1, 1],
          missing: 'notBreaching',
        });
      }
    });

    it('alarms on any failed teardown, on the metric the runner emits (src/common/emf-metrics.ts)', () => {
      expect(watches(alarms().FailedTeardownsAlarm!)).toEqual({
        metric: 'SandboxTeardown/TeardownsFailed',
        dimensions: [{ Name: 'service', Value: 'sandbox-teardown' }],
        statistic: 'Sum',
        fires: 'GreaterThanThreshold 0',
        periods: [300, 1, 1],
        missing: 'notBreaching',
      });
    });

    it('alarms when the sweeper finds stuck work in three 5-minute periods in a row', () => {
      expect(watches(alarms().SweeperFindsStuckWorkAlarm!)).toEqual({
        metric: 'SandboxTeardown/TeardownsWokenBySweep',
        dimensions: [{ Name: 'service', Value: 'sandbox-teardown' }],
        statistic: 'Sum',
        fires: 'GreaterThanThreshold 0',
        periods: [300, 3, 3],
        missing: 'notBreaching',
      });
    });

    it('notifies the alarm topic only when one is given (none by default)', () => {
      const all = alarms();
      expect(Object.keys(all)).toHaveLength(ASYNC_FUNCTIONS.length + 2);
      const onlyWithTopic = [{ 'Fn::If': ['HasAlarmTopic', '', { Ref: 'AWS::NoValue' }] }];
      for (const [id, alarm] of Object.entries(all)) {
        expect(alarm.AlarmActions, id).toEqual(onlyWithTopic);
        expect(alarm.OKActions, id).toEqual(onlyWithTopic);
      }
      // The parameter left empty: the condition is false and every alarm has no actions.
      const conditions = (template as unknown as { Conditions: Record<string, Json> }).Conditions;
      expect(conditions.HasAlarmTopic).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
    });
  });

  describe('IAM', () => {
    const roles = () =>
      Object.entries(template.Resources)
        .filter(([, r]) => r.Type === 'AWS::IAM::Role')
        .map(([id]) => id);

    it('gives each function its own role and no shared osls role', () => {
      expect(roles().sort()).toEqual([
        'BotRole',
        'BrowserRole',
        'MailRole',
        'PhoneRole',
        'PipelineRole',
        'SchedulerRole',
      ]);
      for (const name of FUNCTIONS)
        expect(stack.resolve(props(lambda(name)).Role!), name).toBe(stack.getAtt(roleOf(name), 'Arn'));
    });

    it('grants no wildcard actions, and "*" resources only where IAM offers nothing narrower', () => {
      for (const id of roles()) {
        for (const statement of roleStatements(template, id)) {
          expect(statement.NotAction, id).toBeUndefined();
          expect(statement.NotResource, id).toBeUndefined();
          for (const action of actions(statement)) expect(action, id).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
          if (resources(statement).includes('*'))
            expect(
              actions(statement).filter((a) => !NO_RESOURCE_LEVEL.has(a)),
              id,
            ).toEqual([]);
        }
      }
    });

    it('lets only the pipeline close or remove accounts, and act as their root only to create a password', () => {
      for (const role of roles().filter((r) => r !== 'PipelineRole'))
        for (const action of DESTRUCTIVE) expect(allowedOn(role, action), `${role} ${action}`).toEqual([]);
      expect(allowedOn('PipelineRole', 'organizations:CloseAccount')).toEqual([
        'arn:aws:organizations::123456789012:account/o-*/*',
      ]);
      expect(allowedOn('PipelineRole', 'organizations:RemoveAccountFromOrganization')).toEqual([
        'arn:aws:organizations::123456789012:account/o-*/*',
      ]);
      const assumeRoot = roleStatements(template, 'PipelineRole').filter((s) =>
        actions(s).includes('sts:AssumeRoot'),
      );
      expect(assumeRoot).toHaveLength(1);
      expect(resources(assumeRoot[0]!)).toEqual(['arn:aws:iam::*:root']);
      expect(stack.resolve(assumeRoot[0]?.Condition?.StringEquals?.['sts:TaskPolicyArn'] as Json)).toBe(
        'arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword',
      );
    });

    it('scopes what every function does to this stack', () => {
      const table = stack.getAtt('TeardownTable', 'Arn');
      for (const name of FUNCTIONS) {
        const role = roleOf(name);
        for (const action of ['GetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem'])
          expect(allowedOn(role, `dynamodb:${action}`), role).toEqual([table]);
        expect(allowedOn(role, 'dynamodb:Query').sort(), role).toEqual([table, `${table}/index/*`]);
        expect(allowedOn(role, 'lambda:InvokeFunction'), role).toEqual([
          pipelineArn(),
          functionArn('browser'),
        ]);
        expect(allowedOn(role, 'scheduler:CreateSchedule'), role).toEqual([
          `arn:aws:scheduler:eu-west-1:123456789012:schedule/sandbox-teardown-${STAGE}/teardown-*`,
        ]);
        const passRole = roleStatements(template, role).filter((s) => actions(s).includes('iam:PassRole'));
        expect(passRole.flatMap(resources), role).toEqual([stack.getAtt('SchedulerRole', 'Arn')]);
        expect(passRole[0]?.Condition).toEqual({
          StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
        });
        expect(allowedOn(role, 'secretsmanager:GetSecretValue'), role).toContain(stack.ref('SlackSecret'));
        expect(allowedOn(role, 'logs:PutLogEvents'), role).toEqual([
          `arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/sandbox-teardown-${STAGE}-${name}:*`,
        ]);
        expect(allowedOn(role, 'logs:CreateLogGroup'), role).toEqual([]);
      }
    });

    it('reads the organization only from the functions that check accounts (bot, pipeline, browser)', () => {
      const describe = [
        'arn:aws:organizations::123456789012:account/o-*/*',
        'arn:aws:organizations::123456789012:ou/o-*/ou-*',
      ];
      for (const role of ['BotRole', 'PipelineRole', 'BrowserRole'])
        expect(allowedOn(role, 'organizations:DescribeAccount'), role).toEqual(describe);
      for (const role of ['MailRole', 'PhoneRole'])
        expect(allowedOn(role, 'organizations:DescribeAccount'), role).toEqual([]);
    });

    it('deletes table items only as leases and idempotency keys, and never from the bot', () => {
      expect(allowedOn('BotRole', 'dynamodb:DeleteItem')).toEqual([]);
      for (const role of ['PipelineRole', 'BrowserRole', 'MailRole', 'PhoneRole']) {
        const deletes = roleStatements(template, role).filter((s) =>
          actions(s).includes('dynamodb:DeleteItem'),
        );
        expect(deletes.flatMap(resources), role).toEqual([stack.getAtt('TeardownTable', 'Arn')]);
        expect(deletes[0]?.Condition, role).toEqual({
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['LINE#*', 'ONCE#*'] },
        });
      }
    });

    it('lets the mail function read its bucket prefix and nothing else of S3', () => {
      const s3 = roleStatements(template, 'MailRole').filter((s) =>
        actions(s).some((a) => a.startsWith('s3:')),
      );
      expect(s3.map((s) => [actions(s), resources(s)])).toEqual([
        [['s3:GetObject'], [`arn:aws:s3:::sandbox-teardown-${STAGE}-mail-123456789012-eu-west-1/inbound/*`]],
      ]);
    });

    it('lets the browser read only the secrets it types, and keep teardown secrets under the prefix', () => {
      const prefix = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:sandbox-teardown/${STAGE}`;
      const teardownSecrets = [`${prefix}/root/*`, `${prefix}/session/*`, `${prefix}/sealed/*`];
      expect(allowedOn('BrowserRole', 'secretsmanager:GetSecretValue').sort()).toEqual(
        [
          stack.ref('SlackSecret'),
          `${prefix}/twocaptcha-??????`,
          `${prefix}/payment-card-??????`,
          ...teardownSecrets,
        ].sort(),
      );
      expect(allowedOn('BrowserRole', 'secretsmanager:CreateSecret')).toEqual(teardownSecrets);
      expect(allowedOn('BrowserRole', 's3:PutObject')).toEqual([
        `arn:aws:s3:::sandbox-teardown-${STAGE}-artifacts-123456789012-eu-west-1/teardowns/*`,
      ]);
      // Mail and phone only seal what they received; the pipeline only deletes.
      for (const role of ['MailRole', 'PhoneRole']) {
        expect(allowedOn(role, 'secretsmanager:CreateSecret'), role).toEqual([`${prefix}/sealed/*`]);
        expect(allowedOn(role, 'secretsmanager:GetSecretValue'), role).toEqual([stack.ref('SlackSecret')]);
      }
      expect(allowedOn('PipelineRole', 'secretsmanager:DeleteSecret')).toEqual(teardownSecrets);
      expect(allowedOn('PipelineRole', 'secretsmanager:CreateSecret')).toEqual([]);
    });

    it('has a scheduler role that trusts only EventBridge Scheduler and can only invoke the pipeline', () => {
      const trust = props(resource(template, 'SchedulerRole')).AssumeRolePolicyDocument as unknown as {
        Statement: Statement[];
      };
      expect(trust.Statement).toHaveLength(1);
      expect(trust.Statement[0]).toMatchObject({
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
      });
      const source = trust.Statement[0]?.Condition?.ArnEquals?.['aws:SourceArn'] as Json;
      expect(stack.resolve(source)).toBe(stack.getAtt('TeardownScheduleGroup', 'Arn'));
      const statements = roleStatements(template, 'SchedulerRole');
      expect(statements.map((s) => [s.Effect, actions(s), resources(s)])).toEqual([
        ['Allow', ['lambda:InvokeFunction'], [pipelineArn()]],
      ]);
    });
  });
});
