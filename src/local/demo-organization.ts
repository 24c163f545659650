import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  type OrganizationsClient,
  TagResourceCommand,
} from '@aws-sdk/client-organizations';
import type { AccountId } from '../common/account-id';

export interface DemoAccount {
  id: AccountId;
  name: string;
  email: string;
  joinedAt: number;
}

/** A realistic organization in moto (tests, benchmarks, the local stack): the management account, a root, OUs and member accounts in them. */
export interface DemoOrganization {
  managementAccountId: AccountId;
  rootId: string;
  ous: { sandbox: string; sandboxTeamA: string; production: string; productionPayments: string };
  accounts: {
    sandbox1: DemoAccount;
    sandbox2: DemoAccount;
    teamA: DemoAccount;
    protectedSandbox: DemoAccount;
    optOutSandbox: DemoAccount;
    production: DemoAccount;
    payments: DemoAccount;
  };
}

async function createAccount(
  client: OrganizationsClient,
  parentId: string,
  rootId: string,
  name: string,
  tags: Record<string, string> = {},
): Promise<DemoAccount> {
  const email = `${name}@sandboxes.example.com`;
  const { CreateAccountStatus } = await client.send(
    new CreateAccountCommand({
      AccountName: name,
      Email: email,
      Tags: Object.entries({ owner: 'platform', ...tags }).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  const id = CreateAccountStatus?.AccountId as AccountId;
  await client.send(
    new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: parentId }),
  );
  return { id, name, email, joinedAt: CreateAccountStatus?.CompletedTimestamp?.getTime() ?? Date.now() };
}

export async function buildOrganization(client: OrganizationsClient): Promise<DemoOrganization> {
  const { Organization } = await client.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const { Roots } = await client.send(new ListRootsCommand({}));
  const rootId = Roots?.[0]?.Id ?? '';
  const ou = async (parentId: string, name: string) =>
    (await client.send(new CreateOrganizationalUnitCommand({ ParentId: parentId, Name: name })))
      .OrganizationalUnit?.Id ?? '';
  const sandbox = await ou(rootId, 'Sandbox');
  const sandboxTeamA = await ou(sandbox, 'Team A');
  const production = await ou(rootId, 'Production');
  const productionPayments = await ou(production, 'Payments');

  const accounts = {
    sandbox1: await createAccount(client, sandbox, rootId, 'sandbox-alice'),
    sandbox2: await createAccount(client, sandbox, rootId, 'sandbox-bob'),
    teamA: await createAccount(client, sandboxTeamA, rootId, 'sandbox-team-a-1'),
    protectedSandbox: await createAccount(client, sandbox, rootId, 'sandbox-keep', {
      'teardown:protect': 'true',
    }),
    optOutSandbox: await createAccount(client, sandbox, rootId, 'sandbox-unprotected', {
      'teardown:protect': 'false',
    }),
    production: await createAccount(client, production, rootId, 'prod-web'),
    payments: await createAccount(client, productionPayments, rootId, 'prod-payments'),
  };
  await client.send(
    new TagResourceCommand({
      ResourceId: accounts.sandbox1.id,
      Tags: [{ Key: 'cost-center', Value: 'sbx-42' }],
    }),
  );
  return {
    managementAccountId: (Organization?.MasterAccountId ?? '') as AccountId,
    rootId,
    ous: { sandbox, sandboxTeamA, production, productionPayments },
    accounts,
  };
}
