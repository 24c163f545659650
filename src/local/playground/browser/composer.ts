/** The message box: sends slash commands, recalls earlier ones (arrow keys), takes account ids from the sidebar. */
import type { Post } from './live';
import type { Toasts } from './toasts';

export interface Composer {
  /** Puts an account id at the cursor, or starts `<command> delete <id>` in an empty box. */
  insertAccount(id: string | null): void;
}

export function createComposer(options: {
  form: HTMLFormElement;
  input: HTMLInputElement;
  /** The slash command the bot answers, e.g. '/sandbox'. */
  command: string;
  user(): string;
  post: Post;
  toasts: Toasts;
}): Composer {
  const { form, input, command, post, toasts } = options;
  const sent: string[] = [];
  let historyPos = 0;

  const send = (text: string) => {
    const word = text.split(/\s/)[0];
    if (text.charAt(0) !== '/') {
      toasts.show(`Only slash commands reach the bot here: try ${command} \u2026`, true);
      return;
    }
    if (word !== command) {
      toasts.show(`${word} is not a command this bot knows: try ${command} \u2026`, true);
      return;
    }
    input.disabled = true;
    post('/playground/command', { user: options.user(), text })
      .then(() => {
        sent.push(text);
        historyPos = sent.length;
        input.value = '';
      })
      .catch(toasts.fail)
      .finally(() => {
        input.disabled = false;
        input.focus();
      });
  };

  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowUp' && historyPos > 0) {
      historyPos--;
      input.value = sent[historyPos] ?? '';
      event.preventDefault();
    } else if (event.key === 'ArrowDown' && historyPos < sent.length) {
      historyPos++;
      input.value = sent[historyPos] ?? '';
      event.preventDefault();
    }
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text) send(text);
  });

  return {
    insertAccount: (id) => {
      if (input.value.trim() === '') {
        input.value = `${command} delete ${id}`;
      } else {
        const start = input.selectionStart === null ? input.value.length : input.selectionStart;
        const end = input.selectionEnd === null ? start : input.selectionEnd;
        const before = input.value.slice(0, start);
        input.value = `${before}${before && !/\s$/.test(before) ? ' ' : ''}${id}${input.value.slice(end)}`;
      }
      input.focus();
    },
  };
}
