// Tests src/pipeline/steps/preflight.ts against an organization in memory.
import { describe, expect, it } from 'vitest';
import { preflightStep } from '../../../src/pipeline/steps/preflight';
import { FakeOrganizations, MANAGEMENT, stepContext, teardownAt } from '../../support/fakes';

describe('preflight step', () => {
  it('keeps what it learned for the approver and shows who the account is', async () => {
    const orgs = new FakeOrganizations();
    const id = orgs.add('111111111111', { name: 'sandbox-alice' });
    const ctx = stepContext(teardownAt('preflight', id));
    const outcome = await preflightStep({ orgs }).run(ctx);
    expect(outcome).toEqual({
      type: 'done',
      note: 'sandbox-alice <sandbox-1111@example.com> in Root / Sandbox',
    });
    expect(ctx.teardown.summary).toMatchObject({
      accountId: id,
      name: 'sandbox-alice',
      ouPath: 'Root / Sandbox',
    });
  });

  it.each([
    [
      'a protected account',
      { tags: { 'teardown:protect': 'yes' } },
      'is protected by its tag teardown:protect=yes',
    ],
    ['an account outside the allowed OUs', { ou: 'ou-test-production' }, 'where teardown is not allowed'],
    ['a suspended account', { state: 'SUSPENDED' }, 'is SUSPENDED, not ACTIVE'],
  ])('refuses %s, ending the teardown with the reason', async (_what, options, reason) => {
    const orgs = new FakeOrganizations();
    const id = orgs.add('222222222222', options);
    const outcome = await preflightStep({ orgs }).run(stepContext(teardownAt('preflight', id)));
    expect(outcome).toMatchObject({
      type: 'end',
      status: 'refused',
      reason: expect.stringContaining(reason),
    });
  });

  it('refuses the management account and accounts of other organizations', async () => {
    const orgs = new FakeOrganizations();
    const step = preflightStep({ orgs });
    expect(await step.run(stepContext(teardownAt('preflight', MANAGEMENT)))).toMatchObject({
      type: 'end',
      reason: `${MANAGEMENT} is the organization's management account; it is never torn down.`,
    });
    expect(await step.run(stepContext(teardownAt('preflight', '333333333333')))).toMatchObject({
      type: 'end',
      reason: '333333333333 is not an account of this organization.',
    });
  });
});
