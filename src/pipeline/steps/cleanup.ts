import type { Logger } from '@aws-lambda-powertools/logger';
import type { AccountId } from '../../common/account-id';
import { formatDuration } from '../../common/duration';
import { STEPS, type StepName } from '../catalogue';
import type { Teardown, TeardownEvent } from '../model';
import type { PhoneLineLeases } from '../ports/phone-line-leases';
import type { TeardownStore } from '../ports/teardown-store';
import type { Timers } from '../ports/timers';
import type { StepContext, StepHandler, StepOutcome } from '../step-handler';

/** Something a teardown leaves behind (secrets, saved sessions, a leased phone line), removed at the end. */
export type Cleaner = (ctx: StepContext) => Promise<void>;

export function cleanupStep(ports: {
  cleaners: readonly Cleaner[];
  history?: Pick<TeardownStore, 'events'>;
}): StepHandler {
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
      const events = ports.history
        ? await ports.history.events(teardown.accountId, teardown.teardownId).catch(() => undefined)
        : undefined;
      const times = events ? timeSummary(teardown, events) : '';
      const summary = `${teardown.summary?.name ?? teardown.accountId} ${how}${state}`;
      return { type: 'done', note: times ? `${summary}; ${times}` : summary };
    },
  };
}

/**
 * "step times: preflight 1s, approval 4m, …", from the event log (the thread's last reply gives the total). A
 * step's time runs from the end of the step before it (or the request) to its own end; steps run again after
 * going back add up. Cleanup itself is still running, so it is left out.
 */
export function timeSummary(teardown: Teardown, events: readonly TeardownEvent[]): string {
  const spent = new Map<StepName, number>();
  let since = teardown.createdAt;
  for (const event of [...events].sort((a, b) => a.version - b.version)) {
    if (event.teardownId !== teardown.teardownId) continue;
    if (
      event.action === 'step-succeeded' ||
      event.action === 'went-back' ||
      event.action === 'strategy-switched'
    ) {
      spent.set(event.step, (spent.get(event.step) ?? 0) + Math.max(0, event.at - since));
      since = event.at;
    }
  }
  const parts = [...spent].map(([step, ms]) => `${step} ${formatDuration(ms)}`);
  return parts.length ? `step times: ${parts.join(', ')}` : '';
}

/** The phone line a teardown leased (its number is kept in `data.phoneLine`) and its place in the line queue. */
export function releasePhoneLine(phoneLines: Pick<PhoneLineLeases, 'release' | 'leaveQueue'>): Cleaner {
  return async ({ teardown }) => {
    const holder = { accountId: teardown.accountId, teardownId: teardown.teardownId };
    const line = teardown.data.phoneLine;
    await Promise.all([
      typeof line === 'string' ? phoneLines.release(line, holder) : undefined,
      phoneLines.leaveQueue(holder),
    ]);
  };
}

/**
 * A removed and closed account's root password and MFA key stay for the post-closure period (AWS reopens a
 * closed account through Support only for its root user), then a timer deletes them.
 */
export function forgetRootCredentialsLater(timers: Timers): Cleaner {
  return async ({ teardown, now, config }) => {
    if (teardown.strategy !== 'remove') return;
    await timers.schedule({
      accountId: teardown.accountId,
      teardownId: teardown.teardownId,
      at: now + config.rootCredentialsRetentionMs,
      key: `${teardown.teardownId}-forget-root`,
      action: 'forget-root-credentials',
    });
  };
}

/** How much later a retention timer looks again when a newer teardown of the account holds its credentials. */
const FORGET_AGAIN_MS = 24 * 60 * 60_000;

/**
 * The retention timer fired: the credentials go, unless a newer teardown of the same account is under way (it
 * holds credentials of its own in the same secret).
 */
export async function forgetRootCredentials(
  deps: {
    teardowns: Pick<TeardownStore, 'get'>;
    credentials: { forget(accountId: AccountId): Promise<void> };
    /** To look again later when a newer teardown holds them (it may end without cleanup of its own). */
    timers: Timers;
    logger: Logger;
    now?: () => number;
  },
  item: { accountId: AccountId; teardownId: string },
): Promise<{ forgotten: boolean }> {
  const current = await deps.teardowns.get(item.accountId);
  if (current && current.teardownId !== item.teardownId && current.status === 'active') {
    const at = (deps.now ?? Date.now)() + FORGET_AGAIN_MS;
    deps.logger.info('root credentials kept: a newer teardown of the account is under way', {
      newerTeardownId: current.teardownId,
      lookAgainAt: new Date(at).toISOString(),
    });
    await deps.timers.schedule({
      ...item,
      at,
      key: `${item.teardownId}-forget-root-${at}`,
      action: 'forget-root-credentials',
    });
    return { forgotten: false };
  }
  await deps.credentials.forget(item.accountId);
  deps.logger.info('root credentials deleted after the post-closure period', { step: STEPS.cleanup.name });
  return { forgotten: true };
}

/**
 * Everything a teardown leaves behind, as cleanup removes it: the workers' own leftovers, the leased line, and the
 * timer that deletes the root credentials after the post-closure period. A teardown that ends without succeeding
 * is cleaned the same way (notifiers.ts leftoversNotifier).
 */
export function teardownCleaners(ports: {
  cleaners?: readonly Cleaner[];
  phoneLines?: Pick<PhoneLineLeases, 'release' | 'leaveQueue'>;
  timers?: Timers;
}): Cleaner[] {
  return [
    ...(ports.cleaners ?? []),
    ...(ports.phoneLines ? [releasePhoneLine(ports.phoneLines)] : []),
    ...(ports.timers ? [forgetRootCredentialsLater(ports.timers)] : []),
  ];
}
