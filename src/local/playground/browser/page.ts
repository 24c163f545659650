/** The page's behaviour: shows the state it polls, and turns clicks and keys into the user's actions. */
import type { PageBoot, PlaygroundState } from '../state';
import { findAction } from './blocks';
import { createComposer } from './composer';
import { createDialogs } from './dialogs';
import { connect } from './live';
import { startPanels } from './panels';
import { renderTimeline, type TimelineUi } from './timeline';
import { createToasts } from './toasts';

const STORED_USER = 'playground.user';

export function startPage(doc: Document): void {
  const byId = <T extends HTMLElement>(id: string): T => {
    const el = doc.getElementById(id);
    if (!el) throw new Error(`the page has no #${id}`);
    return el as T;
  };
  const boot = JSON.parse(byId('boot').textContent ?? '') as PageBoot;
  const timeline = byId('timeline');
  const select = byId<HTMLSelectElement>('as');
  const ui: Required<TimelineUi> = { collapsed: {}, dismissed: {} };
  let state: PlaygroundState | null = null;

  // Who to act as: the link's #as=<id>, else the last choice on this browser, else the first person.
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORED_USER);
  } catch {
    // Storage may be disabled.
  }
  // `#as=<user>&thread=<ts>`: who to act as, and a thread to open once the channel is shown.
  const fromLink: Record<string, string> = {};
  for (const part of location.hash.replace(/^#/, '').split('&')) {
    const [key = '', value = ''] = part.split('=', 2);
    if (key) fromLink[key] = decodeURIComponent(value);
  }
  const fromHash = fromLink.as ?? '';
  let threadToOpen = fromLink.thread ?? null;
  const ids = boot.users.map((u) => u.id);
  select.value = ids.includes(fromHash)
    ? fromHash
    : stored !== null && ids.includes(stored)
      ? stored
      : (ids[0] ?? '');
  const user = () => select.value;

  const toasts = createToasts(doc, byId('toasts'));
  const live = connect({ user, status: byId('status'), toasts, show: showState });
  const dialogs = createDialogs({
    modalRoot: byId('modal-root'),
    confirmRoot: byId('confirm-root'),
    user,
    post: live.post,
    toasts,
  });
  const composer = createComposer({
    form: byId<HTMLFormElement>('composer'),
    input: byId<HTMLInputElement>('composer-input'),
    command: boot.command,
    user,
    post: live.post,
    toasts,
  });
  const panels = startPanels({ doc, boot, composer, post: live.post, toasts });

  // Follow new messages while the person is at the bottom. That is decided when they scroll, not at each redraw:
  // a screenshot that loads after a redraw makes the channel longer without anyone scrolling.
  let following = true;
  const toBottom = () => {
    timeline.scrollTop = timeline.scrollHeight;
  };
  timeline.addEventListener('scroll', () => {
    following = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 60;
  });
  timeline.addEventListener(
    'load',
    () => {
      if (following) toBottom();
    },
    true, // image loads do not bubble
  );

  function showState(next: PlaygroundState): void {
    const first = state === null;
    state = next;
    timeline.innerHTML = renderTimeline(state, ui);
    if (first || following) toBottom();
    dialogs.show(state);
    panels.nudge();
    if (threadToOpen) {
      openThread('', threadToOpen, threadToOpen);
      threadToOpen = null;
    }
  }

  const redrawTimeline = () => {
    if (state) timeline.innerHTML = renderTimeline(state, ui);
  };

  /**
   * A Slack link to a message (a permalink, the bot's "Open the thread"): its thread opened and shown here, as
   * Slack would open it, instead of a workspace that exists only on this machine.
   */
  const openThread = (channel: string, threadTs: string, ts: string) => {
    if (channel && channel !== boot.channel.id) {
      toasts.show(`That thread is in another channel; this page shows #${boot.channel.name} only.`, true);
      return;
    }
    const messages = state?.messages ?? [];
    const parent =
      messages.find((m) => m.ts === threadTs) ??
      messages.find((m) => m.ts === ts || m.replies.some((r) => r.ts === ts));
    if (!parent) {
      toasts.show(`That message is not in #${boot.channel.name}.`, true);
      return;
    }
    if (ui.collapsed[parent.ts]) {
      ui.collapsed[parent.ts] = false;
      redrawTimeline();
    }
    const wanted = parent.replies.some((r) => r.ts === ts) ? ts : parent.ts;
    const target = timeline.querySelector<HTMLElement>(
      `.msg:not(.ephemeral)[data-ts="${CSS.escape(wanted)}"]`,
    );
    if (!target) return;
    target.classList.remove('flash');
    void target.offsetWidth; // restarts the highlight when the same link is clicked again
    target.classList.add('flash');
    target.scrollIntoView({ block: 'center' });
  };

  /** A link to the channel (or the workspace): this page is both. */
  const openChannel = (channel: string) => {
    if (channel && channel !== boot.channel.id) {
      toasts.show(`That is another channel; this page shows #${boot.channel.name} only.`, true);
      return;
    }
    toBottom();
  };

  /** A button in a message: asks its confirm question first, if it has one, then sends the click. */
  const clickAction = async (button: Element) => {
    const ts = button.getAttribute('data-ts');
    const actionId = button.getAttribute('data-action-id');
    const found = state && findAction(state, ts, actionId);
    if (!found) return;
    const confirmed = found.element.confirm
      ? await dialogs.ask(found.element.confirm, state?.names ?? {})
      : true;
    if (!confirmed) return;
    button.classList.add('busy');
    const body: Record<string, unknown> = { user: user(), messageTs: ts, actionId };
    if (found.block.block_id) body.blockId = found.block.block_id;
    if (typeof found.element.value === 'string') body.value = found.element.value;
    await live.post('/playground/action', body).catch(toasts.fail);
    button.classList.remove('busy');
  };

  doc.addEventListener('click', (event) => {
    const target = (event.target as Element).closest('[data-act]');
    if (!target) return;
    const ts = target.getAttribute('data-ts') ?? '';
    switch (target.getAttribute('data-act')) {
      case 'block-action':
        void clickAction(target);
        break;
      case 'toggle-thread':
        ui.collapsed[ts] = !ui.collapsed[ts];
        redrawTimeline();
        break;
      case 'dismiss-ephemeral':
        ui.dismissed[ts] = true;
        redrawTimeline();
        break;
      case 'account':
        composer.insertAccount(target.getAttribute('data-account'));
        break;
      case 'open-thread':
        event.preventDefault();
        openThread(
          target.getAttribute('data-channel') ?? '',
          target.getAttribute('data-thread') ?? '',
          target.getAttribute('data-reply') ?? '',
        );
        break;
      case 'open-channel':
        event.preventDefault();
        openChannel(target.getAttribute('data-channel') ?? '');
        break;
      case 'modal-close':
        if (state?.modal) dialogs.close(state.modal);
        break;
      case 'modal-submit':
        if (state?.modal) dialogs.submit(state.modal);
        break;
      case 'confirm-yes':
        dialogs.answer(true);
        break;
      case 'confirm-no':
        dialogs.answer(false);
        break;
    }
  });

  doc.addEventListener('keydown', (event) => {
    const target = event.target as Partial<Element> | null;
    if (event.key === 'Escape') {
      if (dialogs.asking) dialogs.answer(false);
      else if (state?.modal) dialogs.close(state.modal);
    } else if (event.key === 'Enter' && target?.closest?.('#modal-root') && target.tagName === 'INPUT') {
      // Enter in a modal's text field submits the modal, as in Slack.
      event.preventDefault();
      if (state?.modal) dialogs.submit(state.modal);
    }
  });

  select.addEventListener('change', () => {
    try {
      localStorage.setItem(STORED_USER, select.value);
    } catch {
      // Storage may be disabled.
    }
    live.forget();
    state = null;
    dialogs.reset();
    void live.refresh();
  });

  void live.refresh();
}
