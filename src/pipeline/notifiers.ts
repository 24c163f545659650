import type { Logger } from '@aws-lambda-powertools/logger';
import type { Notifier, TeardownNotice } from './ports/notifier';

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
