import type { types } from '@slack/bolt';
import type { Strategy } from '../common/config';
import { formatDuration } from '../common/duration';
import { userMessage } from '../common/errors';
import { STEPS, STRATEGY_STEPS } from '../pipeline/catalogue';
import type { CloseQuota } from '../pipeline/close-quota';
import type { AccountSummary, Teardown, TeardownEvent, TeardownStatus } from '../pipeline/model';
import { accountAge } from '../pipeline/preflight';
import { SLASH_COMMAND, USAGE } from './commands';
import { ACTION, CAPTCHA_INPUT, type CaptchaMeta, encodeCaptchaMeta, encodeRef, VIEW } from './ids';
import { planFor } from './plan';

type Block = types.KnownBlock;

/** What chat.postMessage / chat.update / an ephemeral answer get: a notification text plus the blocks. */
export interface MessageContent {
  text: string;
  blocks: Block[];
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

/** Text from AWS or people goes into mrkdwn escaped, so it cannot mention @channel or fake a link. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** Slack shows the date in each reader's own time zone; the fallback is UTC. */
export function slackDate(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const fallback = `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${seconds}^{date_short_pretty} at {time}|${fallback}>`;
}

/**
 * `sandbox-alice@sandboxes.example.com` → `s***-alice@sandboxes.example.com`: enough to recognise the account,
 * not enough to harvest root sign-in addresses from a channel.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  const local = email.slice(0, at);
  const domain = email.slice(at);
  const separator = local.search(/[-._+]/);
  if (separator > 0) return `${local[0]}***${local.slice(separator)}${domain}`;
  if (local.length <= 2) return `${local[0]}***${domain}`;
  return `${local[0]}***${local.at(-1)}${domain}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } };
}

function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] };
}

function field(label: string, value: string): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, 2000) };
}

function button(
  actionId: string,
  text: string,
  value: string,
  extra: Partial<types.Button> = {},
): types.Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text }, value, ...extra };
}

function confirm(
  title: string,
  text: string,
  yes: string,
  style?: 'danger' | 'primary',
): types.ConfirmationDialog {
  return {
    title: { type: 'plain_text', text: title },
    text: { type: 'mrkdwn', text },
    confirm: { type: 'plain_text', text: yes },
    deny: { type: 'plain_text', text: 'Go back' },
    ...(style ? { style } : {}),
  };
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/**
 * Free text from steps (notes, outcomes) for a channel: e-mail addresses masked, escaped, and the people it
 * names by id (`approved by U123`) shown as mentions.
 */
function withMentions(text: string, people: Array<string | undefined>): string {
  let out = escapeMrkdwn(text.replace(EMAIL, (email) => maskEmail(email)));
  for (const id of new Set(people.filter((p): p is string => !!p && /^[UW][A-Z0-9]+$/.test(p)))) {
    out = out.replace(new RegExp(`\\b${id}\\b`, 'g'), `<@${id}>`);
  }
  return out;
}

function freeText(text: string): string {
  return withMentions(text, []);
}

function accountLabel(t: Pick<Teardown, 'accountId' | 'summary'>): string {
  return t.summary ? `${escapeMrkdwn(t.summary.name)} (\`${t.accountId}\`)` : `\`${t.accountId}\``;
}

// ---------------------------------------------------------------------------------------------------------------
// Progress

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

function stepState(t: Teardown): string {
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

// ---------------------------------------------------------------------------------------------------------------
// The request message: the thread root, rewritten on every change (status, decision)

export function strategyText(strategy: Strategy, quota?: CloseQuota): string {
  if (strategy === 'remove')
    return '`remove`: made standalone, removed from the organization, closed as root';
  const base = '`close`: Organizations CloseAccount';
  if (!quota) return base;
  return `${base}\nclose quota: ${quota.used} used, ${quota.left} left of ${quota.limit} (30 days)`;
}

function summaryFields(
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
    t.wait?.signal === 'approval'
  );
}

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

// ---------------------------------------------------------------------------------------------------------------
// Thread replies

/** One reply per finished step: "Step 3 of 5 · Close the account through Organizations — CloseAccount accepted". */
export function stepReply(t: Teardown, event: TeardownEvent, startedAt: number | undefined): string {
  const steps = STRATEGY_STEPS[t.strategy];
  const n = steps.indexOf(event.step) + 1;
  const note = event.detail ? ` — ${withMentions(event.detail, [t.requester, t.approver, event.actor])}` : '';
  const took = startedAt === undefined ? '' : ` (${formatDuration(Math.max(0, event.at - startedAt))})`;
  return `:white_check_mark: Step ${n} of ${steps.length} · ${STEPS[event.step].title}${note}${took}`;
}

export function endedReply(t: Teardown, now: number): string {
  return statusText(t, now);
}

export function strategySwitchedReply(t: Teardown, event: TeardownEvent): string {
  const why = event.detail ? ` because ${freeText(event.detail)}` : '';
  return `:twisted_rightwards_arrows: Switched to the \`${t.strategy}\` strategy${why}; ${STRATEGY_STEPS[t.strategy].length} steps in all.`;
}

export function refusedEphemeral(t: Teardown): string {
  return `:no_entry: Your teardown of ${accountLabel(t)} was refused: ${freeText(t.outcome ?? 'preflight failed')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Prompts for people: CAPTCHA and unknown console pages

export function captchaPrompt(t: Teardown): MessageContent {
  const { n, m } = stepPosition(t);
  const value = encodeRef({ accountId: t.accountId, teardownId: t.teardownId, version: t.version });
  const until = t.wait ? ` before ${slackDate(t.wait.until)}` : '';
  return {
    text: `A CAPTCHA at step ${n} of ${m} needs a person`,
    blocks: [
      section(
        `:jigsaw: *A CAPTCHA needs a person* at step ${n} of ${m} (${STEPS[t.step].title}). Read the picture above and press *Solve*${until}; the first answer counts.`,
      ),
      {
        type: 'actions',
        block_id: 'captcha',
        elements: [button(ACTION.solve, 'Solve', value, { style: 'primary' })],
      },
    ],
  };
}

export function captchaAnswered(by: string, at: number): MessageContent {
  return {
    text: 'CAPTCHA answered',
    blocks: [section(`:jigsaw: CAPTCHA answered by ${mention(by)} on ${slackDate(at)}.`)],
  };
}

export function captchaModal(meta: CaptchaMeta): types.ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.captcha,
    private_metadata: encodeCaptchaMeta(meta),
    title: { type: 'plain_text', text: 'Solve the CAPTCHA' },
    submit: { type: 'plain_text', text: 'Send' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`Type the characters in the CAPTCHA picture posted in the thread of \`${meta.accountId}\`.`),
      {
        type: 'input',
        block_id: CAPTCHA_INPUT.block,
        label: { type: 'plain_text', text: 'Characters in the picture' },
        element: {
          type: 'plain_text_input',
          action_id: CAPTCHA_INPUT.action,
          max_length: 64,
          placeholder: { type: 'plain_text', text: 'e.g. x7Kq2' },
        },
      },
    ],
  };
}

export function humanPrompt(t: Teardown): MessageContent {
  const { n, m } = stepPosition(t);
  const value = encodeRef({ accountId: t.accountId, teardownId: t.teardownId, version: t.version });
  const why = t.wait?.reason ? `: ${freeText(t.wait.reason)}` : '';
  return {
    text: `Step ${n} of ${m} needs a person`,
    blocks: [
      section(
        `:raising_hand: *Step ${n} of ${m} (${STEPS[t.step].title}) reached a page the bot does not know*${why}.\n` +
          'An approver decides: *Done* if you did this step by hand, *Retry* to run it again, *Abort* to stop the teardown.',
      ),
      {
        type: 'actions',
        block_id: 'human',
        elements: [
          button(ACTION.done, 'Done', value, {
            style: 'primary',
            confirm: confirm('Step done by hand?', 'The teardown will go on with the next step.', 'Done'),
          }),
          button(ACTION.retry, 'Retry', value),
          button(ACTION.abort, 'Abort', value, {
            style: 'danger',
            confirm: confirm(
              'Abort the teardown?',
              `The teardown of ${accountLabel(t)} stops here.`,
              'Abort',
              'danger',
            ),
          }),
        ],
      },
    ],
  };
}

export type HumanChoice = 'done' | 'retry' | 'abort';

export function humanAnswered(choice: HumanChoice, by: string, at: number): MessageContent {
  const what = { done: 'marked done', retry: 'sent back for a retry', abort: 'aborted' }[choice];
  return {
    text: `Step ${what}`,
    blocks: [section(`:raising_hand: Step ${what} by ${mention(by)} on ${slackDate(at)}.`)],
  };
}

/** A prompt whose wait is over (answered elsewhere, expired): the buttons go, the reason stays. */
export function promptClosed(text: string): MessageContent {
  return { text, blocks: [section(text)] };
}

// ---------------------------------------------------------------------------------------------------------------
// Ephemeral answers to commands

/** `message` is mrkdwn written by the bot; text from elsewhere goes through `errorText` first. */
export function errorAnswer(message: string): MessageContent {
  return { text: message, blocks: [section(`:warning: ${message}`)] };
}

/**
 * An error's message for people, escaped: the core's messages carry account names, OU paths and tag values from
 * AWS, which must not mention the channel or fake a link.
 */
export function errorText(error: unknown): string {
  return escapeMrkdwn(userMessage(error));
}

export function helpAnswer(intro?: string): MessageContent {
  const lines = [
    `\`${USAGE.delete}\`\n   ask for a teardown (close by default; \`--remove\` for the full path); \`--dry-run\` shows the plan only`,
    `\`${USAGE.status}\`\n   where a teardown is, with a link to its thread`,
    `\`${USAGE.list}\`\n   teardowns in progress`,
    `\`${USAGE.cancel}\`\n   stop a teardown (its requester or an approver)`,
    `\`${USAGE.help}\`\n   this text`,
  ];
  const text = `${intro ? `${intro}\n` : ''}*${SLASH_COMMAND}* tears AWS sandbox accounts down after a second person approves.\n${lines.join('\n')}`;
  return { text: `${SLASH_COMMAND} commands`, blocks: [section(text)] };
}

export function dryRunAnswer(input: {
  summary: AccountSummary;
  strategy: Strategy;
  quota?: CloseQuota;
  reason?: string;
  now: number;
}): MessageContent {
  const plan = planFor(input.strategy)
    .map((p, i) => `${i + 1}. *${p.title}*: ${p.does}`)
    .join('\n');
  return {
    text: `Dry run for ${escapeMrkdwn(input.summary.name)} (${input.summary.accountId}): nothing was changed`,
    blocks: [
      section(
        `:mag: *Dry run* for ${escapeMrkdwn(input.summary.name)} — preflight passed; nothing was requested or changed.`,
      ),
      {
        type: 'section',
        fields: summaryFields(input.summary, {
          strategy: input.strategy,
          ...(input.quota ? { quota: input.quota } : {}),
          ...(input.reason ? { reason: input.reason } : {}),
          now: input.now,
        }),
      },
      section(`*Plan (${planFor(input.strategy).length} steps)*\n${plan}`),
    ],
  };
}

export function threadLink(teamDomain: string | undefined, channel: string, ts: string): string {
  const host = teamDomain ? `${teamDomain}.slack.com` : 'slack.com';
  return `https://${host}/archives/${channel}/p${ts.replace('.', '')}`;
}

export function statusAnswer(t: Teardown, now: number, link: string | undefined): MessageContent {
  const lines = [
    `*${t.summary ? escapeMrkdwn(t.summary.name) : 'Teardown'}* (\`${t.accountId}\`), strategy \`${t.strategy}\`, requested by ${mention(t.requester)} on ${slackDate(t.createdAt)}`,
    statusText(t, now),
  ];
  if (link) lines.push(`<${link}|Open the thread>`);
  return { text: `Teardown of ${t.accountId}: ${t.status}`, blocks: [section(lines.join('\n'))] };
}

export function listAnswer(teardowns: Teardown[], now: number, more: boolean): MessageContent {
  if (teardowns.length === 0) {
    return { text: 'No teardowns in progress', blocks: [section('No teardowns in progress.')] };
  }
  const lines = teardowns.map((t) => {
    const { n, m } = stepPosition(t);
    return `• ${accountLabel(t)} — step ${n} of ${m}: ${STEPS[t.step].title} (${stepState(t)}), ${formatDuration(now - t.createdAt)}, by ${mention(t.requester)}`;
  });
  // One block per teardown (at most 20 asked for), so a long name can never push another line out of a block.
  const blocks = [
    section(`*Teardowns in progress (${teardowns.length}${more ? '+' : ''})*`),
    ...lines.map((line) => section(line)),
  ];
  if (more) blocks.push(context('…and more; use `/sandbox status <account-id>` for one of them.'));
  return { text: `${teardowns.length} teardown(s) in progress`, blocks };
}

export function cancelConfirmAnswer(t: Teardown): MessageContent {
  const { n, m } = stepPosition(t);
  return {
    text: `Cancel the teardown of ${t.accountId}?`,
    blocks: [
      section(
        `Cancel the teardown of ${accountLabel(t)}? It is at step ${n} of ${m} (${STEPS[t.step].title}).`,
      ),
      {
        type: 'actions',
        block_id: 'cancel',
        elements: [
          button(
            ACTION.cancel,
            'Cancel teardown',
            encodeRef({ accountId: t.accountId, teardownId: t.teardownId }),
            {
              style: 'danger',
              confirm: confirm(
                'Cancel teardown?',
                `The teardown of ${accountLabel(t)} stops before its next step. Steps already done stay done.`,
                'Cancel it',
                'danger',
              ),
            },
          ),
        ],
      },
    ],
  };
}

export function requestedAnswer(t: Teardown, link: string | undefined): MessageContent {
  const where = link ? ` <${link}|Follow it in the thread>.` : '';
  return {
    text: `Teardown of ${t.accountId} requested`,
    blocks: [
      section(
        `:inbox_tray: Teardown of ${accountLabel(t)} requested; an approver other than you has to approve it.${where}`,
      ),
    ],
  };
}
