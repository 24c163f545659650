/** Public data shapes of the Slack simulator: options, recorded calls and the visible workspace state. */

export interface SimUser {
  id: string;
  name: string;
  realName?: string;
  displayName?: string;
  isBot?: boolean;
  tz?: string;
}

export interface SimChannel {
  id: string;
  name: string;
}

/** A request exactly as Slack would send it to the bot: raw form-encoded body plus signature headers. */
export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

/** What the bot answered (e.g. a Lambda result mapped to HTTP terms). */
export interface BotResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What `send*` resolve with: the bot's answer plus what was sent, for assertions. */
export interface SendResult extends BotResponse {
  elapsedMs: number;
  request: SignedRequest;
  triggerId?: string;
  responseUrl?: string;
}

export interface SlackSimOptions {
  /** Accepted bot token (default 'xoxb-sim-token'). */
  botToken?: string;
  /** Secret used to sign requests sent to the bot (default 'sim-signing-secret'). */
  signingSecret?: string;
  /** 0 / undefined = random free loopback port. */
  port?: number;
  users?: SimUser[];
  /** When given, only these channels exist; otherwise any non-empty channel id is accepted. */
  channels?: SimChannel[];
  /** Usergroup id -> member user ids. */
  usergroups?: Record<string, string[]>;
  teamId?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  apiAppId?: string;
  /** How requests reach the bot (e.g. invoke a Lambda handler in-process). */
  deliver?: (req: SignedRequest) => Promise<BotResponse>;
  /** Alternative to `deliver`: POST requests to this URL. */
  botUrl?: string;
  /** When set, chat.postMessage/chat.update beyond this answer HTTP 429 with Retry-After. */
  rateLimit?: { perChannelPerSecond: number };
  /** Clock in ms for trigger expiry, rate limiting and timestamps; injectable so tests need no sleeps. */
  now?: () => number;
  /** Lifetime of trigger ids in ms (Slack: 3000). */
  triggerTtlMs?: number;
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A Block Kit block as received (validated, otherwise untyped beyond its `type`). */
export interface SimBlock {
  type: string;
  block_id?: string;
  [key: string]: Json | undefined;
}

export interface RecordedCall {
  method: string;
  /** Arguments with JSON-encoded fields (blocks, view, files, ...) parsed; the token is left out. */
  args: Record<string, unknown>;
  ok: boolean;
  error?: string;
  /** HTTP status answered (200, or 429 when rate limited). */
  status: number;
  response: JsonObject;
  at: number;
}

export interface SimFile {
  id: string;
  filename: string;
  title: string;
  length: number;
  bytes: Buffer;
  altText?: string;
  snippetType?: string;
  /** Set once shared via files.completeUploadExternal with a channel_id. */
  channel?: string;
  thread_ts?: string;
  initialComment?: string;
  /** ts of the message that shared the file. */
  messageTs?: string;
  completedAt: number;
}

export interface SimMessage {
  type: 'message';
  channel: string;
  ts: string;
  user: string;
  bot_id?: string;
  text: string;
  blocks?: SimBlock[];
  attachments?: Json[];
  metadata?: Json;
  /** Replies: the parent's ts. Parents: their own ts once they have replies (as Slack does). */
  thread_ts?: string;
  reply_count?: number;
  replies: SimMessage[];
  files?: SimFile[];
  edited?: { user: string; ts: string };
}

export type EphemeralSource = 'chat.postEphemeral' | 'response_url' | 'command_response';

export interface SimEphemeral {
  channel: string;
  user: string;
  message_ts: string;
  thread_ts?: string;
  text: string;
  blocks?: SimBlock[];
  source: EphemeralSource;
  at: number;
}

export interface SimView {
  id: string;
  trigger_id: string;
  /** The view as the bot sent it (parsed). */
  view: JsonObject;
  callback_id: string;
  private_metadata: string;
  hash: string;
  /** 'closed' after a submission the bot acknowledged without errors. */
  state: 'open' | 'closed';
  /** Field errors from the last `response_action: 'errors'` answer. */
  errors?: Record<string, string>;
  openedAt: number;
}

export interface ResponseUrlPost {
  id: string;
  body: JsonObject;
  status: number;
  outcome: 'ephemeral' | 'in_channel' | 'replaced' | 'deleted' | 'rejected';
  at: number;
}
