import type { Strategy } from '../../common/config';
import { formatDuration } from '../../common/duration';
import { STEPS, STRATEGY_STEPS } from '../../pipeline/catalogue';
import type { CloseQuota } from '../../pipeline/close-quota';
import type { AccountSummary, Teardown, TeardownStatus } from '../../pipeline/model';
import { accountAge } from '../../pipeline/preflight';
import { SIGNAL, SIGNAL_WORDS } from '../../pipeline/signals';
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

/** The text outside parentheses: what a sentence says itself, not what it quotes or adds in passing. */
function outsideParentheses(text: string): string {
  let depth = 0;
  let out = '';
  for (const c of text) {
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += c;
  }
  return out;
}

/**
 * A wait in words, saying "waiting" once: a reason that says so itself ("waiting for a free phone line") stands
 * alone; any other is led by what the step waits for ("waiting for an answer from a person: …"), or by "waiting".
 */
export function waitState(wait: Teardown['wait']): string {
  const lead = wait?.signal ? `waiting for ${SIGNAL_WORDS[wait.signal]}` : 'waiting';
  if (!wait?.reason) return lead;
  if (/\bwaiting\b/i.test(outsideParentheses(wait.reason))) return freeText(wait.reason);
  return `${lead}: ${freeText(wait.reason)}`;
}

/** The current step's state in a few words: queued, running, or what it waits for. */
export function stepState(t: Teardown): string {
  switch (t.stepStatus) {
    case 'pending':
      return 'queued';
    case 'running':
      return 'running';
    case 'waiting':
      return waitState(t.wait);
    default:
      return t.stepStatus;
  }
}

/**
 * How an ended teardown ended, its status word once: an outcome that only repeats the word ("Denied by U1.",
 * "Cancelled by U2.") gives its "by whom"; any other outcome follows the time.
 */
function endedText(t: Teardown, status: Exclude<TeardownStatus, 'active'>, now: number): string {
  const { emoji, word } = ENDED[status];
  const elapsed = formatDuration((t.endedAt ?? now) - t.createdAt);
  const { n, m } = stepPosition(t);
  const where = status === 'succeeded' ? `all ${m} steps` : `at step ${n} of ${m} (${STEPS[t.step].title})`;
  const outcome = t.outcome?.trim() ?? '';
  const byWhom = /^(\w+) by (\S+?)\.?$/.exec(outcome);
  if (byWhom?.[2] && byWhom[1]?.toLowerCase() === word.toLowerCase()) {
    return `${emoji} *${word}* by ${mention(byWhom[2])} ${where} after ${elapsed}`;
  }
  // Whoever the outcome names as its actor ("Aborted by U3.") shows as a mention, as requester and approver do.
  const actors = [...outcome.matchAll(/\bby ([UW][A-Z0-9]+)\b/g)].map((match) => match[1]);
  const told = outcome ? `: ${withMentions(outcome, [t.requester, t.approver, ...actors])}` : '';
  return `${emoji} *${word}* ${where} after ${elapsed}${told}`;
}

/** The live status: step n of m, the step, its state, elapsed time and the last error, or how it ended. */
export function statusText(t: Teardown, now: number): string {
  if (t.status !== 'active') return endedText(t, t.status, now);
  const elapsed = formatDuration(now - t.createdAt);
  const { n, m } = stepPosition(t);
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

/**
 * Who decided and when, or who may still decide. A denial or an expiry is the teardown's end: the status line
 * says it, once.
 */
function decisionText(t: Teardown): string | undefined {
  if (t.status === 'denied' || t.status === 'expired') return undefined;
  if (t.approver && t.decidedAt !== undefined) {
    return `:white_check_mark: Approved by ${mention(t.approver)} on ${slackDate(t.decidedAt)}`;
  }
  if (t.step === 'approval' && t.stepStatus === 'waiting' && t.wait) {
    return `:hourglass_flowing_sand: Any approver but ${mention(t.requester)} can approve or deny until ${slackDate(t.wait.until)}`;
  }
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
