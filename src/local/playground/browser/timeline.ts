/** The channel as HTML: messages and this user's ephemerals by time, each thread under its parent. */
import { escapeHtml } from '../html';
import type { PlaygroundState, StateEphemeral, StateFile, StateMessage } from '../state';
import type { Names } from './block-kit';
import { renderBlocks } from './blocks';
import { mrkdwn } from './mrkdwn';

/** What the person changed on the page itself: collapsed threads and dismissed ephemerals, by ts. */
export interface TimelineUi {
  collapsed?: Record<string, boolean>;
  dismissed?: Record<string, boolean>;
}

interface TimelineContext {
  names: Names;
  collapsed: Record<string, boolean>;
  botName: string;
}

type Entry =
  | { kind: 'message'; ts: string; item: StateMessage }
  | { kind: 'ephemeral'; ts: string; item: StateEphemeral };

function formatSize(bytes: number): string {
  return bytes < 1024
    ? `${bytes} B`
    : bytes < 1048576
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;
}

function renderFiles(files: StateFile[] | undefined): string {
  return (Array.isArray(files) ? files : [])
    .map((f) => {
      const url = escapeHtml(f.url);
      if (f.isImage) {
        return (
          `<div class="file file-image"><div class="file-title">${escapeHtml(f.title || f.name)}</div>` +
          `<a href="${url}" target="_blank" rel="noopener"><img src="${url}" ` +
          `alt="${escapeHtml(f.altText || f.title || f.name)}" loading="lazy"></a></div>`
        );
      }
      return (
        `<div class="file"><a class="file-link" href="${url}" target="_blank" rel="noopener">\ud83d\udcc4 ` +
        `${escapeHtml(f.title || f.name)} <span class="file-title">${escapeHtml(f.name)}, ` +
        `${formatSize(f.size)}</span></a></div>`
      );
    })
    .join('');
}

/** Slack timestamps ('seconds.micros') in time order. */
function compareTs(a: string, b: string): number {
  const pa = String(a).split('.');
  const pb = String(b).split('.');
  const d = Number(pa[0]) - Number(pb[0]);
  return d !== 0 ? d : Number(pa[1] || 0) - Number(pb[1] || 0);
}

function timeOf(ts: string): string {
  const d = new Date(Number(String(ts).split('.')[0]) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function initial(name: string | undefined): string {
  const c = String(name || '?')
    .trim()
    .charAt(0)
    .toUpperCase();
  return escapeHtml(c || '?');
}

/** A message's blocks, or its text where it has none. */
function messageBody(m: StateMessage | StateEphemeral, names: Names): string {
  return Array.isArray(m.blocks) && m.blocks.length
    ? renderBlocks(m.blocks, { names, ts: m.ts, interactive: true })
    : mrkdwn(m.text, names);
}

function renderEntry(entry: Entry, ctx: TimelineContext, threadEphemerals?: StateEphemeral[]): string {
  return entry.kind === 'message'
    ? renderMessage(entry.item, ctx, threadEphemerals)
    : renderEphemeral(entry.item, ctx);
}

function renderThread(m: StateMessage, ctx: TimelineContext, threadEphemerals: StateEphemeral[]): string {
  const replies: Entry[] = [
    ...(m.replies || []).map((r): Entry => ({ kind: 'message', ts: r.ts, item: r })),
    ...threadEphemerals.map((e): Entry => ({ kind: 'ephemeral', ts: e.ts, item: e })),
  ].sort((a, b) => compareTs(a.ts, b.ts));
  if (!replies.length) return '';
  const collapsed = ctx.collapsed[m.ts];
  const count = (m.replies || []).length;
  const toggle =
    `<button type="button" class="thread-toggle" data-act="toggle-thread" data-ts="${escapeHtml(m.ts)}" ` +
    `aria-expanded="${collapsed ? 'false' : 'true'}">${collapsed ? '\u25b8 ' : '\u25be '}${count}` +
    `${count === 1 ? ' reply' : ' replies'}</button>`;
  const thread = collapsed
    ? ''
    : `<div class="thread">${replies.map((r) => renderEntry(r, ctx, [])).join('')}</div>`;
  return `<div class="thread-box">${toggle}${thread}</div>`;
}

function renderMessage(m: StateMessage, ctx: TimelineContext, threadEphemerals?: StateEphemeral[]): string {
  return (
    `<div class="msg" data-ts="${escapeHtml(m.ts)}"><div class="avatar${m.bot ? ' bot' : ''}">` +
    `${initial(m.userName)}</div><div class="content"><div class="meta"><span class="author">` +
    `${escapeHtml(m.userName)}</span>${m.bot ? '<span class="app-badge">APP</span>' : ''}` +
    `<span class="time">${escapeHtml(timeOf(m.ts))}</span>` +
    `${m.edited ? '<span class="edited">(edited)</span>' : ''}</div><div class="body">` +
    `${messageBody(m, ctx.names)}${renderFiles(m.files)}</div>` +
    `${renderThread(m, ctx, threadEphemerals || [])}</div></div>`
  );
}

function renderEphemeral(e: StateEphemeral, ctx: TimelineContext): string {
  return (
    `<div class="msg ephemeral" data-ts="${escapeHtml(e.ts)}"><div class="avatar bot">` +
    `${initial(ctx.botName)}</div><div class="content"><div class="only-you">\ud83d\udc41 Only visible to you` +
    `<button type="button" class="dismiss" data-act="dismiss-ephemeral" data-ts="${escapeHtml(e.ts)}">` +
    `Dismiss</button></div><div class="meta"><span class="author">${escapeHtml(ctx.botName)}</span>` +
    `<span class="app-badge">APP</span><span class="time">${escapeHtml(timeOf(e.ts))}</span></div>` +
    `<div class="body">${messageBody(e, ctx.names)}</div></div></div>`
  );
}

/**
 * The channel as HTML: messages and this user's ephemerals by time, thread replies (and ephemerals
 * posted in threads) under their parent.
 */
export function renderTimeline(
  state: Pick<PlaygroundState, 'command' | 'names' | 'messages' | 'ephemerals'>,
  ui: TimelineUi = {},
): string {
  const dismissed = ui.dismissed || {};
  const messages = state.messages || [];
  // The bot's name as its latest message shows it.
  const lastFromBot = messages.filter((m) => m.bot).at(-1);
  const botName = lastFromBot ? lastFromBot.userName : 'sandbox-teardown';
  const ctx: TimelineContext = { names: state.names || {}, collapsed: ui.collapsed || {}, botName };
  const parents = new Set(messages.map((m) => m.ts));
  const inThread = new Map<string, StateEphemeral[]>();
  const entries: Entry[] = messages.map((m) => ({ kind: 'message', ts: m.ts, item: m }));
  for (const e of state.ephemerals || []) {
    if (dismissed[e.ts]) continue;
    if (e.threadTs && parents.has(e.threadTs))
      inThread.set(e.threadTs, [...(inThread.get(e.threadTs) ?? []), e]);
    else entries.push({ kind: 'ephemeral', ts: e.ts, item: e });
  }
  entries.sort((a, b) => compareTs(a.ts, b.ts));
  if (!entries.length) {
    return `<p class="empty">Nothing here yet. Type <code>${escapeHtml(state.command)} \u2026</code> below to talk to the bot.</p>`;
  }
  return entries.map((entry) => renderEntry(entry, ctx, inThread.get(entry.ts))).join('');
}
