/** The message box: sends slash commands, recalls earlier ones (arrow keys), takes account ids from the sidebar. */
import type { Post } from './live';
import type { Toasts } from './toasts';

export interface Composer {
  /**
   * Starts `<command> delete <id> ` in an empty box (or one holding only such a start), else puts the id at the
   * cursor.
   */
  insertAccount(id: string | null): void;
  /** The example the empty box shows: a request for `id`, an account that can be torn down now. */
  setExample(id: string | null): void;
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

  /** Whether the box is empty or holds nothing but an earlier `<command> delete <id>` start. */
  const onlyAStart = () => {
    const words = input.value.trim().split(/\s+/);
    return (
      input.value.trim() === '' ||
      (words.length === 3 && words[0] === command && words[1] === 'delete' && /^\d{12}$/.test(words[2] ?? ''))
    );
  };

  return {
    insertAccount: (id) => {
      if (id === null) return;
      if (onlyAStart()) {
        input.value = `${command} delete ${id} `;
      } else {
        const start = input.selectionStart === null ? input.value.length : input.selectionStart;
        const end = input.selectionEnd === null ? start : input.selectionEnd;
        const before = input.value.slice(0, start);
        input.value = `${before}${before && !/\s$/.test(before) ? ' ' : ''}${id}${input.value.slice(end)}`;
      }
      input.focus();
    },
    setExample: (id) => {
      input.placeholder = `${command} delete ${id ?? '<account id>'}`;
    },
  };
}
