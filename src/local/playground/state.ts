/**
 * What the playground server hands the page: the boot data inlined in the page and the state it polls
 * (`GET /playground/state`). The server builds these and the browser script reads them, so both sides are
 * checked against one description. Slack content in them is raw: the page escapes whatever it renders.
 */
import type { LiveAccount, OutsideActivity, Realism, RealismKnob } from '../realism';

export type { LiveAccount, OutsideActivity, Realism, RealismKnob };

export interface PlaygroundUser {
  id: string;
  name: string;
  role: string;
}

export interface PlaygroundChannel {
  id: string;
  name: string;
}

/** Inlined in the page as JSON (`<script type="application/json" id="boot">`). */
export interface PageBoot {
  command: string;
  channel: PlaygroundChannel;
  users: PlaygroundUser[];
  /** Which side panels the server feeds; a page without them (older boot data) shows none. */
  panels?: { accounts: boolean; activity: boolean; realism: boolean };
}

/**
 * An account in the side list. A fixed list (no `state`) cannot say whether a request would be accepted;
 * a live one (read from AWS on each request) can.
 */
export interface SideAccount {
  id: string;
  name: string;
  note: string;
  state?: string;
  deletable?: boolean;
}

/** `GET /playground/accounts`. */
export interface AccountsAnswer {
  accounts: SideAccount[];
  /** Whether `state` and `deletable` were read just now. */
  live: boolean;
}

/** `GET|POST /playground/realism`. */
export interface RealismAnswer {
  values: Realism;
  knobs: readonly RealismKnob[];
}

/** `GET /playground/activity`: what the simulated outside world saw, each list newest first. */
export type ActivityAnswer = OutsideActivity;

/**
 * A Block Kit block as the bot sent it. Only `type` says what else it carries and nothing in it is
 * guaranteed, so the page reads every other field as possibly missing or of another shape.
 */
export interface Block {
  type?: string;
  block_id?: string;
  [field: string]: unknown;
}

/** A file as the page shows it; `url` serves the bytes. */
export interface StateFile {
  id: string;
  name: string;
  title: string;
  url: string;
  mimetype: string;
  isImage: boolean;
  size: number;
  altText?: string;
}

export interface StateMessage {
  ts: string;
  user: string;
  userName: string;
  bot: boolean;
  text: string;
  blocks: Block[];
  files: StateFile[];
  edited: boolean;
  /** Thread replies, oldest first (always empty on replies themselves). */
  replies: StateMessage[];
}

export interface StateEphemeral {
  ts: string;
  threadTs?: string;
  text: string;
  blocks: Block[];
  /** How it reached the user: 'chat.postEphemeral', 'response_url' or 'command_response'. */
  source: string;
}

export interface StateModal {
  viewId: string;
  /** Changes when the bot replaces the view (response_action 'update'). */
  hash: string;
  callbackId: string;
  title: string;
  submit: string | null;
  close: string;
  blocks: Block[];
  /** block_id -> message, from the bot's last `response_action: 'errors'`. */
  errors: Record<string, string>;
}

export interface PlaygroundState {
  /** Changes whenever anything below changes, so the page re-renders only then. */
  version: string;
  command: string;
  channel: PlaygroundChannel;
  user: PlaygroundUser;
  /** User, bot and channel ids -> display names, for mentions. */
  names: Record<string, string>;
  /** Top-level messages, newest last, with their thread replies. */
  messages: StateMessage[];
  /** Ephemerals only this user sees, oldest first. */
  ephemerals: StateEphemeral[];
  /** The user's open modal (the top of the stack), if any. */
  modal: StateModal | null;
}
