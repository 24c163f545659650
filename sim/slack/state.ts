import { newId, newTriggerId } from './ids';
import type {
  BotResponse,
  Json,
  RecordedCall,
  ResponseUrlPost,
  SignedRequest,
  SimBlock,
  SimEphemeral,
  SimFile,
  SimMessage,
  SimView,
} from './types';

interface Trigger {
  issuedAt: number;
  used: boolean;
}

/** A file announced by files.getUploadURLExternal; bytes arrive later at its upload URL. */
export interface PendingUpload {
  id: string;
  filename: string;
  length: number;
  altText?: string;
  snippetType?: string;
  bytes?: Buffer;
  completed: boolean;
}

/** What a response_url acts on. */
export interface ResponseUrlTarget {
  kind: 'slash_command' | 'block_actions';
  channel: string;
  user: string;
  /** Source message of a block action (replace_original/delete_original act on it). */
  messageTs?: string;
  isEphemeral: boolean;
  uses: number;
  issuedAt: number;
}

export interface Delivery {
  kind: string;
  request: SignedRequest;
  response: BotResponse;
  at: number;
}

export interface NewMessage {
  channel: string;
  user: string;
  botId?: string;
  text: string;
  blocks?: SimBlock[];
  attachments?: Json[];
  metadata?: Json;
  threadTs?: string;
  files?: SimFile[];
}

/** All visible workspace state of the simulator, plus change notification for waitFor. */
export class SimState {
  readonly calls: RecordedCall[] = [];
  readonly ephemerals: SimEphemeral[] = [];
  readonly views = new Map<string, SimView>();
  readonly uploads = new Map<string, PendingUpload>();
  readonly files: SimFile[] = [];
  readonly responseUrls = new Map<string, ResponseUrlTarget>();
  readonly responses: ResponseUrlPost[] = [];
  readonly deliveries: Delivery[] = [];
  private readonly triggers = new Map<string, Trigger>();
  private readonly topLevel = new Map<string, SimMessage[]>();
  private readonly byTs = new Map<string, SimMessage>();
  private readonly listeners = new Set<() => void>();
  private lastTsMicros = 0;

  constructor(readonly now: () => number) {}

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tell waiters something changed; listeners must not throw. */
  changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Slack-style "seconds.micros" ts, strictly increasing across the workspace (so unique per channel). */
  nextTs(): string {
    this.lastTsMicros = Math.max(Math.floor(this.now() * 1000), this.lastTsMicros + 1);
    const seconds = Math.floor(this.lastTsMicros / 1e6);
    const micros = this.lastTsMicros % 1e6;
    return `${seconds}.${String(micros).padStart(6, '0')}`;
  }

  messages(channel: string): SimMessage[] {
    return this.topLevel.get(channel) ?? [];
  }

  /** A top-level message or a thread reply. */
  findMessage(channel: string, ts: string): SimMessage | undefined {
    return this.byTs.get(`${channel}/${ts}`);
  }

  /** Adds a message; a threadTs must already have been checked to name a top-level message. */
  addMessage(input: NewMessage): SimMessage {
    const message: SimMessage = {
      type: 'message',
      channel: input.channel,
      ts: this.nextTs(),
      user: input.user,
      ...(input.botId ? { bot_id: input.botId } : {}),
      text: input.text,
      ...(input.blocks ? { blocks: input.blocks } : {}),
      ...(input.attachments ? { attachments: input.attachments } : {}),
      ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
      ...(input.files ? { files: input.files } : {}),
      replies: [],
    };
    const parent = input.threadTs ? this.findMessage(input.channel, input.threadTs) : undefined;
    if (parent) {
      message.thread_ts = parent.ts;
      parent.thread_ts = parent.ts;
      parent.replies.push(message);
      parent.reply_count = parent.replies.length;
    } else {
      const list = this.topLevel.get(input.channel) ?? [];
      list.push(message);
      this.topLevel.set(input.channel, list);
    }
    this.byTs.set(`${input.channel}/${message.ts}`, message);
    return message;
  }

  deleteMessage(channel: string, ts: string): boolean {
    const message = this.findMessage(channel, ts);
    if (!message) return false;
    this.byTs.delete(`${channel}/${ts}`);
    const parent =
      message.thread_ts && message.thread_ts !== ts
        ? this.findMessage(channel, message.thread_ts)
        : undefined;
    const siblings = parent ? parent.replies : this.messages(channel);
    siblings.splice(siblings.indexOf(message), 1);
    if (parent) parent.reply_count = parent.replies.length;
    return true;
  }

  issueTrigger(): string {
    const id = newTriggerId(this.now());
    this.triggers.set(id, { issuedAt: this.now(), used: false });
    return id;
  }

  /** Single use, within ttlMs of being issued, as Slack enforces for views.open. */
  consumeTrigger(id: string, ttlMs: number): 'ok' | 'invalid_trigger_id' | 'expired_trigger_id' {
    const trigger = this.triggers.get(id);
    if (!trigger) return 'invalid_trigger_id';
    if (trigger.used || this.now() - trigger.issuedAt > ttlMs) return 'expired_trigger_id';
    trigger.used = true;
    return 'ok';
  }

  issueResponseUrl(target: Omit<ResponseUrlTarget, 'uses' | 'issuedAt'>): string {
    const id = newId('R', 16);
    this.responseUrls.set(id, { ...target, uses: 0, issuedAt: this.now() });
    return id;
  }

  reset(): void {
    for (const list of [
      this.calls,
      this.ephemerals,
      this.files,
      this.responses,
      this.deliveries,
    ] as unknown[][]) {
      list.length = 0;
    }
    for (const map of [
      this.views,
      this.uploads,
      this.responseUrls,
      this.triggers,
      this.topLevel,
      this.byTs,
    ]) {
      map.clear();
    }
    this.changed();
  }
}
