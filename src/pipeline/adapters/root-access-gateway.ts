import { CreateLoginProfileCommand, IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { AssumeRootCommand, type AssumeRootCommandOutput, STSClient } from '@aws-sdk/client-sts';
import type { AccountId } from '../../common/account-id';
import { AwsCallError, asAwsCallError } from '../../common/errors';
import { traced } from '../../common/tracing';
import type { RootAccess } from '../ports/root-access';

/** The AWS-managed task policy that limits a privileged root session to creating the root user's login profile. */
export const CREATE_ROOT_PASSWORD_TASK_POLICY = 'arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword';
/** The longest privileged root session STS grants; the session makes one call. */
export const ROOT_SESSION_SECONDS = 900;

/** Temporary credentials of a privileged root session (never logged, never stored). */
export interface RootSessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

/** How the gateway builds its clients; tests replace them. Endpoints come from the SDK's own variables. */
export interface RootAccessClients {
  /** IAM with the pipeline's own credentials (the management account). */
  managementIam?: (region: string) => IAMClient;
  /** STS at the configured region's endpoint. */
  sts?: (region: string) => STSClient;
  /** IAM acting as a member account's root user, on a privileged root session's credentials. */
  rootIam?: (region: string, credentials: RootSessionCredentials) => IAMClient;
}

/** AssumeRoot is refused by the global STS endpoint: the client must never fall back to it. */
export function regionalStsClient(region: string): STSClient {
  return new STSClient({ region, useGlobalEndpoint: false });
}

const DEFAULT_CLIENTS: Required<RootAccessClients> = {
  managementIam: (region) => traced(new IAMClient({ region })),
  sts: (region) => traced(regionalStsClient(region)),
  rootIam: (region, credentials) => traced(new IAMClient({ region, credentials })),
};

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const ALREADY_EXISTS = new Set(['EntityAlreadyExistsException', 'EntityAlreadyExists']);
// Query-protocol services (IAM, STS) name throttling errors without "Exception"; errors.ts knows the others.
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

/** The RootAccess port on IAM and STS, from the management account. */
export class RootAccessGateway implements RootAccess {
  private readonly clients: Required<RootAccessClients>;
  private iamClient: IAMClient | undefined;
  private stsClient: STSClient | undefined;

  constructor(
    private readonly region: string,
    clients: RootAccessClients = {},
  ) {
    this.clients = { ...DEFAULT_CLIENTS, ...clients };
  }

  async rootCredentialsManagementOn(): Promise<boolean> {
    return (await this.enabledFeatures()).includes('RootCredentialsManagement');
  }

  async allowPasswordRecovery(accountId: AccountId): Promise<'created' | 'existed'> {
    const credentials = await this.assumeRoot(accountId);
    const iam = this.clients.rootIam(this.region, credentials);
    try {
      // No user name: the call is made as the root user, for itself. No password: only recovery is enabled.
      await iam.send(new CreateLoginProfileCommand({}));
      return 'created';
    } catch (error) {
      const name = nameOf(error);
      if (ALREADY_EXISTS.has(name)) return 'existed';
      const what = `iam:CreateLoginProfile as the root user of ${accountId}`;
      if (ACCESS_DENIED.has(name)) {
        throw refused(what, error, `the task policy ${CREATE_ROOT_PASSWORD_TASK_POLICY} must allow it`);
      }
      throw awsCallError(what, error);
    } finally {
      iam.destroy();
    }
  }

  private async enabledFeatures(): Promise<string[]> {
    this.iamClient ??= this.clients.managementIam(this.region);
    const what = 'iam:ListOrganizationsFeatures';
    try {
      const { EnabledFeatures } = await this.iamClient.send(new ListOrganizationsFeaturesCommand({}));
      return EnabledFeatures ?? [];
    } catch (error) {
      const name = nameOf(error);
      // Centralized root access can only be on with IAM's trusted access and all features: without either,
      // none of it is (an organization that never used it answers so).
      if (
        name === 'ServiceAccessNotEnabledException' ||
        name === 'OrganizationNotInAllFeaturesModeException'
      ) {
        return [];
      }
      if (name === 'AccountNotManagementOrDelegatedAdministratorException') {
        throw refused(
          what,
          error,
          "the pipeline must run as the organization's management account or IAM's delegated administrator",
        );
      }
      if (name === 'OrganizationNotFoundException') {
        throw refused(what, error, "the pipeline's account belongs to no organization");
      }
      if (ACCESS_DENIED.has(name)) {
        throw refused(what, error, "the pipeline's role needs the permission iam:ListOrganizationsFeatures");
      }
      throw awsCallError(what, error);
    }
  }

  private async assumeRoot(accountId: AccountId): Promise<RootSessionCredentials> {
    this.stsClient ??= this.clients.sts(this.region);
    const what = `sts:AssumeRoot into ${accountId}`;
    let answer: AssumeRootCommandOutput;
    try {
      answer = await this.stsClient.send(
        new AssumeRootCommand({
          TargetPrincipal: accountId,
          TaskPolicyArn: { arn: CREATE_ROOT_PASSWORD_TASK_POLICY },
          DurationSeconds: ROOT_SESSION_SECONDS,
        }),
      );
    } catch (error) {
      const name = nameOf(error);
      if (ACCESS_DENIED.has(name)) throw refused(what, error, await this.whatAssumeRootNeeds());
      if (name === 'RegionDisabledException') {
        throw refused(what, error, `STS must be active in ${this.region} for the management account`);
      }
      throw awsCallError(what, error);
    }
    const session = answer.Credentials;
    if (!session?.AccessKeyId || !session.SecretAccessKey || !session.SessionToken) {
      throw new AwsCallError(`${what} answered without credentials`, { retryable: true });
    }
    return {
      accessKeyId: session.AccessKeyId,
      secretAccessKey: session.SecretAccessKey,
      sessionToken: session.SessionToken,
      ...(session.Expiration ? { expiration: session.Expiration } : {}),
    };
  }

  /** Names what is missing when AssumeRoot is refused: the organization's feature, or the permission. */
  private async whatAssumeRootNeeds(): Promise<string> {
    const features = await this.enabledFeatures().catch(() => undefined);
    if (features && !features.includes('RootSessions')) {
      return 'the organization needs centralized root access with privileged root actions (RootSessions) on';
    }
    return (
      'the management account needs centralized root access and the permission sts:AssumeRoot ' +
      `(for the task policy ${CREATE_ROOT_PASSWORD_TASK_POLICY}), not denied by an SCP`
    );
  }
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

function refused(what: string, error: unknown, needs: string): AwsCallError {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new AwsCallError(`${what} was refused: ${detail}; ${needs}`, { cause: error, retryable: false });
}

/** Throttling and server faults may pass; errors.ts decides the rest (network errors, other services' names). */
function awsCallError(what: string, error: unknown): AwsCallError {
  const { $fault, $metadata } = (error ?? {}) as { $fault?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode ?? 0;
  const transient = THROTTLING.has(nameOf(error)) || $fault === 'server' || status === 429 || status >= 500;
  return asAwsCallError(what, error, transient ? { retryable: true } : {});
}
