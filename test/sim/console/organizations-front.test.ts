import {
  AccountNotFoundException,
  ConstraintViolationException,
  DescribeAccountCommand,
  ListAccountsCommand,
  OrganizationsClient,
  RemoveAccountFromOrganizationCommand,
} from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleSim, seedFromOrganizations, startConsoleSim } from '../../../sim/console';
import { buildOrganization, type TestOrganization } from '../../support/organization';
import { manualClock } from './helpers';

// The Organizations front before moto, over plain HTTP: what it passes through untouched, and how it refuses to
// let an account leave before the account could stand alone.

const DAY = 24 * 60 * 60 * 1000;
const clock = manualClock(Date.now());

let sim: ConsoleSim;
let org: TestOrganization;
/** Straight to moto (AWS_ENDPOINT_URL of this test file). */
let direct: OrganizationsClient;
/** Through the simulator's front. */
let front: OrganizationsClient;

beforeAll(async () => {
  const upstream = process.env.AWS_ENDPOINT_URL ?? '';
  sim = await startConsoleSim({ captcha: 'never', clock: clock.now, organizationsUpstream: upstream });
  direct = new OrganizationsClient({});
  front = new OrganizationsClient({ endpoint: sim.organizationsEndpoint });
  org = await buildOrganization(direct);
});
afterAll(async () => {
  await sim?.close();
});

/** One raw Organizations call, as the SDK sends it (moto does not check signatures). */
async function rawCall(endpoint: string, target: string, body: unknown) {
  const answer = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSOrganizationsV20161128.${target}`,
      authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/organizations/aws4_request, SignedHeaders=host, Signature=00',
    },
    body: JSON.stringify(body),
  });
  return {
    status: answer.status,
    contentType: answer.headers.get('content-type'),
    body: await answer.text(),
  };
}

async function refusal(accountId: string): Promise<{ reason?: string; message?: string; status?: number }> {
  try {
    await front.send(new RemoveAccountFromOrganizationCommand({ AccountId: accountId }));
    return {};
  } catch (error) {
    expect(error).toBeInstanceOf(ConstraintViolationException);
    const refused = error as ConstraintViolationException;
    return { reason: refused.Reason, message: refused.message, status: refused.$metadata.httpStatusCode };
  }
}

describe('Organizations front', () => {
  it('listens on a loopback HTTP port of its own', () => {
    expect(sim.organizationsEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(sim.organizationsEndpoint ?? '').port).not.toBe(String(sim.port));
  });

  it('passes every other call through unchanged: status, content type and body, errors included', async () => {
    const upstream = process.env.AWS_ENDPOINT_URL ?? '';
    const calls: Array<[string, unknown]> = [
      ['DescribeOrganization', {}],
      ['ListAccounts', {}],
      ['DescribeAccount', { AccountId: org.accounts.production.id }],
      ['DescribeAccount', { AccountId: '999999999999' }],
    ];
    for (const [target, body] of calls) {
      const viaFront = await rawCall(sim.organizationsEndpoint ?? '', target, body);
      expect(viaFront).toEqual(await rawCall(upstream, target, body));
    }
    const listed = await front.send(new ListAccountsCommand({}));
    expect(listed.Accounts?.map((account) => account.Id).sort()).toEqual(
      (await direct.send(new ListAccountsCommand({}))).Accounts?.map((account) => account.Id).sort(),
    );
  });

  it('seeds accounts joined when Organizations says, or when the seed is told', async () => {
    const added = await seedFromOrganizations(sim, direct);
    expect(added).toContain(org.accounts.sandbox1.id);
    const joined = sim.account(org.accounts.sandbox1.id)?.joinedAt ?? 0;
    expect(Math.abs(joined - org.accounts.sandbox1.joinedAt)).toBeLessThan(1000);
    expect(sim.account(org.accounts.sandbox1.id)?.signup).toEqual({
      contact: false,
      payment: false,
      phone: false,
      support: false,
      agreement: false,
    });

    const longAgo = clock.now() - 30 * DAY;
    await seedFromOrganizations(sim, direct, { joinedAt: longAgo, verification: 'code-sms' });
    expect(sim.account(org.accounts.sandbox1.id)).toMatchObject({
      joinedAt: longAgo,
      verification: 'code-sms',
    });
  });

  it('gives the simulator’s join time of the accounts it knows, in every answer that carries accounts', async () => {
    const { id } = org.accounts.sandbox2;
    await seedFromOrganizations(sim, direct);
    const joinedAt = Math.floor(clock.now() / 1000) * 1000 - 400 * DAY;
    sim.updateAccount(id, { joinedAt });
    const { Account } = await front.send(new DescribeAccountCommand({ AccountId: id }));
    expect(Account?.JoinedTimestamp?.getTime()).toBe(joinedAt);
    const listed = await front.send(new ListAccountsCommand({}));
    expect(listed.Accounts?.find((a) => a.Id === id)?.JoinedTimestamp?.getTime()).toBe(joinedAt);
    // moto itself still says now: the simulated AWS is the one that knows the account's history.
    const straight = await direct.send(new DescribeAccountCommand({ AccountId: id }));
    expect(Date.now() - (straight.Account?.JoinedTimestamp?.getTime() ?? 0)).toBeLessThan(DAY);
  });

  it('refuses removal for what is missing, in AWS’s order, then lets it through and marks the account removed', async () => {
    await seedFromOrganizations(sim, direct);
    const { id } = org.accounts.sandbox2;

    expect(await refusal(id)).toMatchObject({ reason: 'WAIT_PERIOD_ACTIVE', status: 400 });
    // Four days after Organizations' JoinedTimestamp, by the simulator's clock.
    const joinedAt = sim.account(id)?.joinedAt ?? 0;
    clock.advance(joinedAt + 4 * DAY - 60_000 - clock.now());
    expect((await refusal(id)).reason).toBe('WAIT_PERIOD_ACTIVE');
    clock.advance(60_000);
    expect((await refusal(id)).reason).toBe('ACCOUNT_CANNOT_LEAVE_WITHOUT_EULA');
    sim.updateAccount(id, { signup: { contact: true, agreement: true } });
    expect((await refusal(id)).reason).toBe('MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED');
    sim.updateAccount(id, { signup: { payment: true } });
    expect((await refusal(id)).reason).toBe('ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION');
    sim.updateAccount(id, { signup: { phone: true } });
    const noSupport = await refusal(id);
    expect(noSupport.reason).toBe('ACCOUNT_CANNOT_LEAVE_ORGANIZATION');
    expect(noSupport.message).toContain('support plan');
    // Still a member in moto while refused.
    await expect(direct.send(new DescribeAccountCommand({ AccountId: id }))).resolves.toBeDefined();
    expect(sim.account(id)?.removed).toBe(false);

    sim.updateAccount(id, { signup: { support: true } });
    expect(await refusal(id)).toEqual({});
    expect(sim.account(id)?.removed).toBe(true);
    await expect(direct.send(new DescribeAccountCommand({ AccountId: id }))).rejects.toBeInstanceOf(
      AccountNotFoundException,
    );
  });

  it('shows the refusal as AWS words it on the wire', async () => {
    sim.addAccount({
      accountId: org.accounts.teamA.id,
      email: org.accounts.teamA.email,
      joinedAt: clock.now(),
    });
    const answer = await rawCall(sim.organizationsEndpoint ?? '', 'RemoveAccountFromOrganization', {
      AccountId: org.accounts.teamA.id,
    });
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(answer.body)).toEqual({
      __type: 'ConstraintViolationException',
      Message: expect.stringContaining('4 days'),
      Reason: 'WAIT_PERIOD_ACTIVE',
    });
  });

  it('leaves the removal of accounts it does not know to moto', async () => {
    const upstream = process.env.AWS_ENDPOINT_URL ?? '';
    const unaware = await startConsoleSim({ captcha: 'never', organizationsUpstream: upstream });
    try {
      const viaUnaware = new OrganizationsClient({ endpoint: unaware.organizationsEndpoint });
      // Joined moments ago and nothing done: moto alone decides, and moto lets it go.
      const { id } = org.accounts.payments;
      await viaUnaware.send(new RemoveAccountFromOrganizationCommand({ AccountId: id }));
      await expect(direct.send(new DescribeAccountCommand({ AccountId: id }))).rejects.toBeInstanceOf(
        AccountNotFoundException,
      );
      const call = ['RemoveAccountFromOrganization', { AccountId: '999999999999' }] as const;
      const viaFront = await rawCall(unaware.organizationsEndpoint ?? '', ...call);
      expect(viaFront.status).toBe(400);
      expect(viaFront).toEqual(await rawCall(upstream, ...call));
    } finally {
      await unaware.close();
    }
  });
});
