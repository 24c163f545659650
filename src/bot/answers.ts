import type { Strategy } from '../common/config';
import { formatDuration } from '../common/duration';
import { userMessage } from '../common/errors';
import { STEPS } from '../pipeline/catalogue';
import type { CloseQuota } from '../pipeline/close-quota';
import type { AccountSummary, Teardown } from '../pipeline/model';
import { ACTION, encodeRef } from '../slack/ids';
import {
  accountLabel,
  button,
  confirm,
  context,
  escapeMrkdwn,
  type MessageContent,
  mention,
  section,
  slackDate,
} from '../slack/render/mrkdwn';
import { statusText, stepPosition, stepState, summaryFields } from '../slack/render/request';
import { SLASH_COMMAND, USAGE } from './commands';
import { planFor } from './plan';

// Ephemeral answers to `/sandbox` commands: only the bot gives them, so they live beside its commands.

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
    // The state goes between dots, not in parentheses: a wait's reason may hold some of its own.
    return `• ${accountLabel(t)} — step ${n} of ${m}: ${STEPS[t.step].title} · ${stepState(t)} · ${formatDuration(now - t.createdAt)} · by ${mention(t.requester)}`;
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
