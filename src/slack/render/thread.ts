import { formatDuration } from '../../common/duration';
import { STEPS, STRATEGY_STEPS } from '../../pipeline/catalogue';
import type { Teardown, TeardownEvent } from '../../pipeline/model';
import { accountLabel, freeText, withMentions } from './mrkdwn';
import { statusText } from './request';

/** One reply per finished step: "Step 3 of 5 · Close the account through Organizations — CloseAccount accepted". */
export function stepReply(t: Teardown, event: TeardownEvent, startedAt: number | undefined): string {
  const steps = STRATEGY_STEPS[t.strategy];
  const n = steps.indexOf(event.step) + 1;
  const note = event.detail ? ` — ${withMentions(event.detail, [t.requester, t.approver, event.actor])}` : '';
  const took = startedAt === undefined ? '' : ` (${formatDuration(Math.max(0, event.at - startedAt))})`;
  return `:white_check_mark: Step ${n} of ${steps.length} · ${STEPS[event.step].title}${note}${took}`;
}

/**
 * The thread's last reply. A success follows the cleanup step's reply, which already gives the outcome in detail
 * (how the account was closed, each step's time): this one gives the verdict and the total time only.
 */
export function endedReply(t: Teardown, now: number): string {
  if (t.status !== 'succeeded') return statusText(t, now);
  const steps = STRATEGY_STEPS[t.strategy].length;
  const total = formatDuration((t.endedAt ?? now) - t.createdAt);
  return `:white_check_mark: *Succeeded*: ${accountLabel(t)} torn down in ${total}, all ${steps} steps done.`;
}

export function strategySwitchedReply(t: Teardown, event: TeardownEvent): string {
  const why = event.detail ? ` because ${freeText(event.detail)}` : '';
  return `:twisted_rightwards_arrows: Switched to the \`${t.strategy}\` strategy${why}; ${STRATEGY_STEPS[t.strategy].length} steps in all.`;
}

/** "Back to step 4 of 12 · Request a root password reset — no reset mail came within 15m; asking for another". */
export function wentBackReply(t: Teardown, event: TeardownEvent): string {
  const steps = STRATEGY_STEPS[t.strategy];
  const why = event.detail ? ` — ${freeText(event.detail)}` : '';
  return `:leftwards_arrow_with_hook: Back to step ${steps.indexOf(t.step) + 1} of ${steps.length} · ${STEPS[t.step].title}${why}`;
}

/** "Step 7 of 12 · Sign in as root — sign-in code received; running it again": a wait a signal ended. */
export function resumedReply(t: Teardown, event: TeardownEvent): string {
  const steps = STRATEGY_STEPS[t.strategy];
  const why = event.detail ? ` — ${withMentions(event.detail, [t.requester, t.approver, event.actor])}` : '';
  return `:arrow_forward: Step ${steps.indexOf(t.step) + 1} of ${steps.length} · ${STEPS[t.step].title}${why}; running it again`;
}

export function refusedEphemeral(t: Teardown): string {
  return `:no_entry: Your teardown of ${accountLabel(t)} was refused: ${freeText(t.outcome ?? 'preflight failed')}`;
}
