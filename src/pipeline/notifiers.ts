import type { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../common/config';
import type { Notifier, TeardownNotice } from './ports/notifier';
import type { Cleaner } from './steps/cleanup';

/** Writes every transition to the log: the audit trail beside the table's event log. */
export function loggingNotifier(logger: Logger): Notifier {
  return {
    async notify({ teardown, event }: TeardownNotice) {
      logger.info('teardown transition', {
        accountId: teardown.accountId,
        teardownId: teardown.teardownId,
        status: teardown.status,
        step: event.step,
        action: event.action,
        outcome: event.outcome,
        detail: event.detail,
        actor: event.actor,
        version: event.version,
      });
    },
  };
}

export function combineNotifiers(...notifiers: Notifier[]): Notifier {
  return {
    async notify(notice) {
      await Promise.all(notifiers.map((n) => n.notify(notice)));
    },
  };
}

/**
 * A remove teardown that ends without succeeding (failed, aborted, expired) never reaches cleanup, yet it may
 * have left a saved root session, mailed links or codes, a leased line: they go when it ends, as cleanup would
 * take them, and the root credentials get their retention timer. Best effort: a failure is logged, not thrown
 * (the transition is saved already).
 */
export function leftoversNotifier(deps: {
  cleaners: readonly Cleaner[];
  config: Config;
  logger: Logger;
  clock?: () => number;
}): Notifier {
  return {
    async notify({ teardown, event }: TeardownNotice) {
      // Before approval nothing ran that could leave anything (a denied or expired request).
      if (event.action !== 'ended' || teardown.strategy !== 'remove' || !teardown.approver) return;
      const ctx = {
        teardown,
        now: (deps.clock ?? Date.now)(),
        config: deps.config,
        logger: deps.logger,
        random: Math.random,
        canRun: () => false,
      };
      const results = await Promise.allSettled(deps.cleaners.map((clean) => clean(ctx)));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      for (const failure of failed) {
        deps.logger.warn('leftovers of an ended teardown not cleaned', { error: failure.reason });
      }
    },
  };
}
