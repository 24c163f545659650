// Tests src/pipeline/steps/allow-password-recovery.ts over the real RootAccessGateway, with IAM and STS mocked at
// the SDK (moto has neither ListOrganizationsFeatures nor AssumeRoot): the requests AWS would get, and the answers.
import {
  CreateLoginProfileCommand,
  EntityAlreadyExistsException,
  type FeatureType,
  IAMClient,
  IAMServiceException,
  ListOrganizationsFeaturesCommand,
  ServiceAccessNotEnabledException,
} from '@aws-sdk/client-iam';
import { AssumeRootCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsCallError } from '../../../src/common/errors';
import { RootAccessGateway } from '../../../src/pipeline/adapters/root-access-gateway';
import { allowPasswordRecoveryStep } from '../../../src/pipeline/steps/allow-password-recovery';
import { stepContext, teardownAt } from '../../support/fakes';
import { createMemoryHarness, type MemoryHarness } from '../../support/memory-harness';
import { requestApprovedRemoval } from '../../support/runner-rig';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
afterAll(() => {
  iam.restore();
  sts.restore();
});

const ACCOUNT = '111111111111';
const REGION = 'eu-central-1';
const SESSION = {
  AccessKeyId: 'ASIAROOTSESSION00001',
  SecretAccessKey: 'root-session-secret-key-never-shown',
  SessionToken: 'root-session-token-never-shown',
  Expiration: new Date(Date.UTC(2026, 2, 1, 12, 15)),
};
const SKIPPED =
  'root credentials management is off in this organization: the root user keeps its own password recovery';
const ALLOWED = 'root password recovery allowed (root credentials management is on)';

const features = (...EnabledFeatures: FeatureType[]) => ({ OrganizationId: 'o-test', EnabledFeatures });
const stsError = (name: string, message: string, httpStatusCode = 403) =>
  new STSServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode } });
const iamError = (name: string, message: string, httpStatusCode = 403) =>
  new IAMServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode } });

beforeEach(() => {
  iam.reset();
  sts.reset();
  iam.on(ListOrganizationsFeaturesCommand).resolves(features('RootCredentialsManagement', 'RootSessions'));
  sts.on(AssumeRootCommand).resolves({ Credentials: SESSION });
  iam.on(CreateLoginProfileCommand).resolves({});
});

function runStep() {
  const step = allowPasswordRecoveryStep({ rootAccess: new RootAccessGateway(REGION) });
  return step.run(stepContext(teardownAt('allow-password-recovery', ACCOUNT, { strategy: 'remove' })));
}

async function failure(): Promise<AwsCallError> {
  const error = await runStep().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AwsCallError);
  return error as AwsCallError;
}

describe('allow-password-recovery step, where root credentials management is on', () => {
  it('opens a privileged root session for this account only and creates the root login profile without a password', async () => {
    expect(await runStep()).toEqual({ type: 'done', data: { passwordRecoveryAllowed: true }, note: ALLOWED });

    expect(iam.commandCalls(ListOrganizationsFeaturesCommand)).toHaveLength(1);
    const [assumeRoot] = sts.commandCalls(AssumeRootCommand);
    expect(assumeRoot?.args[0].input).toEqual({
      TargetPrincipal: ACCOUNT,
      TaskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword' },
      DurationSeconds: 900,
    });
    // The configured region's STS (its endpoint: test/pipeline/adapters/root-access-gateway.test.ts).
    expect(await assumeRoot?.thisValue.config.region()).toBe(REGION);

    const [createProfile] = iam.commandCalls(CreateLoginProfileCommand);
    // No user name (the root user itself) and no password (only recovery becomes possible).
    expect(createProfile?.args[0].input).toEqual({});
    expect(await createProfile?.thisValue.config.credentials()).toMatchObject({
      accessKeyId: SESSION.AccessKeyId,
      secretAccessKey: SESSION.SecretAccessKey,
      sessionToken: SESSION.SessionToken,
    });
    // The organization's features are read as the management account, not as the member's root.
    const [listFeatures] = iam.commandCalls(ListOrganizationsFeaturesCommand);
    expect(await listFeatures?.thisValue.config.credentials()).toMatchObject({ accessKeyId: 'testing' });
  });

  it('succeeds when the root user has a login profile already (a rerun, or a root with a password)', async () => {
    iam.on(CreateLoginProfileCommand).rejects(
      new EntityAlreadyExistsException({
        message: 'Login Profile for User root already exists.',
        $metadata: {},
      }),
    );
    expect(await runStep()).toEqual({
      type: 'done',
      data: { passwordRecoveryAllowed: true },
      note: `${ALLOWED}; the root user had a login profile already`,
    });
  });

  it('never shows the privileged session’s credentials, whether it succeeds or fails', async () => {
    const done = await runStep();
    iam
      .on(CreateLoginProfileCommand)
      .rejects(iamError('AccessDenied', 'not authorized to perform CreateLoginProfile'));
    const failed = await failure();
    for (const shown of [JSON.stringify(done), failed.message]) {
      expect(shown).not.toContain(SESSION.SecretAccessKey);
      expect(shown).not.toContain(SESSION.SessionToken);
    }
    expect(failed).toMatchObject({ retryable: false });
    expect(failed.message).toContain(
      `iam:CreateLoginProfile as the root user of ${ACCOUNT} was refused: AccessDenied: not authorized`,
    );
  });
});

describe('allow-password-recovery step, where root credentials management is off', () => {
  it('is done without a privileged session, saying why it was skipped', async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves(features('RootSessions'));
    expect(await runStep()).toEqual({ type: 'done', note: SKIPPED });
    expect(sts.commandCalls(AssumeRootCommand)).toEqual([]);
    expect(iam.commandCalls(CreateLoginProfileCommand)).toEqual([]);
  });

  it('treats an organization where IAM has no trusted access as one without it', async () => {
    iam.on(ListOrganizationsFeaturesCommand).rejects(
      new ServiceAccessNotEnabledException({
        message: 'Trusted access is not enabled for IAM in Organizations.',
        $metadata: {},
      }),
    );
    expect(await runStep()).toEqual({ type: 'done', note: SKIPPED });
    expect(sts.commandCalls(AssumeRootCommand)).toEqual([]);
  });
});

describe('allow-password-recovery step, when AWS refuses', () => {
  it('fails for good when AssumeRoot is refused, naming the permission it needs', async () => {
    sts.on(AssumeRootCommand).rejects(stsError('AccessDenied', 'not authorized to perform: sts:AssumeRoot'));
    const error = await failure();
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `sts:AssumeRoot into ${ACCOUNT} was refused: AccessDenied: not authorized to perform: sts:AssumeRoot; ` +
        'the management account needs centralized root access and the permission sts:AssumeRoot ' +
        '(for the task policy arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword), not denied by an SCP',
    );
    expect(iam.commandCalls(CreateLoginProfileCommand)).toEqual([]);
  });

  it('names privileged root actions when the organization has them off', async () => {
    iam.on(ListOrganizationsFeaturesCommand).resolves(features('RootCredentialsManagement'));
    sts.on(AssumeRootCommand).rejects(stsError('AccessDenied', 'root sessions are not enabled'));
    const error = await failure();
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `sts:AssumeRoot into ${ACCOUNT} was refused: AccessDenied: root sessions are not enabled; ` +
        'the organization needs centralized root access with privileged root actions (RootSessions) on',
    );
  });

  it('fails for good when the organization features cannot be read, naming the permission', async () => {
    iam.on(ListOrganizationsFeaturesCommand).rejects(iamError('AccessDenied', 'not authorized'));
    const error = await failure();
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      "iam:ListOrganizationsFeatures was refused: AccessDenied: not authorized; the pipeline's role needs the " +
        'permission iam:ListOrganizationsFeatures',
    );
    expect(sts.commandCalls(AssumeRootCommand)).toEqual([]);
  });

  it('fails for good when the pipeline does not run as the management account', async () => {
    iam
      .on(ListOrganizationsFeaturesCommand)
      .rejects(
        iamError('AccountNotManagementOrDelegatedAdministratorException', 'not the management account'),
      );
    const error = await failure();
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("must run as the organization's management account");
  });

  it.each([
    [
      'ListOrganizationsFeatures is throttled',
      () => iam.on(ListOrganizationsFeaturesCommand).rejects(iamError('Throttling', 'Rate exceeded', 400)),
    ],
    [
      'AssumeRoot is throttled',
      () => sts.on(AssumeRootCommand).rejects(stsError('Throttling', 'Rate exceeded', 400)),
    ],
    [
      'IAM fails on its side',
      () =>
        iam.on(CreateLoginProfileCommand).rejects(
          new IAMServiceException({
            name: 'ServiceFailureException',
            $fault: 'server',
            message: 'internal',
            $metadata: { httpStatusCode: 500 },
          }),
        ),
    ],
    [
      'the connection is reset',
      () =>
        sts.on(AssumeRootCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
    ],
  ])('retries later when %s', async (_case, fail) => {
    fail();
    expect(await failure()).toMatchObject({ retryable: true });
  });
});

describe('allow-password-recovery in a remove-path teardown', () => {
  let h: MemoryHarness;
  afterAll(async () => h?.close());

  it('allows the recovery right after approval, before the reset is requested', async () => {
    h = createMemoryHarness({
      handlers: {
        'request-reset': { run: async () => ({ type: 'wait', until: h.now() + 60_000, reason: 'later' }) },
      },
    });
    h.rootAccess.rootCredentialsManagement = 'on';
    const id = h.accounts.sandbox1;
    await requestApprovedRemoval(h, id);
    const teardown = await h.runner.get(id as never);
    expect(teardown).toMatchObject({ step: 'request-reset', data: { passwordRecoveryAllowed: true } });
    expect(h.rootAccess.calls).toEqual(['ListOrganizationsFeatures', `CreateLoginProfile ${id}`]);
    const events = await h.runner.events(teardown!);
    expect(
      events.find((e) => e.step === 'allow-password-recovery' && e.action === 'step-succeeded'),
    ).toMatchObject({ detail: ALLOWED });
  });
});
