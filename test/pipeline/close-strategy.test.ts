import { DescribeAccountCommand } from '@aws-sdk/client-organizations';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidAccountIdError,
  NotAuthorizedError,
  NotWaitingError,
  TeardownExistsError,
} from '../../src/common/errors';
import { IMPLEMENTED_STEPS, STEPS, STRATEGY_STEPS } from '../../src/pipeline/catalogue';
import { CLOSE_WINDOW_MS } from '../../src/pipeline/ports/close-ledger';
import { closeViaApiStep } from '../../src/pipeline/steps/close-via-api';
import { constraintViolation } from '../support/aws-proxy';
import {
  APPROVER,
  createPipelineHarness,
  type PipelineHarness,
  REQUESTER,
} from '../support/pipeline-harness';

let h: PipelineHarness;
afterEach(async () => h?.close());

async function accountState(id: string): Promise<string | undefined> {
  const { Account } = await h.orgs.send(new DescribeAccountCommand({ AccountId: id }));
  return Account?.State ?? Account?.Status;
}

async function requestAndWaitForApproval(accountId: string) {
  await h.runner.request({ accountId, requester: REQUESTER, reason: 'sprint demo is over' });
  await h.runUntilQuiet();
  const waiting = await h.runner.get(accountId as never);
  expect(waiting).toMatchObject({ step: 'approval', stepStatus: 'waiting', wait: { signal: 'approval' } });
  return waiting;
}

const approve = (accountId: string, actor = APPROVER) =>
  h.runner.resume(accountId, { name: 'approval', actor, payload: { decision: 'approve' } });

describe('close strategy, end to end on moto', () => {
  beforeEach(async () => {
    h = await createPipelineHarness();
  });

  it('closes an approved sandbox account and records every step', async () => {
    const { id } = h.org.accounts.teamA;
    const waiting = await requestAndWaitForApproval(id);
    expect(waiting?.summary).toMatchObject({ name: 'sandbox-team-a-1', ouPath: 'Root / Sandbox / Team A' });
    expect(await accountState(id)).toBe('ACTIVE');

    await approve(id);
    await h.runUntilQuiet();

    const done = await h.runner.get(id);
    expect(done).toMatchObject({ status: 'succeeded', approver: APPROVER, stepStatus: 'succeeded' });
    expect(done?.outcome).toContain('sandbox-team-a-1 closed through Organizations (state SUSPENDED)');
    expect(await accountState(id)).toBe('SUSPENDED');
    expect(h.proxy.count('CloseAccount')).toBe(1);

    const events = await h.runner.events(done!);
    const finished = events.filter((e) => e.action === 'step-succeeded').map((e) => e.step);
    expect(finished).toEqual(['preflight', 'approval', 'close-via-api', 'await-closed', 'cleanup']);
    expect(events.find((e) => e.step === 'approval' && e.action === 'step-succeeded')?.actor).toBe(APPROVER);
    expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
    // The quota ledger knows about the close.
    expect((await h.ports.ledger.closesSince(0)).map((c) => c.accountId)).toEqual([id]);
    // Step outcomes were measured.
    expect(h.measured).toContainEqual({ step: 'close-via-api', outcome: 'step-succeeded' });
  });

  it('lets nobody approve their own request, and a denial ends it without closing', async () => {
    const { id } = h.org.accounts.sandbox1;
    await requestAndWaitForApproval(id);
    await expect(approve(id, REQUESTER)).rejects.toBeInstanceOf(NotAuthorizedError);
    expect(await h.runner.get(id as never)).toMatchObject({ step: 'approval', stepStatus: 'waiting' });

    await h.runner.resume(id, { name: 'approval', actor: APPROVER, payload: { decision: 'deny' } });
    await h.runUntilQuiet();
    expect(await h.runner.get(id as never)).toMatchObject({
      status: 'denied',
      outcome: `Denied by ${APPROVER}.`,
    });
    expect(await accountState(id)).toBe('ACTIVE');
  });

  it('expires a request nobody approves before the deadline', async () => {
    const { id } = h.org.accounts.sandbox1;
    await requestAndWaitForApproval(id);
    h.advanceClock(h.config.deadlines.approvalMs);
    await h.runUntilQuiet();
    expect(await h.runner.get(id as never)).toMatchObject({
      status: 'expired',
      outcome: 'No one approved within 1d.',
    });
    await expect(approve(id)).rejects.toBeInstanceOf(NotWaitingError);
    expect(await accountState(id)).toBe('ACTIVE');
  });
});

describe('refusals', () => {
  beforeEach(async () => {
    h = await createPipelineHarness();
  });

  async function expectRefused(accountId: string, reason: RegExp) {
    await h.runner.request({ accountId, requester: REQUESTER });
    await h.runUntilQuiet();
    const refused = await h.runner.get(accountId as never);
    expect(refused?.status).toBe('refused');
    expect(refused?.outcome).toMatch(reason);
    // Nothing but refusals: teardown records that ended refused and their events; no close, no ledger entry.
    const items = await h.scanTable();
    expect(items.every((item) => String(item.pk).startsWith('ACCOUNT#'))).toBe(true);
    const records = items.filter((item) => item.sk === 'TEARDOWN');
    expect(records.map((r) => r.status)).toEqual(records.map(() => 'refused'));
    expect(records.some((r) => r.pk === `ACCOUNT#${accountId}`)).toBe(true);
    expect(h.proxy.count('CloseAccount')).toBe(0);
    expect(h.notices.at(-1)?.event).toMatchObject({ action: 'ended', outcome: 'refused' });
  }

  it('refuses the management account', async () => {
    await expectRefused(h.org.managementAccountId, /management account; it is never torn down/);
  });

  it('refuses an account in the Production OU, nested ones too', async () => {
    await expectRefused(
      h.org.accounts.production.id,
      /is in Root \/ Production, where teardown is not allowed/,
    );
    await expectRefused(h.org.accounts.payments.id, /is in Root \/ Production \/ Payments, where teardown/);
  });

  it('refuses a protected account but not one whose protect tag says false', async () => {
    await expectRefused(h.org.accounts.protectedSandbox.id, /protected by its tag teardown:protect=true/);
    const summary = await h.runner.preflight(h.org.accounts.optOutSandbox.id);
    expect(summary.name).toBe('sandbox-unprotected');
  });

  it('refuses an id that is not in the organization', async () => {
    await expectRefused('000000000001', /000000000001 is not an account of this organization/);
  });

  it('refuses a malformed id before writing anything', async () => {
    for (const bad of ['12345', '1234567890123', '12345678901a', ' ', 'arn:aws:iam::123456789012:root']) {
      await expect(h.runner.request({ accountId: bad, requester: REQUESTER })).rejects.toBeInstanceOf(
        InvalidAccountIdError,
      );
    }
    await expect(h.runner.request({ accountId: '12345', requester: REQUESTER })).rejects.toThrow(
      '"12345" has 5 digits; an AWS account id has exactly 12 (keep leading zeros).',
    );
    expect(await h.scanTable()).toEqual([]);
  });
});

describe('one teardown at a time', () => {
  beforeEach(async () => {
    h = await createPipelineHarness();
  });

  it('refuses a second request for an account whose teardown is active, and allows one after it ended', async () => {
    const { id } = h.org.accounts.sandbox2;
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => h.runner.request({ accountId: id, requester: REQUESTER })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(TeardownExistsError);
    }
    await h.runUntilQuiet();
    await h.runner.cancel(id, REQUESTER);
    const again = await h.runner.request({ accountId: id, requester: REQUESTER });
    expect(again.teardown.status).toBe('active');
  });

  it('keeps leading zeros of an account id', async () => {
    await h.runner.request({ accountId: '000000000042', requester: REQUESTER });
    await h.runUntilQuiet();
    expect((await h.runner.get('000000000042' as never))?.accountId).toBe('000000000042');
  });
});

describe('cancel', () => {
  beforeEach(async () => {
    h = await createPipelineHarness();
  });

  it('stops a teardown waiting for approval; a late approval changes nothing', async () => {
    const { id } = h.org.accounts.sandbox1;
    await requestAndWaitForApproval(id);
    const cancelled = await h.runner.cancel(id, REQUESTER);
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      stepStatus: 'cancelled',
      outcome: `Cancelled by ${REQUESTER}.`,
    });
    await expect(approve(id)).rejects.toThrow(/has ended \(cancelled\)/);
    await h.runUntilQuiet();
    expect(await accountState(id)).toBe('ACTIVE');
  });

  it('runs nothing after a cancel recorded between approval and the close', async () => {
    const { id } = h.org.accounts.sandbox1;
    await requestAndWaitForApproval(id);
    h.dispatcher.hold();
    await approve(id);
    await h.runner.cancel(id, APPROVER);
    h.dispatcher.release();
    await h.runUntilQuiet();
    expect(await h.runner.get(id as never)).toMatchObject({ status: 'cancelled', step: 'close-via-api' });
    expect(h.proxy.count('CloseAccount')).toBe(0);
    expect(await accountState(id)).toBe('ACTIVE');
  });

  it('does not let a step that was running save its outcome after a cancel', async () => {
    const { id } = h.org.accounts.sandbox1;
    // The cancel lands while this worker's preflight is running.
    const worker = h.anotherRunner({
      preflight: {
        async run() {
          await h.runner.cancel(id, REQUESTER);
          return { type: 'done' as const };
        },
      },
    });
    h.dispatcher.hold();
    await h.runner.request({ accountId: id, requester: REQUESTER });
    const result = await worker.advance(id);
    expect(result).toEqual({ ran: false, why: 'lost-claim' });
    const cancelled = await h.runner.get(id as never);
    expect(cancelled).toMatchObject({ status: 'cancelled', step: 'preflight' });
    // The preflight's "done" was never saved.
    expect((await h.runner.events(cancelled!)).some((e) => e.action === 'step-succeeded')).toBe(false);
  });
});

describe('a worker that dies mid-step', () => {
  beforeEach(async () => {
    h = await createPipelineHarness();
  });

  it('is taken over by the sweeper once its lease expires, and the teardown completes', async () => {
    const { id } = h.org.accounts.sandbox1;
    await requestAndWaitForApproval(id);
    h.dispatcher.hold();
    await approve(id);

    // This worker claims close-via-api and never comes back (its Lambda timed out or crashed).
    const dying = h.anotherRunner({ 'close-via-api': { run: () => new Promise(() => {}) } });
    void dying.advance(id);
    await expect.poll(async () => (await h.runner.get(id as never))?.stepStatus).toBe('running');
    h.dispatcher.release();

    // Nobody may take it while the lease holds.
    expect(await h.runner.sweep()).toBe(0);
    expect(await h.runner.advance(id)).toEqual({ ran: false, why: 'busy' });

    h.advanceClock(2 * 60_000);
    expect(await h.runner.sweep()).toBe(1);
    await h.runUntilQuiet();
    const done = await h.runner.get(id as never);
    expect(done).toMatchObject({ status: 'succeeded' });
    expect(h.proxy.count('CloseAccount')).toBe(1);
    const events = await h.runner.events(done!);
    expect(events.some((e) => e.action === 'reclaimed' && e.step === 'close-via-api')).toBe(true);
  });
});

describe('a worker that dies after CloseAccount was accepted', () => {
  beforeEach(async () => {
    h = await createPipelineHarness();
  });

  // Regression: the retry's re-check required ACTIVE, so a close that had gone through ended as "refused".
  it('finishes the teardown on the retry, with one close and one ledger entry', async () => {
    const { id } = h.org.accounts.sandbox1;
    await requestAndWaitForApproval(id);
    h.dispatcher.hold();
    await approve(id);

    // This worker's CloseAccount goes through, then the worker dies before it can save the outcome.
    const dying = h.anotherRunner({
      'close-via-api': {
        async run(ctx) {
          await closeViaApiStep(h.ports).run(ctx);
          return new Promise(() => {});
        },
      },
    });
    void dying.advance(id);
    await expect.poll(() => accountState(id)).toBe('SUSPENDED');
    h.dispatcher.release();

    h.advanceClock(2 * 60_000);
    expect(await h.runner.sweep()).toBe(1);
    await h.runUntilQuiet();
    expect(await h.runner.get(id as never)).toMatchObject({ status: 'succeeded' });
    expect(h.proxy.count('CloseAccount')).toBe(2);
    expect((await h.ports.ledger.closesSince(0)).map((c) => c.accountId)).toEqual([id]);
  });
});

/**
 * The remove path's steps this rig cannot run: the browser worker's (real Chromium, tested in test/console) and
 * those no worker implements yet.
 */
const missingRemoveSteps = () =>
  STRATEGY_STEPS.remove.filter(
    (step) => STEPS[step].worker === 'browser' || !IMPLEMENTED_STEPS.pipeline.includes(step),
  );

describe('close quota', () => {
  afterEach(async () => h?.close());

  it('waits until the oldest close of ours leaves the 30-day window, then completes', async () => {
    h = await createPipelineHarness();
    const { id } = h.org.accounts.sandbox1;
    const tenDaysAgo = h.now() - 10 * 86_400_000;
    await h.ports.ledger.recordClose({
      accountId: h.org.accounts.sandbox2.id,
      teardownId: 'earlier',
      closedAt: tenDaysAgo,
    });
    h.proxy.inject('CloseAccount', constraintViolation('CLOSE_ACCOUNT_QUOTA_EXCEEDED'));

    await requestAndWaitForApproval(id);
    await approve(id);
    await h.runUntilQuiet();
    const waiting = await h.runner.get(id as never);
    expect(waiting).toMatchObject({ step: 'close-via-api', stepStatus: 'waiting' });
    expect(waiting?.wait?.until).toBe(tenDaysAgo + CLOSE_WINDOW_MS);
    expect(waiting?.wait?.reason).toMatch(/close quota is used up; trying again in 20d/);
    expect(await accountState(id)).toBe('ACTIVE');

    await h.runAllTimers();
    expect(await h.runner.get(id as never)).toMatchObject({ status: 'succeeded' });
    expect(h.proxy.count('CloseAccount')).toBe(2);
    expect(await accountState(id)).toBe('SUSPENDED');
  });

  it('backs off when too many closes are in flight, without counting it as a failure', async () => {
    h = await createPipelineHarness();
    const { id } = h.org.accounts.sandbox1;
    h.proxy.inject('CloseAccount', constraintViolation('CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED'), 6);
    await requestAndWaitForApproval(id);
    await approve(id);
    await h.runAllTimers();
    const done = await h.runner.get(id as never);
    expect(done).toMatchObject({ status: 'succeeded', data: { closeLimitWaits: 6 } });
    expect(h.proxy.count('CloseAccount')).toBe(7);
  });

  it('switches to remove when the quota is used up, the deployment allows it and can run it', async () => {
    // Stand-ins for the remove path's steps, which later work provides.
    const waitHere = {
      run: async () => ({ type: 'wait' as const, until: h.now() + 3_600_000, reason: 'later' }),
    };
    h = await createPipelineHarness({
      env: { TEARDOWN_CLOSE_FALLBACK_TO_REMOVE: 'true' },
      handlers: Object.fromEntries(missingRemoveSteps().map((step) => [step, waitHere])),
    });
    const { id } = h.org.accounts.sandbox1;
    h.proxy.inject('CloseAccount', constraintViolation('CLOSE_ACCOUNT_QUOTA_EXCEEDED'));
    await requestAndWaitForApproval(id);
    await approve(id);
    await h.runUntilQuiet();
    const events = await h.runner.events((await h.runner.get(id as never))!);
    expect(events.find((e) => e.action === 'strategy-switched')).toMatchObject({
      outcome: 'remove',
      detail: 'the 30-day close quota is used up',
      step: 'allow-password-recovery',
    });
    // The remove path goes on through the steps this deployment runs, up to the first stand-in.
    expect(
      events.find((e) => e.action === 'step-succeeded' && e.step === 'allow-password-recovery'),
    ).toMatchObject({
      detail:
        'root credentials management is off in this organization: the root user keeps its own password recovery',
    });
    expect(await h.runner.get(id as never)).toMatchObject({
      strategy: 'remove',
      step: missingRemoveSteps()[0],
    });
  });

  it('keeps waiting for the close quota when the remove path cannot run in this deployment', async () => {
    h = await createPipelineHarness({ env: { TEARDOWN_CLOSE_FALLBACK_TO_REMOVE: 'true' } });
    const { id } = h.org.accounts.sandbox1;
    h.proxy.inject('CloseAccount', constraintViolation('CLOSE_ACCOUNT_QUOTA_EXCEEDED'));
    await requestAndWaitForApproval(id);
    await approve(id);
    await h.runUntilQuiet();
    expect(await h.runner.get(id as never)).toMatchObject({
      strategy: 'close',
      step: 'close-via-api',
      stepStatus: 'waiting',
    });
    expect(h.runner.unavailableSteps('remove')).toEqual(missingRemoveSteps());
    expect(missingRemoveSteps()).toContain('close-as-root');
  });

  it('treats an account closed meanwhile as progress, not failure', async () => {
    h = await createPipelineHarness();
    const { id } = h.org.accounts.sandbox1;
    h.proxy.inject('CloseAccount', {
      status: 400,
      body: { __type: 'AccountAlreadyClosedException', Message: 'closed' },
    });
    await requestAndWaitForApproval(id);
    await approve(id);
    await h.runUntilQuiet();
    expect(await h.runner.get(id as never)).toMatchObject({ step: 'await-closed' });
  });
});
