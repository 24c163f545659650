// Tests src/pipeline/steps/remove-from-org.ts: each answer of RemoveAccountFromOrganization, and the whole step in
// the runner (re-check first, the wait for a young account, going back to the sign-up wizard once, then a person).
import { afterEach, describe, expect, it } from 'vitest';
import type { StepName } from '../../../src/pipeline/catalogue';
import type { StepHandler } from '../../../src/pipeline/step-handler';
import { LEAVE_WAIT_MS, removeFromOrgStep } from '../../../src/pipeline/steps/remove-from-org';
import { FakeOrganizations, stepContext, teardownAt } from '../../support/fakes';
import { createMemoryHarness, type MemoryHarness } from '../../support/memory-harness';
import { requestApprovedRemoval, resetMailArrives } from '../../support/runner-rig';

const JOINED = Date.UTC(2026, 2, 1, 8);

function removing(orgs: FakeOrganizations, changes = {}) {
  const teardown = teardownAt('remove-from-org', '111111111111', {
    strategy: 'remove',
    summary: {
      accountId: '111111111111' as never,
      name: 'sandbox-alice',
      email: 'a@example.com',
      ouPath: 'Root / Sandbox',
      parentId: 'ou-test-sandbox1',
      joinedAt: JOINED,
      state: 'ACTIVE',
    },
    ...changes,
  });
  return { step: removeFromOrgStep({ orgs }), ctx: stepContext(teardown) };
}

describe('remove-from-org step', () => {
  it('removes the account and says it stands alone now', async () => {
    const orgs = new FakeOrganizations();
    orgs.add('111111111111');
    const { step, ctx } = removing(orgs);
    expect(await step.run(ctx)).toMatchObject({
      type: 'done',
      note: 'removed from the organization; it is a standalone account now',
      data: { removedAt: ctx.now },
    });
    expect(orgs.accounts.has('111111111111')).toBe(false);
  });

  it('waits until four days after the account joined (plus a margin) when AWS says it is too young', async () => {
    const orgs = new FakeOrganizations();
    orgs.add('111111111111');
    orgs.removeAnswers.push({ kind: 'too-young', message: 'wait period active' });
    const { step, ctx } = removing(orgs);
    const outcome = await step.run(ctx);
    expect(outcome).toMatchObject({ type: 'wait', until: JOINED + LEAVE_WAIT_MS + 10 * 60_000 });
    expect(outcome.type === 'wait' && outcome.reason).toMatch(
      /4 days after it joined \(it joined 2026-03-01T08:00 UTC\); trying again in 3d 20h/,
    );
  });

  it('tries again in hours when the joining date is unknown or already four days past', async () => {
    const orgs = new FakeOrganizations();
    orgs.add('111111111111');
    orgs.removeAnswers.push({ kind: 'too-young', message: 'wait period active' });
    const { step, ctx } = removing(orgs, { summary: undefined });
    expect(await step.run(ctx)).toMatchObject({ type: 'wait', until: ctx.now + 6 * 3_600_000 });
  });

  it('goes back to the sign-up wizard once when AWS names a missing prerequisite', async () => {
    const orgs = new FakeOrganizations();
    orgs.add('111111111111');
    orgs.removeAnswers.push({
      kind: 'missing-prerequisite',
      reason: 'ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION',
      message: 'complete phone verification first',
    });
    const { step, ctx } = removing(orgs);
    expect(await step.run(ctx)).toEqual({
      type: 'back-to',
      step: 'complete-signup',
      max: 1,
      reason:
        'AWS says the account is not ready to stand alone (ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION): complete phone verification first',
    });
    expect(orgs.accounts.has('111111111111')).toBe(true);
  });

  it('fails with AWS reason for anything else it refuses', async () => {
    const orgs = new FakeOrganizations();
    orgs.add('111111111111');
    orgs.removeAnswers.push({
      kind: 'refused',
      reason: 'CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG',
      message: 'deregister it first',
    });
    const { step, ctx } = removing(orgs);
    expect(await step.run(ctx)).toEqual({
      type: 'end',
      status: 'failed',
      reason:
        'AWS refused to remove the account (CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG): deregister it first',
    });
  });
});

describe('remove-from-org in a teardown', () => {
  let h: MemoryHarness;
  afterEach(async () => h?.stop());

  const done = (note: string): StepHandler => ({ run: async () => ({ type: 'done', note }) });
  const browserStandIns = (): Partial<Record<StepName, StepHandler>> => ({
    'request-reset': done('reset requested'),
    'set-password': done('password set'),
    'sign-in': done('signed in'),
    'complete-signup': done('sign-up complete'),
    'verify-phone': done('phone verified'),
    'close-as-root': { run: async () => ({ type: 'done', data: { closedState: 'SUSPENDED' } }) },
  });

  async function atRemoval(): Promise<string> {
    const id = h.ports.orgs.accounts.keys().next().value as string;
    await requestApprovedRemoval(h, id);
    await resetMailArrives(h, id);
    await h.runUntilQuiet();
    return id;
  }

  it('waits for a too-young account, then removes it when its timer fires', async () => {
    h = createMemoryHarness({ handlers: browserStandIns(), startAt: Date.UTC(2026, 0, 2) });
    h.ports.orgs.removeAnswers.push({ kind: 'too-young', message: 'wait period active' });
    const id = await atRemoval();
    const waiting = await h.runner.get(id as never);
    expect(waiting).toMatchObject({ step: 'remove-from-org', stepStatus: 'waiting' });
    // The fake organization's accounts joined on 1 January 2026.
    expect(waiting?.wait?.until).toBe(Date.UTC(2026, 0, 1) + LEAVE_WAIT_MS + 10 * 60_000);
    await h.runAllTimers();
    expect(await h.runner.get(id as never)).toMatchObject({ status: 'succeeded' });
    expect(h.ports.orgs.calls.filter((c) => c === 'RemoveAccountFromOrganization')).toHaveLength(2);
  });

  it('runs the sign-up wizard again once, then asks a person when the prerequisite is still missing', async () => {
    const runs: StepName[] = [];
    const counting = (step: StepName): StepHandler => ({
      run: async () => {
        runs.push(step);
        return { type: 'done', note: `${step} done` };
      },
    });
    h = createMemoryHarness({
      handlers: {
        ...browserStandIns(),
        'complete-signup': counting('complete-signup'),
        'verify-phone': counting('verify-phone'),
      },
    });
    const missing = {
      kind: 'missing-prerequisite' as const,
      reason: 'MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED',
      message: 'add a payment method',
    };
    h.ports.orgs.removeAnswers.push(missing, missing);
    const id = await atRemoval();
    expect(runs).toEqual(['complete-signup', 'verify-phone', 'complete-signup', 'verify-phone']);
    const asking = await h.runner.get(id as never);
    expect(asking).toMatchObject({
      step: 'remove-from-org',
      stepStatus: 'waiting',
      wait: { signal: 'human', retryGoesBackTo: 'complete-signup' },
    });
    expect(asking?.wait?.reason).toContain('MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED');
  });
});
