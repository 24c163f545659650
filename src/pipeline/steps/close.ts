import { formatDuration } from '../../common/duration';
import { nextCloseAttemptAt } from '../close-quota';
import type { StepHandler, StepOutcome } from '../step-handler';

const CLOSED_STATES = new Set(['SUSPENDED', 'CLOSED']);

/** CloseAccount from the management account; quota and concurrency limits make it wait, never drop. */
export const closeViaApiStep: StepHandler = {
  async run(ctx): Promise<StepOutcome> {
    const { teardown, orgs, store, now } = ctx;
    const result = await orgs.closeAccount(teardown.accountId);
    switch (result.kind) {
      // An earlier run of this step may have been accepted before its worker died: the ledger keeps one
      // entry per teardown whichever run records it.
      case 'accepted':
        await store.recordClose({
          accountId: teardown.accountId,
          teardownId: teardown.teardownId,
          closedAt: now,
        });
        return { type: 'done', data: { closeRequestedAt: now }, note: 'CloseAccount accepted' };
      case 'already-closed':
        await store.recordClose({
          accountId: teardown.accountId,
          teardownId: teardown.teardownId,
          closedAt: now,
        });
        return { type: 'done', note: 'the account was already closed' };
      case 'in-progress':
        await store.recordClose({
          accountId: teardown.accountId,
          teardownId: teardown.teardownId,
          closedAt: now,
        });
        return { type: 'done', note: 'a close of this account was already under way' };
      case 'quota-exceeded': {
        if (ctx.config.closeFallbackToRemove && ctx.canRun('remove')) {
          return { type: 'switch-strategy', strategy: 'remove', reason: 'the 30-day close quota is used up' };
        }
        const at = await nextCloseAttemptAt(store, now);
        return {
          type: 'wait',
          until: at,
          reason: `the 30-day close quota is used up; trying again in ${formatDuration(at - now)}`,
        };
      }
      case 'too-many-at-once': {
        // AWS allows only a few closes in flight; they finish within minutes.
        const waits = Number(teardown.data.closeLimitWaits ?? 0) + 1;
        const delay = Math.min(15 * 60_000, 60_000 * 2 ** (waits - 1)) * (0.75 + ctx.random() / 2);
        return {
          type: 'wait',
          until: now + Math.round(delay),
          reason: 'too many account closes in flight; trying again shortly',
          data: { closeLimitWaits: waits },
        };
      }
    }
  },
};

/** Polls the account's state until it leaves ACTIVE for SUSPENDED (or CLOSED), within the close deadline. */
export const awaitClosedStep: StepHandler = {
  async run(ctx): Promise<StepOutcome> {
    const { teardown, orgs, now } = ctx;
    const account = await orgs.describeAccount(teardown.accountId);
    // A closed account disappears from the organization after its 90 days.
    if (!account || CLOSED_STATES.has(account.state)) {
      return {
        type: 'done',
        data: { closedState: account?.state ?? 'CLOSED' },
        note: `state ${account?.state ?? 'CLOSED'}`,
      };
    }
    const since = teardown.stepStartedAt;
    if (now - since >= ctx.config.deadlines.closeMs) {
      return {
        type: 'end',
        status: 'failed',
        reason: `${teardown.accountId} is still ${account.state} ${formatDuration(now - since)} after CloseAccount.`,
      };
    }
    const polls = Number(teardown.data.closedPolls ?? 0) + 1;
    const delay = Math.min(5 * 60_000, 5_000 * 2 ** (polls - 1));
    return {
      type: 'wait',
      until: Math.min(now + delay, since + ctx.config.deadlines.closeMs),
      reason: `account is ${account.state}; checking again`,
      data: { closedPolls: polls },
    };
  },
};
