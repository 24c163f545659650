import { formatDuration } from '../../common/duration';
import { nextCloseAttemptAt } from '../close-quota';
import type { CloseLedger } from '../ports/close-ledger';
import type { Organizations } from '../ports/organizations';
import type { StepHandler, StepOutcome } from '../step-handler';

/** CloseAccount from the management account; quota and concurrency limits make it wait, never drop. */
export function closeViaApiStep(ports: {
  orgs: Pick<Organizations, 'closeAccount'>;
  ledger: CloseLedger;
}): StepHandler {
  return {
    async run(ctx): Promise<StepOutcome> {
      const { teardown, now } = ctx;
      // An earlier run of this step may have been accepted before its worker died: the ledger keeps one
      // entry per teardown whichever run records it.
      const recordClose = () =>
        ports.ledger.recordClose({
          accountId: teardown.accountId,
          teardownId: teardown.teardownId,
          closedAt: now,
        });
      const result = await ports.orgs.closeAccount(teardown.accountId);
      switch (result.kind) {
        case 'accepted':
          await recordClose();
          return { type: 'done', data: { closeRequestedAt: now }, note: 'CloseAccount accepted' };
        case 'already-closed':
          await recordClose();
          return { type: 'done', note: 'the account was already closed' };
        case 'in-progress':
          await recordClose();
          return { type: 'done', note: 'a close of this account was already under way' };
        case 'quota-exceeded': {
          if (ctx.config.closeFallbackToRemove && ctx.canRun('remove')) {
            return {
              type: 'switch-strategy',
              strategy: 'remove',
              reason: 'the 30-day close quota is used up',
            };
          }
          const at = await nextCloseAttemptAt(ports.ledger, now);
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
}
