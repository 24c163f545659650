import { MoveAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/common/config';
import { OrganizationsGateway } from '../../../src/pipeline/adapters/organizations-gateway';
import { accountAge, preflight } from '../../../src/pipeline/preflight';
import { AwsProxy, constraintViolation } from '../../support/aws-proxy';
import { resetMoto } from '../../support/moto-server';
import { buildOrganization, type TestOrganization } from '../../support/organization';

let proxy: AwsProxy;
let client: OrganizationsClient;
let org: TestOrganization;
beforeEach(async () => {
  await resetMoto(process.env.AWS_ENDPOINT_URL ?? '');
  proxy = await new AwsProxy(process.env.AWS_ENDPOINT_URL ?? '').start();
  process.env.AWS_ENDPOINT_URL_ORGANIZATIONS = proxy.endpoint;
  client = new OrganizationsClient({});
  org = await buildOrganization(client);
});
afterEach(async () => {
  client.destroy();
  await proxy.stop();
  delete process.env.AWS_ENDPOINT_URL_ORGANIZATIONS;
});

const config = (allowed: string) =>
  loadConfig({
    TEARDOWN_TABLE: 'unused',
    TEARDOWN_ALLOWED_OUS: allowed,
    TEARDOWN_REQUESTERS: 'UREQ1',
    TEARDOWN_APPROVERS: 'UAPP1',
  });

describe('preflight', () => {
  it('summarises an account with its OU path, email and age', async () => {
    const summary = await preflight(
      new OrganizationsGateway(client),
      config(org.ous.sandbox),
      org.accounts.teamA.id,
    );
    expect(summary).toMatchObject({
      accountId: org.accounts.teamA.id,
      name: 'sandbox-team-a-1',
      email: 'sandbox-team-a-1@sandboxes.example.com',
      ouPath: 'Root / Sandbox / Team A',
      parentId: org.ous.sandboxTeamA,
      state: 'ACTIVE',
    });
    expect(accountAge(summary, (summary.joinedAt ?? 0) + 3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
  });

  it('notices an account moved out of the allowed OU, while reading the fixed OU tree only once', async () => {
    const gateway = new OrganizationsGateway(client);
    const allowed = config(org.ous.sandbox);
    await preflight(gateway, allowed, org.accounts.teamA.id);
    const firstRead = proxy.count('ListParents');
    await preflight(gateway, allowed, org.accounts.teamA.id);
    // The account's own parent again; Team A's and Sandbox's parents are known (OUs cannot move).
    expect(proxy.count('ListParents') - firstRead).toBe(1);

    await client.send(
      new MoveAccountCommand({
        AccountId: org.accounts.teamA.id,
        SourceParentId: org.ous.sandboxTeamA,
        DestinationParentId: org.ous.productionPayments,
      }),
    );
    await expect(preflight(gateway, allowed, org.accounts.teamA.id)).rejects.toThrow(
      'is in Root / Production / Payments, where teardown is not allowed',
    );
  });

  it('reads the legacy Status where an endpoint does not send State', async () => {
    proxy.rewrite('DescribeAccount', (body) => {
      const { Account } = body as { Account: Record<string, unknown> };
      delete Account.State;
      Account.Status = 'SUSPENDED';
      return body;
    });
    const gateway = new OrganizationsGateway(client);
    expect((await gateway.describeAccount(org.accounts.sandbox1.id))?.state).toBe('SUSPENDED');
    await expect(preflight(gateway, config(org.ous.sandbox), org.accounts.sandbox1.id)).rejects.toThrow(
      'is SUSPENDED, not ACTIVE',
    );
  });

  it('allows the whole organization when the root is the allowed parent, but never the management account', async () => {
    const gateway = new OrganizationsGateway(client);
    expect((await preflight(gateway, config(org.rootId), org.accounts.payments.id)).ouPath).toBe(
      'Root / Production / Payments',
    );
    await expect(preflight(gateway, config(org.rootId), org.managementAccountId)).rejects.toThrow(
      'management account',
    );
  });
});

describe('RemoveAccountFromOrganization', () => {
  it('removes a member from moto', async () => {
    const gateway = new OrganizationsGateway(client);
    const { id } = org.accounts.sandbox1;
    expect(await gateway.removeAccount(id as never)).toEqual({ kind: 'removed' });
    expect(await gateway.describeAccount(id as never)).toBeUndefined();
  });

  it('calls an account AWS no longer knows "not a member"', async () => {
    const gateway = new OrganizationsGateway(client);
    proxy.inject('RemoveAccountFromOrganization', {
      status: 400,
      body: { __type: 'AccountNotFoundException', Message: 'no such account' },
    });
    expect(await gateway.removeAccount(org.accounts.sandbox1.id as never)).toEqual({ kind: 'not-member' });
  });

  it('tells a young account, a missing prerequisite and any other refusal apart by AWS reason', async () => {
    const gateway = new OrganizationsGateway(client);
    const id = org.accounts.sandbox1.id as never;
    proxy.inject('RemoveAccountFromOrganization', constraintViolation('WAIT_PERIOD_ACTIVE'));
    expect(await gateway.removeAccount(id)).toMatchObject({ kind: 'too-young' });
    for (const reason of [
      'ACCOUNT_CANNOT_LEAVE_WITHOUT_EULA',
      'ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION',
      'MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED',
    ]) {
      proxy.inject('RemoveAccountFromOrganization', constraintViolation(reason));
      expect(await gateway.removeAccount(id)).toMatchObject({ kind: 'missing-prerequisite', reason });
    }
    proxy.inject(
      'RemoveAccountFromOrganization',
      constraintViolation('CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG'),
    );
    expect(await gateway.removeAccount(id)).toMatchObject({
      kind: 'refused',
      reason: 'CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG',
    });
    // None of those removed it.
    expect(await gateway.describeAccount(id)).toMatchObject({ id });
  });
});
