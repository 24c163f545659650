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

/** A sandbox account of the local demo: how long ago it joined and what the simulated AWS does on its phone check. */
export interface LocalDemoAccount extends DemoAccount {
  ageDays: number;
  /** What AWS does to verify its phone: shows a PIN and calls, or texts a code. */
  verification: 'pin' | 'code-sms';
  protected: boolean;
  note: string;
}

export interface LocalDemo {
  org: DemoOrganization;
  /** The dozen sandbox accounts, oldest first. */
  sandboxes: LocalDemoAccount[];
}

/** Sandbox accounts the local demo adds to the shared demo organization, with their ages in days. */
const MORE_SANDBOXES: ReadonlyArray<[name: string, ageDays: number]> = [
  ['sandbox-hackathon-1', 45],
  ['sandbox-hackathon-2', 30],
  ['sandbox-ml-demo', 21],
  ['sandbox-workshop-1', 12],
  ['sandbox-workshop-2', 8],
  ['sandbox-load-test', 5],
  ['sandbox-new-joiner', 1],
];

/**
 * The local stack's organization: the demo organization with a dozen sandbox accounts of varied age, one of them
 * joined yesterday (too young to leave: AWS refuses removals for 4 days after joining) and one protected by tag.
 * moto records every account as joined now; the ages are given to the simulated AWS, which enforces them.
 */
export async function buildLocalDemo(client: OrganizationsClient): Promise<LocalDemo> {
  const org = await buildOrganization(client);
  const { accounts, ous, rootId } = org;
  const sandboxes: LocalDemoAccount[] = [
    demo(accounts.sandbox1, 400, 'pin', 'tagged cost-center=sbx-42'),
    demo(accounts.protectedSandbox, 300, 'pin', 'protected by its teardown:protect tag: refused', true),
    demo(accounts.sandbox2, 200, 'code-sms'),
    demo(accounts.teamA, 90, 'pin', 'in the nested OU Sandbox / Team A'),
    demo(accounts.optOutSandbox, 60, 'code-sms', 'teardown:protect=false: not protected'),
  ];
  for (const [index, [name, ageDays]] of MORE_SANDBOXES.entries()) {
    const account = await createAccount(client, ous.sandbox, rootId, name);
    sandboxes.push(
      demo(
        account,
        ageDays,
        index % 2 === 0 ? 'pin' : 'code-sms',
        ageDays < 4
          ? 'too young to leave its organization: AWS refuses removals for 4 days after joining'
          : '',
      ),
    );
  }
  return { org, sandboxes };
}

function demo(
  account: DemoAccount,
  ageDays: number,
  verification: LocalDemoAccount['verification'],
  note = '',
  isProtected = false,
): LocalDemoAccount {
  return { ...account, ageDays, verification, protected: isProtected, note };
}
