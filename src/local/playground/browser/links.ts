/**
 * Links in the bot's messages as the page draws them. A Slack permalink (`https://<workspace>.slack.com/archives/
 * <channel>/p<ts>`, what chat.getPermalink answers) points at a workspace that exists only on this machine, so it
 * opens the thread in the page; links to anywhere else stay as they are.
 */
import { escapeHtml } from '../html';

/** Where a Slack link leads in this workspace. */
export type SlackTarget =
  | { kind: 'thread'; channel: string; threadTs: string; ts: string }
  | { kind: 'channel'; channel: string | null };

/** Slack's own sites; every other `*.slack.com` host is a workspace, and the only workspace here is this page. */
const SLACK_SITES = new Set([
  'slack.com',
  'www.slack.com',
  'api.slack.com',
  'app.slack.com',
  'status.slack.com',
]);

/** Only web and mail links become links; anything else (javascript:, data:...) stays text. */
export function safeUrl(url: unknown): string | null {
  const u = String(url || '').trim();
  return /^(https?:\/\/|mailto:)[^\s"'<>`]+$/i.test(u) ? u : null;
}

/** `p1700000000123456` (a permalink's message id) → `1700000000.123456`. */
function tsOf(permalinkId: string): string {
  return `${permalinkId.slice(0, -6)}.${permalinkId.slice(-6)}`;
}

/** What a Slack link opens in this workspace, or null for a link that leads elsewhere. */
export function slackTarget(url: string): SlackTarget | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const host = parsed.hostname.toLowerCase();
  if (host !== 'slack.com' && !host.endsWith('.slack.com')) return null;
  const path = parsed.pathname;
  const archived = /^\/archives\/([A-Z0-9]+)(?:\/p(\d{7,}))?\/?$/.exec(path);
  if (archived?.[1]) {
    const channel = archived[1];
    if (!archived[2]) return { kind: 'channel', channel };
    const ts = tsOf(archived[2]);
    const threadTs = parsed.searchParams.get('thread_ts');
    return { kind: 'thread', channel, ts, threadTs: threadTs && /^\d+\.\d+$/.test(threadTs) ? threadTs : ts };
  }
  if (host === 'app.slack.com') {
    const client = /^\/client\/[A-Z0-9]+\/([A-Z0-9]+)(?:\/thread\/([A-Z0-9]+)-(\d+\.\d+))?\/?$/.exec(path);
    if (!client?.[1]) return null;
    const ts = client[3];
    return ts
      ? { kind: 'thread', channel: client[2] ?? client[1], ts, threadTs: ts }
      : { kind: 'channel', channel: client[1] };
  }
  if (path === '/app_redirect') return { kind: 'channel', channel: parsed.searchParams.get('channel') };
  // A workspace's own page (its home, a profile…): the workspace is this page.
  return SLACK_SITES.has(host) ? null : { kind: 'channel', channel: null };
}

/** An `<a>` for `url` with the given (already escaped) label: in the page for Slack links, a new tab otherwise. */
export function linkHtml(url: string, labelHtml: string, className?: string): string {
  const cls = className ? ` class="${className}"` : '';
  const target = slackTarget(url);
  if (!target) {
    return `<a${cls} href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${labelHtml}</a>`;
  }
  if (target.kind === 'channel') {
    return (
      `<a${cls} href="#" data-act="open-channel" data-channel="${escapeHtml(target.channel ?? '')}"` +
      ` title="In Slack this opens the channel">${labelHtml}</a>`
    );
  }
  return (
    `<a${cls} href="#thread=${escapeHtml(target.threadTs)}" data-act="open-thread"` +
    ` data-channel="${escapeHtml(target.channel)}" data-thread="${escapeHtml(target.threadTs)}"` +
    ` data-reply="${escapeHtml(target.ts)}" title="Opens the thread on this page">${labelHtml}</a>`
  );
}

/** The label a bare Slack link gets: its made-up address would mean nothing here. */
export function bareLinkLabel(url: string): string {
  const target = slackTarget(url);
  return target ? (target.kind === 'thread' ? 'Open the thread' : 'Open the channel') : url;
}
