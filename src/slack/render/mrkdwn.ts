import type { Button, ConfirmationDialog, KnownBlock, MrkdwnElement } from '@slack/types';
import type { Teardown } from '../../pipeline/model';

export type Block = KnownBlock;

/** What chat.postMessage / chat.update / an ephemeral answer get: a notification text plus the blocks. */
export interface MessageContent {
  text: string;
  blocks: Block[];
}

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

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } };
}

export function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] };
}

export function field(label: string, value: string): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, 2000) };
}

export function button(actionId: string, text: string, value: string, extra: Partial<Button> = {}): Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text }, value, ...extra };
}

export function confirm(
  title: string,
  text: string,
  yes: string,
  style?: 'danger' | 'primary',
): ConfirmationDialog {
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
export function withMentions(text: string, people: Array<string | undefined>): string {
  let out = escapeMrkdwn(text.replace(EMAIL, (email) => maskEmail(email)));
  for (const id of new Set(people.filter((p): p is string => !!p && /^[UW][A-Z0-9]+$/.test(p)))) {
    out = out.replace(new RegExp(`\\b${id}\\b`, 'g'), `<@${id}>`);
  }
  return out;
}

export function freeText(text: string): string {
  return withMentions(text, []);
}

/** The account's name and id, or its id alone before preflight named it. */
export function accountLabel(t: Pick<Teardown, 'accountId' | 'summary'>): string {
  return t.summary ? `${escapeMrkdwn(t.summary.name)} (\`${t.accountId}\`)` : `\`${t.accountId}\``;
}
