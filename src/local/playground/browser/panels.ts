/**
 * The side panels: the demo accounts with their state as AWS has it now, what the simulated outside world saw
 * (calls, texts, mails), and the realism knobs. The renderers are pure; `startPanels` keeps the panels current.
 */
import { escapeHtml } from '../html';
import type { AccountsAnswer, ActivityAnswer, PageBoot, RealismAnswer } from '../state';
import type { Composer } from './composer';
import type { Post } from './live';
import { errorMessage, type Toasts } from './toasts';

/** Accounts and activity change with the teardowns: asked for this often, and at once when the channel changes. */
const PANEL_POLL_MS = 2000;
/** A compact panel: the latest few of everything that happened. */
const ACTIVITY_SHOWN = 40;

const STATE_WORDS: Readonly<Record<string, string>> = {
  ACTIVE: 'ACTIVE',
  PENDING_CLOSURE: 'PENDING_CLOSURE — closing',
  SUSPENDED: 'SUSPENDED — closed',
  CLOSED: 'CLOSED',
  REMOVED: 'REMOVED — left the organization',
};

/** An account's state as the side list says it. */
export function accountStateText(state: string): string {
  return Object.hasOwn(STATE_WORDS, state) ? (STATE_WORDS[state] ?? state) : state;
}

export function renderAccounts(answer: AccountsAnswer): string {
  if (!answer.accounts.length) return '<li class="muted">No demo accounts.</li>';
  return answer.accounts
    .map((a) => {
      const state = a.state
        ? `<span class="account-state${a.state === 'ACTIVE' ? ' active' : ''}">${escapeHtml(accountStateText(a.state))}</span>`
        : '';
      const verdict =
        a.deletable === undefined
          ? ''
          : `<span class="account-verdict">${a.deletable ? 'can be torn down' : 'a request would be refused'}</span>`;
      const status = state || verdict ? `<span class="account-status">${state}${verdict}</span>` : '';
      const note = a.note ? `<p class="account-note">${escapeHtml(a.note)}</p>` : '';
      return (
        `<li><button type="button" class="account${a.deletable ? ' deletable' : ''}" data-act="account" ` +
        `data-account="${escapeHtml(a.id)}" title="Start a request for ${escapeHtml(a.id)} in the message box">` +
        `<span class="account-name">${escapeHtml(a.name)}</span> <code>${escapeHtml(a.id)}</code>${status}` +
        `</button>${note}</li>`
      );
    })
    .join('');
}

/** The first account a request would be accepted for: the message box's example. */
export function exampleAccount(answer: AccountsAnswer): string | null {
  return answer.accounts.find((a) => a.deletable === true)?.id ?? null;
}

function clock(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Calls, texts and mails in one list, newest first. */
export function renderActivity(activity: ActivityAnswer): string {
  const items = [
    ...(activity.calls || []).map((c) => ({
      at: c.at,
      icon: '📞',
      what:
        `Call to <b>${escapeHtml(c.to)}</b>: ` +
        `${c.digits ? `AWS heard <code>${escapeHtml(c.digits)}</code>` : 'AWS heard no digits'}; ` +
        `${escapeHtml(c.ended)}`,
    })),
    ...(activity.texts || []).map((t) => ({
      at: t.at,
      icon: '💬',
      what: `Text to <b>${escapeHtml(t.to)}</b> from ${escapeHtml(t.from)}: “${escapeHtml(t.body)}”`,
    })),
    ...(activity.mails || []).map((m) => ({
      at: m.at,
      icon: '✉️',
      what: `Mail to <b>${escapeHtml(m.to)}</b>: “${escapeHtml(m.subject)}”, ${escapeHtml(m.kind)}`,
    })),
  ]
    .sort((a, b) => b.at - a.at)
    .slice(0, ACTIVITY_SHOWN);
  if (!items.length) {
    return '<li class="muted">Nothing yet. When AWS calls, texts or mails our side, it shows here.</li>';
  }
  return items
    .map(
      (i) =>
        `<li><span class="icon" aria-hidden="true">${i.icon}</span><span class="what">${i.what}</span>` +
        `<span class="when">${clock(i.at)}</span></li>`,
    )
    .join('');
}

/** One number field per knob; the page posts a field's new value when it changes. */
export function renderRealism(answer: RealismAnswer): string {
  return answer.knobs
    .map((k) => {
      const id = `knob-${k.key}`;
      return (
        `<div class="knob"><label class="knob-label" for="${escapeHtml(id)}">${escapeHtml(k.label)}</label>` +
        `<input type="number" id="${escapeHtml(id)}" data-knob="${escapeHtml(k.key)}" min="${Number(k.min)}" ` +
        `max="${Number(k.max)}" step="${Number(k.step)}" value="${Number(answer.values[k.key])}" required>` +
        `<span class="unit">${k.unit === 'ms' ? 'ms' : `${Number(k.min)} to ${Number(k.max)}`}</span></div>`
      );
    })
    .join('');
}

export interface Panels {
  /** Reads accounts and activity now (the channel just changed: a state may have too). */
  nudge(): void;
}

export function startPanels(options: {
  doc: Document;
  boot: PageBoot;
  composer: Composer;
  post: Post;
  toasts: Toasts;
}): Panels {
  const { doc, boot, composer, post, toasts } = options;
  const panels = boot.panels ?? { accounts: false, activity: false, realism: false };
  const readers: Array<() => Promise<void>> = [];

  /** Reads `path` (one request at a time) and shows what it answers when that changed. */
  const reader = <T>(path: string, root: HTMLElement, what: string, show: (answer: T) => void) => {
    let busy = false;
    let shown = '';
    return async () => {
      if (busy) return;
      busy = true;
      try {
        const res = await fetch(path, { cache: 'no-store' });
        const text = await res.text();
        if (!res.ok) throw new Error(errorOf(text) ?? `HTTP ${res.status}`);
        if (text !== shown) {
          shown = text;
          show(JSON.parse(text) as T);
        }
      } catch (error) {
        // Keep what is shown; only an empty panel says why it stays empty.
        if (!shown)
          root.innerHTML = `<li class="muted">Could not read ${what}: ${escapeHtml(errorMessage(error))}</li>`;
      } finally {
        busy = false;
      }
    };
  };

  const accountsRoot = doc.getElementById('accounts');
  if (panels.accounts && accountsRoot) {
    readers.push(
      reader<AccountsAnswer>('/playground/accounts', accountsRoot, 'the accounts', (answer) => {
        accountsRoot.innerHTML = renderAccounts(answer);
        composer.setExample(exampleAccount(answer));
      }),
    );
  }
  const activityRoot = doc.getElementById('activity');
  if (panels.activity && activityRoot) {
    readers.push(
      reader<ActivityAnswer>('/playground/activity', activityRoot, 'what happened', (answer) => {
        activityRoot.innerHTML = renderActivity(answer);
      }),
    );
  }
  const realismForm = doc.getElementById('realism');
  if (panels.realism && realismForm) startRealism(realismForm, post, toasts);

  const nudge = () => {
    for (const read of readers) void read();
  };
  if (readers.length) {
    const tick = () => {
      nudge();
      setTimeout(tick, PANEL_POLL_MS);
    };
    tick();
  }
  return { nudge };
}

/** The realism form: read once, then kept as the server answers each change. */
function startRealism(form: HTMLElement, post: Post, toasts: Toasts): void {
  let current: RealismAnswer | null = null;
  const show = (answer: RealismAnswer) => {
    if (!current) form.innerHTML = renderRealism(answer);
    current = answer;
    for (const input of form.querySelectorAll<HTMLInputElement>('input[data-knob]')) {
      const key = input.getAttribute('data-knob') as keyof RealismAnswer['values'];
      if (form.ownerDocument.activeElement !== input) input.value = String(answer.values[key]);
    }
  };
  fetch('/playground/realism', { cache: 'no-store' })
    .then(async (res) => {
      const text = await res.text();
      if (!res.ok) throw new Error(errorOf(text) ?? `HTTP ${res.status}`);
      show(JSON.parse(text) as RealismAnswer);
    })
    .catch((error: unknown) => {
      form.innerHTML = `<p class="muted">Could not read the knobs: ${escapeHtml(errorMessage(error))}</p>`;
    });
  // Enter in a field commits it (a change event); the form itself goes nowhere.
  form.addEventListener('submit', (event) => event.preventDefault());
  form.addEventListener('change', (event) => {
    const input = event.target as HTMLInputElement;
    const key = input.getAttribute('data-knob') as keyof RealismAnswer['values'] | null;
    if (!key || !current) return;
    const before = current.values[key];
    post('/playground/realism', { [key]: input.value })
      .then((answer) => {
        const next = answer as unknown as RealismAnswer;
        show(next);
        input.value = String(next.values[key]);
        toasts.show(`${current?.knobs.find((k) => k.key === key)?.label ?? key}: now ${input.value}`);
      })
      .catch((error: unknown) => {
        input.value = String(before);
        toasts.fail(error);
      });
  });
}

function errorOf(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as { error?: unknown };
    return typeof value.error === 'string' ? value.error : undefined;
  } catch {
    return undefined;
  }
}
