/** The dialogs on the page: the bot's modal, kept in step with the state, and a button's confirm. */
import type { PlaygroundState, StateModal } from '../state';
import type { ConfirmObject, Names } from './block-kit';
import type { Post } from './live';
import { renderConfirm, renderModal } from './modal';
import type { Toasts } from './toasts';

export interface Dialogs {
  /** Shows the state's modal, redrawn only when the view, its version or its errors change. */
  show(state: PlaygroundState | null): void;
  /** Closes both dialogs without answering the bot (after switching users). */
  reset(): void;
  /** Asks the confirm's question; resolves with the person's answer. */
  ask(confirm: ConfirmObject, names: Names): Promise<boolean>;
  /** Answers the open confirm, if any. */
  answer(yes: boolean): void;
  readonly asking: boolean;
  submit(modal: StateModal): void;
  close(modal: StateModal): void;
}

/** One input of the modal: the block and action it answers, and what the person entered or picked. */
function readInput(el: Element): { blockId: string; actionId: string; key: string; value: string } {
  const blockId = el.getAttribute('data-block-id') ?? '';
  const actionId = el.getAttribute('data-action-id') ?? '';
  const value =
    el.getAttribute('data-type') === 'radio_buttons'
      ? el.querySelector<HTMLInputElement>('input:checked')?.value || ''
      : (el as HTMLInputElement).value;
  return { blockId, actionId, key: `${blockId}\u0000${actionId}`, value };
}

export function createDialogs(options: {
  modalRoot: HTMLElement;
  confirmRoot: HTMLElement;
  user(): string;
  post: Post;
  toasts: Toasts;
}): Dialogs {
  const { modalRoot, confirmRoot, post, toasts } = options;
  let shownKey = '';
  let pendingConfirm: ((yes: boolean) => void) | null = null;

  const inputs = () => modalRoot.querySelectorAll('[data-input]');

  const show = (state: PlaygroundState | null) => {
    const modal = state?.modal;
    const key = modal ? `${modal.viewId}|${modal.hash}|${JSON.stringify(modal.errors)}` : '';
    if (key === shownKey) return;
    // The same view again, with new errors: keep what the person typed.
    const kept =
      modal && shownKey.startsWith(`${modal.viewId}|${modal.hash}|`)
        ? new Map(
            [...inputs()].map((el) => {
              const input = readInput(el);
              return [input.key, input.value];
            }),
          )
        : null;
    shownKey = key;
    modalRoot.innerHTML = modal && state ? renderModal(modal, state.names) : '';
    if (!modal) return;
    for (const el of inputs()) {
      const value = kept?.get(readInput(el).key);
      if (value === undefined) continue;
      if (el.getAttribute('data-type') === 'radio_buttons') {
        for (const radio of el.querySelectorAll<HTMLInputElement>('input'))
          radio.checked = radio.value === value;
      } else {
        (el as HTMLInputElement).value = value;
      }
    }
    modalRoot
      .querySelector<HTMLElement>('.has-error input, .has-error textarea, input, textarea, select')
      ?.focus();
  };

  const answer = (yes: boolean) => {
    confirmRoot.innerHTML = '';
    const resolve = pendingConfirm;
    pendingConfirm = null;
    resolve?.(yes);
  };

  return {
    show,
    reset: () => {
      shownKey = '';
      modalRoot.innerHTML = '';
      if (pendingConfirm) answer(false);
    },
    ask: (confirm, names) =>
      new Promise((resolve) => {
        pendingConfirm = resolve;
        confirmRoot.innerHTML = renderConfirm(confirm, names);
        confirmRoot.querySelector<HTMLElement>('[data-act="confirm-yes"]')?.focus();
      }),
    answer,
    get asking() {
      return pendingConfirm !== null;
    },
    submit: (modal) => {
      const values: Record<string, Record<string, string>> = {};
      let missing = false;
      for (const el of inputs()) {
        const { blockId, actionId, value } = readInput(el);
        if (value === '' && !el.getAttribute('data-optional')) {
          missing = true;
          const error = modalRoot.querySelector(`[data-error-for="${CSS.escape(blockId)}"]`);
          if (error) error.textContent = 'Please fill out this field.';
        } else if (value !== '') {
          values[blockId] = { ...values[blockId], [actionId]: value };
        }
      }
      if (missing) return;
      const dialog = modalRoot.querySelector('.dialog');
      dialog?.classList.add('busy');
      post('/playground/view', { user: options.user(), viewId: modal.viewId, values })
        .catch(toasts.fail)
        .finally(() => dialog?.classList.remove('busy'));
    },
    close: (modal) => {
      post('/playground/close', { user: options.user(), viewId: modal.viewId }).catch(toasts.fail);
    },
  };
}
