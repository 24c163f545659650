import type { Strategy } from '../../common/config';
import { formatDuration } from '../../common/duration';
import { STEPS, STRATEGY_STEPS } from '../../pipeline/catalogue';
import type { CloseQuota } from '../../pipeline/close-quota';
import type { AccountSummary, Teardown, TeardownStatus } from '../../pipeline/model';
import { accountAge } from '../../pipeline/preflight';
import { SIGNAL } from '../../pipeline/signals';
import { ACTION, encodeRef } from '../ids';
import {
  accountLabel,
  type Block,
  button,
  confirm,
  context,
  escapeMrkdwn,
  field,
  freeText,
  type MessageContent,
  maskEmail,
  mention,
  section,
  slackDate,
  truncate,
  withMentions,
} from './mrkdwn';

/** 1-based position of the current step in its strategy, and how many steps there are. */
export function stepPosition(t: Pick<Teardown, 'strategy' | 'step'>): { n: number; m: number } {
  const steps = STRATEGY_STEPS[t.strategy];
  return { n: steps.indexOf(t.step) + 1, m: steps.length };
}

const ENDED: Record<Exclude<TeardownStatus, 'active'>, { emoji: string; word: string }> = {
  succeeded: { emoji: ':white_check_mark:', word: 'Succeeded' },
  failed: { emoji: ':x:', word: 'Failed' },
  cancelled: { emoji: ':octagonal_sign:', word: 'Cancelled' },
  refused: { emoji: ':no_entry:', word: 'Refused' },
  denied: { emoji: ':no_entry_sign:', word: 'Denied' },
  expired: { emoji: ':hourglass:', word: 'Expired' },
};

/** The current step's state in a word or two: queued, running, waiting (for what). */
export function stepState(t: Teardown): string {
  switch (t.stepStatus) {
    case 'pending':
      return 'queued';
    case 'running':
      return 'running';
    case 'waiting':
      return t.wait ? `waiting: ${freeText(t.wait.reason)}` : 'waiting';
    default:
      return t.stepStatus;
  }
}

/** The live status: step n of m, the step, its state, elapsed time and the last error, or how it ended. */
export function statusText(t: Teardown, now: number): string {
  const elapsed = formatDuration((t.endedAt ?? now) - t.createdAt);
  const { n, m } = stepPosition(t);
  if (t.status !== 'active') {
    const { emoji, word } = ENDED[t.status];
    const outcome = t.outcome ? `: ${withMentions(t.outcome, [t.requester, t.approver])}` : '';
    const where =
      t.status === 'succeeded' ? `all ${m} steps` : `at step ${n} of ${m} (${STEPS[t.step].title})`;
    return `${emoji} *${word}* ${where} after ${elapsed}${outcome}`;
  }
  const lines = [
    `:arrows_counterclockwise: *Step ${n} of ${m}:* ${STEPS[t.step].title} — ${stepState(t)} · ${elapsed} elapsed`,
  ];
  if (t.lastError) lines.push(`:warning: Last error: ${freeText(truncate(t.lastError, 500))}`);
  return lines.join('\n');
}

function strategyText(strategy: Strategy, quota?: CloseQuota): string {
  if (strategy === 'remove')
    return '`remove`: made standalone, removed from the organization, closed as root';
  const base = '`close`: Organizations CloseAccount';
  if (!quota) return base;
  return `${base}\nclose quota: ${quota.used} used, ${quota.left} left of ${quota.limit} (30 days)`;
}

/** The account as preflight found it, with the strategy (and, for the request, who asked and why). */
export function summaryFields(
  summary: AccountSummary,
  extra: { strategy: Strategy; quota?: CloseQuota; requester?: string; reason?: string; now: number },
) {
  const fields = [
    field('Account', `${escapeMrkdwn(summary.name)}\n\`${summary.accountId}\``),
    field('Email', escapeMrkdwn(maskEmail(summary.email))),
    field('OU', escapeMrkdwn(summary.ouPath || 'unknown')),
    field('Age', accountAge(summary, extra.now)),
    field('Strategy', strategyText(extra.strategy, extra.quota)),
  ];
  if (extra.requester) fields.push(field('Requested by', mention(extra.requester)));
  if (extra.reason) fields.push(field('Reason', freeText(extra.reason)));
  return fields;
}

function decisionText(t: Teardown): string | undefined {
  if (t.approver && t.decidedAt !== undefined) {
    const verb = t.status === 'denied' ? ':no_entry_sign: Denied' : ':white_check_mark: Approved';
    return `${verb} by ${mention(t.approver)} on ${slackDate(t.decidedAt)}`;
  }
  if (t.step === 'approval' && t.stepStatus === 'waiting' && t.wait) {
    return `:hourglass_flowing_sand: Waiting for an approver (not ${mention(t.requester)}) until ${slackDate(t.wait.until)}`;
  }
  if (t.status === 'expired') return ':hourglass: Nobody decided in time.';
  return undefined;
}

export function isAwaitingApproval(t: Teardown): boolean {
  return (
    t.status === 'active' &&
    t.step === 'approval' &&
    t.stepStatus === 'waiting' &&
    t.wait?.signal === SIGNAL.approval
  );
}

/** The request message: the thread root, rewritten on every change (status, decision). */
export function requestMessage(t: Teardown, options: { now: number; quota?: CloseQuota }): MessageContent {
  const name = t.summary?.name ?? t.accountId;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`Teardown request: ${name}`, 150) } },
  ];
  if (t.summary) {
    blocks.push({
      type: 'section',
      fields: summaryFields(t.summary, {
        strategy: t.strategy,
        ...(options.quota ? { quota: options.quota } : {}),
        requester: t.requester,
        ...(t.reason ? { reason: t.reason } : {}),
        now: options.now,
      }),
    });
  } else {
    blocks.push(section(`*Account* \`${t.accountId}\` · requested by ${mention(t.requester)}`));
  }
  const decision = decisionText(t);
  if (decision) blocks.push(context(decision));
  blocks.push(section(statusText(t, options.now)));
  if (isAwaitingApproval(t)) {
    // No version: the status refreshes of the message must not make its buttons stale.
    const value = encodeRef({ accountId: t.accountId, teardownId: t.teardownId });
    blocks.push({
      type: 'actions',
      block_id: 'decision',
      elements: [
        button(ACTION.approve, 'Approve', value, {
          style: 'primary',
          confirm: confirm(
            'Approve teardown?',
            `${accountLabel(t)} will be ${t.strategy === 'close' ? 'closed' : 'removed and closed'}. This cannot be undone.`,
            'Approve',
            'danger',
          ),
        }),
        button(ACTION.deny, 'Deny', value, { style: 'danger' }),
      ],
    });
  }
  const { n, m } = stepPosition(t);
  const state = t.status === 'active' ? `step ${n} of ${m}` : t.status;
  return {
    text: `Teardown of ${escapeMrkdwn(name)} (${t.accountId}) requested by <@${t.requester}>: ${state}`,
    blocks,
  };
}
