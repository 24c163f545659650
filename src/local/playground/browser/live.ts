/** The page's line to the playground server: polls the state the page shows and posts what the user does. */
import type { PlaygroundState } from '../state';
import { errorMessage, type Toasts } from './toasts';

/** How often the page asks for the state; the server answers with the same version while nothing changed. */
const POLL_MS = 700;

/** The server's answer to a posted command, click or submission (the bot's answer inside), or its error. */
export interface Answer {
  ok?: boolean;
  status?: number;
  body?: string;
  error?: string;
  warning?: string;
}

export type Post = (path: string, body: Record<string, unknown>) => Promise<Answer>;

export interface Live {
  /** Fetches the state now (and from then on every POLL_MS) and shows it when its version changed. */
  refresh(): Promise<void>;
  /** Posts to the server, tells the user what the bot refused, and refreshes afterwards. */
  post: Post;
  /** Forgets the version shown, so the next state is shown whatever it is (after switching users). */
  forget(): void;
}

export function connect(options: {
  /** The user the page acts as now. */
  user(): string;
  status: HTMLElement;
  toasts: Toasts;
  show(state: PlaygroundState): void;
}): Live {
  const { status, toasts } = options;
  let version: string | null = null;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;

  const refresh = async (): Promise<void> => {
    clearTimeout(pollTimer);
    try {
      const res = await fetch(`/playground/state?user=${encodeURIComponent(options.user())}`, {
        cache: 'no-store',
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const next = (await res.json()) as PlaygroundState;
      status.textContent = '';
      // An answer for the user shown before a switch is stale.
      if (next.user.id !== options.user()) return;
      if (next.version !== version) {
        version = next.version;
        options.show(next);
      }
    } catch (error) {
      status.textContent = `Cannot reach the playground: ${errorMessage(error)}. Retrying\u2026`;
    } finally {
      clearTimeout(pollTimer);
      pollTimer = setTimeout(refresh, POLL_MS);
    }
  };

  const post: Post = async (path, body) => {
    try {
      const res = await fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await res.json().catch(() => ({}))) as Answer;
      if (!res.ok) throw new Error(answer.error || `HTTP ${res.status}`);
      if (answer.warning) toasts.show(answer.warning, true);
      if (answer.status !== undefined && answer.status !== 200) {
        const detail = answer.body ? `: ${String(answer.body).slice(0, 200)}` : '';
        toasts.show(`The bot answered HTTP ${answer.status}${detail}`, true);
      }
      return answer;
    } finally {
      void refresh();
    }
  };

  return {
    refresh,
    post,
    forget: () => {
      version = null;
    },
  };
}
