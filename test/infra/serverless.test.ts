import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLambdas } from '../../scripts/bundle';
import { loadConfig, loadLambdaWiring } from '../../src/common/config';
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

const FUNCTIONS = ['bot', 'pipeline'] as const;
const STAGE = 'test';
const PARAMS = {
  allowedOus: 'ou-ab12-cdef3456,r-ab12',
  requesters: 'U0REQUEST,S0GROUP',
  approvers: 'U0APPROVE',
};
/** What src/common/config.ts (loadConfig, loadLambdaWiring) and src/slack/settings.ts (loadSlackSettings) read. */
const ENVIRONMENT = [
  'NODE_OPTIONS',
  'PIPELINE_FUNCTION_ARN',
  'PIPELINE_FUNCTION_NAME',
  'SCHEDULER_GROUP',
  'SCHEDULER_ROLE_ARN',
  'SLACK_SECRET_ID',
  'TEARDOWN_ALLOWED_OUS',
  'TEARDOWN_APPROVERS',
  'TEARDOWN_CLOSE_FALLBACK_TO_REMOVE',
  'TEARDOWN_DEFAULT_STRATEGY',
  'TEARDOWN_PROTECT_TAG',
  'TEARDOWN_REQUESTERS',
  'TEARDOWN_TABLE',
];
/** Organizations actions without resource-level permissions in IAM: they can only be granted on "*". */
const NO_RESOURCE_LEVEL = new Set([
  'organizations:DescribeOrganization',
  'organizations:ListRoots',
  'organizations:ListAccounts',
  'organizations:ListParents',
]);

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
const pipelineArn = () => `arn:aws:lambda:eu-west-1:123456789012:function:sandbox-teardown-${STAGE}-pipeline`;

/** The resolved resources a role is allowed `action` on. */
function allowedOn(roleId: string, action: string): string[] {
  return roleStatements(template, roleId)
    .filter((s) => s.Effect === 'Allow' && actions(s).includes(action))
    .flatMap(resources);
}

describe('serverless.yml, packaged offline with osls', () => {
  it('has both functions on nodejs22.x with their bundles as handlers', () => {
    expect(props(lambda('bot'))).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'dist/bot/index.handler',
      MemorySize: 1024,
      Timeout: 10,
      Architectures: ['arm64'],
    });
    expect(props(lambda('pipeline'))).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'dist/pipeline/index.handler',
      FunctionName: `sandbox-teardown-${STAGE}-pipeline`,
      Timeout: 120,
      Architectures: ['arm64'],
    });
  });

  it('zips each function with its own bundle and nothing else', async () => {
    for (const name of FUNCTIONS) {
      const key = (props(lambda(name)).Code as { S3Key: string }).S3Key;
      expect(key.endsWith(`/${name}.zip`)).toBe(true);
      const entries = await zipEntries(join(out, `${name}.zip`));
      expect(entries).toContain(`dist/${name}/index.mjs`);
      expect(entries).toContain(`dist/${name}/index.mjs.map`);
      expect(entries.some((e) => e.startsWith(`dist/${name}/chunks/`))).toBe(true);
      expect(entries.filter((e) => !e.startsWith(`dist/${name}/`))).toEqual([]);
    }
  });

  it('routes POST /slack/events of the HTTP API to the bot', () => {
    const routes = Object.values(template.Resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');
    expect(routes.map((r) => props(r).RouteKey)).toEqual(['POST /slack/events']);
    const target = props(routes[0]!).Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
    expect(target['Fn::Join'][0]).toBe('/');
    expect(target['Fn::Join'][1][0]).toBe('integrations');
    const integration = resource(template, target['Fn::Join'][1][1].Ref);
    expect(stack.resolve(props(integration).IntegrationUri!)).toBe(stack.getAtt('BotLambdaFunction', 'Arn'));
  });

  it('sweeps every 5 minutes through the scheduler role and group', () => {
    const schedules = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
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

  it('does not let Lambda retry failed asynchronous pipeline invocations (the sweeper resumes them)', () => {
    const configs = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::EventInvokeConfig',
    );
    expect(
      configs.map((c) => [stack.resolve(props(c).FunctionName!), props(c).MaximumRetryAttempts]),
    ).toEqual([[`sandbox-teardown-${STAGE}-pipeline`, 0]]);
  });

  it('defines the table once, in infra/state-table.json, and keeps it when the stack goes', async () => {
    const table = resource(template, 'TeardownTable');
    const definition = JSON.parse(await readFile(join(root, 'infra', 'state-table.json'), 'utf8'));
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.Properties).toEqual(definition);
    expect(table.DeletionPolicy).toBe('Retain');
  });

  it('keeps logs for 30 days', () => {
    const groups = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup');
    expect(groups.map((g) => [props(g).LogGroupName, props(g).RetentionInDays])).toEqual(
      FUNCTIONS.map((f) => [`/aws/lambda/sandbox-teardown-${STAGE}-${f}`, 30]),
    );
  });

  it('gives both functions the environment the config loaders read, and it loads', async () => {
    for (const name of FUNCTIONS) {
      const variables = (props(lambda(name)).Environment as { Variables: Record<string, Json> }).Variables;
      expect(Object.keys(variables).sort()).toEqual(ENVIRONMENT);
      const env: Record<string, string> = { AWS_REGION: 'eu-west-1' };
      for (const [key, value] of Object.entries(variables)) env[key] = stack.resolve(value);
      expect(env.NODE_OPTIONS).toBe('--enable-source-maps');

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
        browserFunctionName: undefined,
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
  });

  it('stops with the missing parameter named when a required one is not given', () => {
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(
      'Cannot resolve variable at "provider.environment.TEARDOWN_APPROVERS": Value not found at "param" source',
    );
  });

  describe('IAM', () => {
    const roles = () =>
      Object.entries(template.Resources)
        .filter(([, r]) => r.Type === 'AWS::IAM::Role')
        .map(([id]) => id);

    it('gives each function its own role and no shared osls role', () => {
      expect(roles().sort()).toEqual(['BotRole', 'PipelineRole', 'SchedulerRole']);
      expect(stack.resolve(props(lambda('bot')).Role!)).toBe(stack.getAtt('BotRole', 'Arn'));
      expect(stack.resolve(props(lambda('pipeline')).Role!)).toBe(stack.getAtt('PipelineRole', 'Arn'));
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

    it('lets only the pipeline close accounts', () => {
      expect(allowedOn('BotRole', 'organizations:CloseAccount')).toEqual([]);
      expect(allowedOn('PipelineRole', 'organizations:CloseAccount')).toEqual([
        'arn:aws:organizations::123456789012:account/o-*/*',
      ]);
    });

    it('scopes what both functions do to this stack', () => {
      const table = stack.getAtt('TeardownTable', 'Arn');
      for (const role of ['BotRole', 'PipelineRole']) {
        for (const action of ['GetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem'])
          expect(allowedOn(role, `dynamodb:${action}`)).toEqual([table]);
        expect(allowedOn(role, 'dynamodb:Query').sort()).toEqual([table, `${table}/index/*`]);
        expect(allowedOn(role, 'dynamodb:DeleteItem')).toEqual([]);
        expect(allowedOn(role, 'lambda:InvokeFunction')).toEqual([pipelineArn()]);
        expect(allowedOn(role, 'scheduler:CreateSchedule')).toEqual([
          `arn:aws:scheduler:eu-west-1:123456789012:schedule/sandbox-teardown-${STAGE}/teardown-*`,
        ]);
        const passRole = roleStatements(template, role).filter((s) => actions(s).includes('iam:PassRole'));
        expect(passRole.flatMap(resources)).toEqual([stack.getAtt('SchedulerRole', 'Arn')]);
        expect(passRole[0]?.Condition).toEqual({
          StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
        });
        expect(allowedOn(role, 'secretsmanager:GetSecretValue')).toEqual([stack.ref('SlackSecret')]);
        expect(allowedOn(role, 'organizations:DescribeAccount')).toEqual([
          'arn:aws:organizations::123456789012:account/o-*/*',
          'arn:aws:organizations::123456789012:ou/o-*/ou-*',
        ]);
        const name = role === 'BotRole' ? 'bot' : 'pipeline';
        expect(allowedOn(role, 'logs:PutLogEvents')).toEqual([
          `arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/sandbox-teardown-${STAGE}-${name}:*`,
        ]);
        expect(allowedOn(role, 'logs:CreateLogGroup')).toEqual([]);
      }
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
