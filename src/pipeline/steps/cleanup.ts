import type { StepContext, StepHandler, StepOutcome } from '../step-handler';

/** Something a teardown leaves behind (secrets, saved sessions, a leased phone line), removed at the end. */
export type Cleaner = (ctx: StepContext) => Promise<void>;

export function cleanupStep(ports: { cleaners: readonly Cleaner[] }): StepHandler {
  return {
    async run(ctx): Promise<StepOutcome> {
      // Every cleaner runs even when one fails; a failure retries the whole (idempotent) step.
      const results = await Promise.allSettled(ports.cleaners.map((clean) => clean(ctx)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      const { teardown } = ctx;
      const how =
        teardown.strategy === 'close'
          ? 'closed through Organizations'
          : 'removed from the organization and closed';
      const state = teardown.data.closedState ? ` (state ${teardown.data.closedState})` : '';
      return { type: 'done', note: `${teardown.summary?.name ?? teardown.accountId} ${how}${state}` };
    },
  };
}
