/**
 * The playground as a person uses it, over its HTTP routes: type a command as one user, click a button as
 * another, read the channel as the page reads it.
 */
import type { PlaygroundState, StateMessage } from '../../src/local/playground/state';
import { ACTION } from '../../src/slack/ids';

/** A button on a message, as a click needs it. */
export interface Button {
  messageTs: string;
  blockId: string;
  actionId: string;
  value: string;
}

function buttonOn(message: StateMessage, actionId: string): Button | undefined {
  for (const block of message.blocks) {
    const elements = (block as { elements?: Array<{ action_id?: string; value?: string }> }).elements;
    const button = elements?.find((e) => e.action_id === actionId);
    if (button?.value && block.block_id) {
      return { messageTs: message.ts, blockId: block.block_id, actionId, value: button.value };
    }
  }
  return undefined;
}

/** The bot's answer as Slack saw it. */
export interface BotAnswer {
  status: number;
  elapsedMs: number;
}

export class PlaygroundClient {
  constructor(private readonly baseUrl: string) {}

  async state(user: string): Promise<PlaygroundState> {
    const response = await fetch(new URL(`/playground/state?user=${encodeURIComponent(user)}`, this.baseUrl));
    if (!response.ok) throw new Error(`playground state: HTTP ${response.status}`);
    return (await response.json()) as PlaygroundState;
  }

  /**
   * Types `/sandbox <text>` as `user`: how the bot answered (its HTTP status as Slack saw it: not 200 when it did
   * not acknowledge within Slack's 3 s) and how long it took. Throws when the playground refuses it.
   */
  async command(user: string, text: string): Promise<BotAnswer> {
    return this.post('/playground/command', { user, text });
  }

  async click(user: string, button: Button): Promise<BotAnswer> {
    return this.post('/playground/action', {
      user,
      messageTs: button.messageTs,
      actionId: button.actionId,
      value: button.value,
      blockId: button.blockId,
    });
  }

  /** The Approve button on the request message of `accountId`, once the channel shows it. */
  static approveButton(state: PlaygroundState, accountId: string): Button | undefined {
    const request = PlaygroundClient.requestMessage(state, accountId);
    return request ? buttonOn(request, ACTION.approve) : undefined;
  }

  /** The Retry button of the newest prompt for a person in the thread of `accountId`. */
  static retryButton(state: PlaygroundState, accountId: string): Button | undefined {
    const replies = PlaygroundClient.requestMessage(state, accountId)?.replies ?? [];
    for (const reply of [...replies].reverse()) {
      const button = buttonOn(reply, ACTION.retry);
      if (button) return button;
    }
    return undefined;
  }

  /** The request message (the thread root) of `accountId`. */
  static requestMessage(state: PlaygroundState, accountId: string): StateMessage | undefined {
    return state.messages.find((m) => m.text.includes(`(${accountId})`));
  }

  private async post(path: string, body: Record<string, unknown>): Promise<BotAnswer> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json().catch(() => ({}))) as Partial<BotAnswer> & { error?: string };
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}: ${answer.error ?? ''}`);
    return { status: answer.status ?? 0, elapsedMs: answer.elapsedMs ?? Number.NaN };
  }
}
