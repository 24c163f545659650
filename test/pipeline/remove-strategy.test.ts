// The remove path's step model on moto, with stand-ins for the steps later work provides: re-checks fitted to
// each destructive step (with real removals from the organization), and hand-over values kept secret.
import { DescribeAccountCommand, RemoveAccountFromOrganizationCommand } from '@aws-sdk/client-organizations';
import { afterEach, describe, expect, it } from 'vitest';
import { STEPS, type StepName } from '../../src/pipeline/catalogue';
import type { StepHandler } from '../../src/pipeline/step-handler';
import { createPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { RESET_LINK, requestApprovedRemoval, resetMailArrives } from '../support/runner-rig';

let h: PipelineHarness;
afterEach(async () => h?.close());

const done = (note: string): StepHandler => ({ run: async () => ({ type: 'done', note }) });

/** What the stand-in steps saw, for the assertions. */
const seen: { resetLinks: Array<string | undefined>; closedAsRoot: string[] } = {
  resetLinks: [],
  closedAsRoot: [],
};

/** Stand-ins shaped like the real steps; `remove-from-org` really removes the account from moto's organization. */
function standIns(
  overrides: Partial<Record<StepName, StepHandler>> = {},
): Partial<Record<StepName, StepHandler>> {
  seen.resetLinks = [];
  seen.closedAsRoot = [];
  return {
    'allow-password-recovery': done('root password recovery allowed'),
    'request-reset': done('reset requested'),
    'set-password': {
      run: async (ctx) => {
        seen.resetLinks.push(ctx.teardown.handoff?.resetLink);
        return { type: 'done', note: 'password set' };
      },
    },
    'sign-in': done('signed in'),
    'complete-signup': done('sign-up complete'),
    'verify-phone': done('phone verified'),
    'remove-from-org': {
      run: async (ctx) => {
        await h.orgs.send(new RemoveAccountFromOrganizationCommand({ AccountId: ctx.teardown.accountId }));
        return { type: 'done', note: 'removed from the organization' };
      },
    },
    'close-as-root': {
      run: async (ctx) => {
        seen.closedAsRoot.push(ctx.teardown.accountId);
        return { type: 'done', data: { closedState: 'CLOSED' }, note: 'closed as root' };
      },
    },
    ...overrides,
  };
}

const requestApproved = (id: string) => requestApprovedRemoval(h, id);
const mailArrives = (id: string) => resetMailArrives(h, id);

async function isMember(id: string): Promise<boolean> {
  try {
    await h.orgs.send(new DescribeAccountCommand({ AccountId: id }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'AccountNotFoundException') return false;
    throw error;
  }
}

describe('remove strategy on moto', () => {
  it('removes the account from the organization, then closes it as root after a re-check that fits that step', async () => {
    h = await createPipelineHarness({ handlers: standIns() });
    const { id } = h.org.accounts.sandbox1;
    await requestApproved(id);
    expect(await h.runner.get(id as never)).toMatchObject({
      step: 'await-reset-mail',
      wait: { signal: 'reset-link' },
    });

    await mailArrives(id);
    await h.runUntilQuiet();

    const finished = await h.runner.get(id as never);
    expect(finished).toMatchObject({ status: 'succeeded', strategy: 'remove' });
    expect(await isMember(id)).toBe(false);
    expect(seen.closedAsRoot).toEqual([id]);
    // The link reached set-password's run, and went with the end of the teardown.
    expect(seen.resetLinks).toEqual([RESET_LINK]);
    expect(finished?.handoff).toBeUndefined();
    const events = await h.runner.events(finished!);
    expect(events.filter((e) => e.action === 'step-succeeded').map((e) => e.step)).toEqual([
      'preflight',
      'approval',
      'allow-password-recovery',
      'request-reset',
      'await-reset-mail',
      'set-password',
      'sign-in',
      'complete-signup',
      'verify-phone',
      'remove-from-org',
      'close-as-root',
      'cleanup',
    ]);
    // Neither the log, nor any notice, nor the stored record ever carried the link.
    expect(JSON.stringify(events)).not.toContain('s3cr3t');
    expect(JSON.stringify(h.notices)).not.toContain('s3cr3t');
    expect(JSON.stringify(await h.scanTable())).not.toContain('s3cr3t');
  });

  it('refuses to close as root an account that is still a member of the organization', async () => {
    h = await createPipelineHarness({
      // A removal that did not happen: close-as-root's re-check must stop it.
      handlers: standIns({ 'remove-from-org': done('claims to have removed it') }),
    });
    const { id } = h.org.accounts.sandbox1;
    await requestApproved(id);
    await mailArrives(id);
    await h.runUntilQuiet();
    expect(await h.runner.get(id as never)).toMatchObject({
      status: 'refused',
      step: 'close-as-root',
      outcome: `Stopped before “Close the account as root”: ${id} (sandbox-alice) is still a member of the organization; it is closed as root only after its removal.`,
    });
    expect(seen.closedAsRoot).toEqual([]);
  });

  it('re-checks the full preflight before removing: a protect tag added meanwhile stops it', async () => {
    h = await createPipelineHarness({ handlers: standIns() });
    const { id } = h.org.accounts.sandbox1;
    await requestApproved(id);
    const { TagResourceCommand } = await import('@aws-sdk/client-organizations');
    await h.orgs.send(
      new TagResourceCommand({ ResourceId: id, Tags: [{ Key: 'teardown:protect', Value: 'yes' }] }),
    );
    await mailArrives(id);
    await h.runUntilQuiet();
    expect(await h.runner.get(id as never)).toMatchObject({ status: 'refused', step: 'remove-from-org' });
    expect(await isMember(id)).toBe(true);
  });

  // The worker that removed the account dies before saving; the one that takes over must not refuse the teardown
  // because the account is (by then) gone from the organization.
  it('finishes a removal whose worker died after AWS removed the account', async () => {
    let laterRuns = 0;
    h = await createPipelineHarness({
      handlers: standIns({
        // Hold the hand-off of remove-from-org, so that a worker of our choosing runs it first.
        'verify-phone': {
          run: async () => {
            h.dispatcher.hold();
            return { type: 'done', note: 'phone verified' };
          },
        },
        'remove-from-org': {
          run: async (ctx) => {
            laterRuns++;
            if (await isMember(ctx.teardown.accountId)) throw new Error('the account should be gone by now');
            return { type: 'done', note: 'already removed' };
          },
        },
      }),
    });
    const { id } = h.org.accounts.sandbox1;
    await requestApproved(id);
    await mailArrives(id);
    // Polled up to 30 s: on a loaded 2-core machine these take seconds, not vitest's default 1 s.
    await expect
      .poll(async () => (await h.runner.get(id as never))?.step, { timeout: 30_000 })
      .toBe('remove-from-org');

    // This worker's removal goes through, then it dies before it can save the outcome.
    const dying = h.anotherRunner({
      'remove-from-org': {
        async run(ctx) {
          await h.orgs.send(new RemoveAccountFromOrganizationCommand({ AccountId: ctx.teardown.accountId }));
          return new Promise(() => {});
        },
      },
    });
    void dying.advance(id);
    await expect.poll(() => isMember(id), { timeout: 30_000 }).toBe(false);
    h.dispatcher.release();

    h.advanceClock(STEPS['remove-from-org'].leaseMs);
    expect(await h.runner.sweep()).toBe(1);
    await h.runUntilQuiet();
    expect(await h.runner.get(id as never)).toMatchObject({ status: 'succeeded' });
    expect(laterRuns).toBe(1);
    expect(seen.closedAsRoot).toEqual([id]);
  });

  it('refuses a first removal of an account that is already gone from the organization', async () => {
    h = await createPipelineHarness({ handlers: standIns() });
    const { id } = h.org.accounts.sandbox1;
    await requestApproved(id);
    await h.orgs.send(new RemoveAccountFromOrganizationCommand({ AccountId: id }));
    await mailArrives(id);
    await h.runUntilQuiet();
    expect(await h.runner.get(id as never)).toMatchObject({
      status: 'refused',
      outcome: `Stopped before “Remove the account from the organization”: ${id} is not an account of this organization.`,
    });
    expect(seen.closedAsRoot).toEqual([]);
  });
});
