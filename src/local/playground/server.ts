/**
 * The playground: a web page standing in for the Slack client, so a person can use the bot offline.
 * It reads the Slack simulator's state (messages, threads, files, ephemerals, modals) and sends the
 * simulator's signed slash commands, block actions and view submissions to the bot on the user's behalf.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  Json,
  JsonObject,
  SendResult,
  SimFile,
  SimMessage,
  SimView,
  SlackSim,
} from '../../../sim/slack';
import { readBody } from '../../bot/local';
import { type LiveAccount, type OutsideActivity, REALISM_KNOBS, type RealismControl } from '../realism';
import { renderPage } from './page';
import { playgroundScript } from './script';
import type {
  AccountsAnswer,
  Block,
  PlaygroundState,
  PlaygroundUser,
  RealismAnswer,
  StateFile,
  StateMessage,
  StateModal,
} from './state';

export { escapeHtml } from './html';
export { playgroundScript, SCRIPT_GLOBAL } from './script';
export type {
  AccountsAnswer,
  ActivityAnswer,
  Block,
  PlaygroundState,
  PlaygroundUser,
  RealismAnswer,
  SideAccount,
  StateEphemeral,
  StateFile,
  StateMessage,
  StateModal,
} from './state';

export interface PlaygroundAccount {
  id: string;
  name: string;
  note: string;
}

export interface PlaygroundOptions {
  sim: SlackSim;
  /** The channel the playground shows. */
  channel: { id: string; name: string };
  /** People one can act as, e.g. requester / approver / outsider. */
  users: PlaygroundUser[];
  /** Demo AWS accounts to try, as a fixed list (no state); `liveAccounts` wins when both are given. */
  accounts?: PlaygroundAccount[];
  /** The demo accounts with their state read now, for the side list (`GET /playground/accounts`). */
  liveAccounts?: () => Promise<LiveAccount[]>;
  /** What the simulated outside world saw: calls, texts, mails (`GET /playground/activity`). */
  activity?: () => OutsideActivity;
  /** The simulators' realism knobs (`GET|POST /playground/realism`). */
  realism?: RealismControl;
  /** Default '/sandbox'. */
  command?: string;
}

export type PlaygroundHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Largest request body accepted (bytes). */
const MAX_BODY_BYTES = 64 * 1024;
/** Beyond this a too-large body is not even read to its end. */
const MAX_DISCARD_BYTES = 8 * 1024 * 1024;
const FILE_PREFIX = '/playground/files/';
const SLASH_COMMAND_ACK_MS = 3000;
/** The side panel shows the latest of each kind; older ones are of no use in a compact list. */
const ACTIVITY_LIMIT = 50;

type Run = (req: IncomingMessage, url: URL) => Promise<Reply>;

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Handles `/` and `/playground/*`; returns false for any other path so the caller can route it elsewhere. */
export function createPlayground(opts: PlaygroundOptions): PlaygroundHandler {
  const { sim, channel } = opts;
  const command = opts.command ?? '/sandbox';
  if (!/^\/[\w-]+$/.test(command)) throw new Error(`playground: invalid slash command '${command}'`);
  if (opts.users.length === 0) throw new Error('playground: at least one user is needed');
  const users = new Map(opts.users.map((u) => [u.id, u]));
  const fixedAccounts = opts.accounts ?? [];
  const { liveAccounts, activity, realism } = opts;
  const panels = {
    accounts: liveAccounts !== undefined || fixedAccounts.length > 0,
    activity: activity !== undefined,
    realism: realism !== undefined,
  };
  // Every open page polls the list; one AWS read at a time serves them all.
  let readingAccounts: Promise<LiveAccount[]> | undefined;
  const readLiveAccounts = (read: () => Promise<LiveAccount[]>) => {
    readingAccounts ??= read().finally(() => {
      readingAccounts = undefined;
    });
    return readingAccounts;
  };
  // Built now rather than on the first page load; a build error is told at start (and again by '/').
  playgroundScript().catch((error: unknown) =>
    console.error('playground: the page script did not build', error),
  );
  // Slack knows who a modal belongs to; the sim does not, so remember which user each trigger was issued for.
  const triggerOwners = new Map<string, string>();
  const pushedViewOwners = new Map<string, string>();
  const dismissedViews = new Set<string>();

  const viewOwner = (view: SimView): string | undefined =>
    pushedViewOwners.get(view.id) ?? (view.trigger_id ? triggerOwners.get(view.trigger_id) : undefined);

  const openModal = (userId: string): SimView | undefined =>
    sim.views
      .filter((v) => v.state === 'open' && !dismissedViews.has(v.id) && viewOwner(v) === userId)
      .at(-1);

  const remember = (result: SendResult, userId: string) => {
    if (result.triggerId) triggerOwners.set(result.triggerId, userId);
  };

  const userFrom = (body: Record<string, unknown>): PlaygroundUser => {
    const id = requireString(body, 'user');
    const user = users.get(id);
    if (!user) throw new BadRequest(`unknown user '${id}'`);
    return user;
  };

  const channelFiles = (): SimFile[] => sim.files.filter((f) => f.channel === channel.id);

  const names = (): Record<string, string> => {
    const result: Record<string, string> = {};
    for (const u of sim.config.users.values()) result[u.id] = u.displayName || u.realName || u.name;
    for (const u of users.values()) result[u.id] = u.name;
    result[sim.config.botUserId] ??= 'sandbox-teardown';
    result[channel.id] = channel.name;
    return result;
  };

  const stateFor = (user: PlaygroundUser): PlaygroundState => {
    const nameOf = names();
    const toMessage = (m: SimMessage, withReplies: boolean): StateMessage => ({
      ts: m.ts,
      user: m.user,
      userName: nameOf[m.user] ?? m.user,
      bot: Boolean(m.bot_id) || m.user === sim.config.botUserId,
      text: m.text,
      blocks: m.blocks ?? [],
      files: (m.files ?? []).map(fileState),
      edited: m.edited !== undefined,
      replies: withReplies ? m.replies.map((r) => toMessage(r, false)) : [],
    });
    const view = openModal(user.id);
    const body: Omit<PlaygroundState, 'version'> = {
      command,
      channel,
      user,
      names: nameOf,
      messages: sim.messages(channel.id).map((m) => toMessage(m, true)),
      ephemerals: sim.ephemerals(channel.id, user.id).map((e) => ({
        ts: e.message_ts,
        ...(e.thread_ts ? { threadTs: e.thread_ts } : {}),
        text: e.text,
        blocks: e.blocks ?? [],
        source: e.source,
      })),
      modal: view ? modalState(view) : null,
    };
    const version = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
    return { version, ...body };
  };

  const routes: Record<string, { GET?: Run; POST?: Run }> = {
    '/': {
      GET: async () => {
        const nonce = randomBytes(16).toString('base64');
        const script = await playgroundScript();
        return {
          status: 200,
          headers: { 'Content-Security-Policy': pageCsp(nonce), 'Content-Type': 'text/html; charset=utf-8' },
          body: renderPage({ nonce, command, channel, users: [...users.values()], panels, script }),
        };
      },
    },
    '/playground/favicon.svg': {
      GET: async () => ({
        status: 200,
        headers: { 'Content-Type': 'image/svg+xml', 'Content-Security-Policy': "default-src 'none'" },
        body: FAVICON,
      }),
    },
    '/playground/state': {
      GET: async (_req, url) => {
        const id = url.searchParams.get('user');
        if (!id) throw new BadRequest("query parameter 'user' is required");
        const user = users.get(id);
        if (!user) throw new BadRequest(`unknown user '${id}'`);
        return json(200, stateFor(user));
      },
    },
    '/playground/accounts': {
      GET: async () => {
        if (!liveAccounts) {
          return json(200, { accounts: fixedAccounts, live: false } satisfies AccountsAnswer);
        }
        let accounts: LiveAccount[];
        try {
          accounts = await readLiveAccounts(liveAccounts);
        } catch (error) {
          console.error('playground: could not read the demo accounts', error);
          throw new BadRequest(`could not read the demo accounts: ${errorText(error)}`, 502);
        }
        const answer: AccountsAnswer = {
          accounts: accounts.map(({ id, name, note, state, deletable }) => ({
            id,
            name,
            note,
            state,
            deletable,
          })),
          live: true,
        };
        return json(200, answer);
      },
    },
    '/playground/activity': {
      GET: async () => {
        if (!activity) throw new BadRequest('this playground is not told what the outside world saw', 404);
        const seen = activity();
        return json(200, {
          calls: newestFirst(seen.calls),
          texts: newestFirst(seen.texts),
          mails: newestFirst(seen.mails),
        } satisfies OutsideActivity);
      },
    },
    '/playground/realism': {
      GET: async () => json(200, realismAnswer(requireRealism(realism).get())),
      POST: async (req) => {
        const control = requireRealism(realism);
        const changes = await readJsonObject(req);
        try {
          return json(200, realismAnswer(control.set(changes)));
        } catch (error) {
          // The control checks every change before it applies any: a bad one leaves all knobs as they were.
          if (error instanceof RangeError) throw new BadRequest(error.message);
          throw error;
        }
      },
    },
    '/playground/command': {
      POST: async (req) => {
        const body = await readJsonObject(req);
        const user = userFrom(body);
        const text = commandText(requireString(body, 'text', { allowEmpty: true, max: 4000 }), command);
        const result = await deliver(() =>
          sim.sendSlashCommand({
            command,
            text,
            userId: user.id,
            userName: user.name,
            channelId: channel.id,
          }),
        );
        remember(result, user.id);
        // The sim itself shows a non-empty ack to the user as a 'command_response' ephemeral.
        return json(200, {
          ...botAnswer(result),
          ...(result.elapsedMs > SLASH_COMMAND_ACK_MS
            ? {
                warning: `the bot took ${Math.round(result.elapsedMs)} ms to acknowledge; Slack gives up after 3 s`,
              }
            : {}),
        });
      },
    },
    '/playground/action': {
      POST: async (req) => {
        const body = await readJsonObject(req);
        const user = userFrom(body);
        const messageTs = requireString(body, 'messageTs', { max: 64 });
        const actionId = requireString(body, 'actionId', { max: 255 });
        const value = optionalString(body, 'value', 2000);
        const blockId = optionalString(body, 'blockId', 255);
        const ephemeral = sim.ephemerals(channel.id).find((e) => e.message_ts === messageTs);
        if (!sim.message(channel.id, messageTs) && (!ephemeral || ephemeral.user !== user.id)) {
          throw new BadRequest(`no message ${messageTs} visible to ${user.id} in ${channel.name}`);
        }
        const result = await deliver(() =>
          sim.sendBlockAction({
            userId: user.id,
            channelId: channel.id,
            messageTs,
            actionId,
            ...(value !== undefined ? { value } : {}),
            ...(blockId !== undefined ? { blockId } : {}),
          }),
        );
        remember(result, user.id);
        return json(200, botAnswer(result));
      },
    },
    '/playground/view': {
      POST: async (req) => {
        const body = await readJsonObject(req);
        const user = userFrom(body);
        const viewId = requireString(body, 'viewId', { max: 64 });
        const values = viewValues(body.values);
        const view = openModal(user.id);
        if (!view || view.id !== viewId) throw new BadRequest(`no open modal ${viewId} for ${user.id}`);
        const before = new Set(sim.views.map((v) => v.id));
        const result = await deliver(() => sim.sendViewSubmission({ userId: user.id, view: viewId, values }));
        remember(result, user.id);
        // A `response_action: 'push'` answer opens a view without a trigger: it belongs to this user.
        for (const v of sim.views)
          if (!before.has(v.id) && !v.trigger_id) pushedViewOwners.set(v.id, user.id);
        const answer = parseObject(result.body);
        return json(200, {
          ...botAnswer(result),
          responseAction: typeof answer?.response_action === 'string' ? answer.response_action : null,
          errors: sim.view(viewId)?.errors ?? {},
          closed: sim.view(viewId)?.state === 'closed',
        });
      },
    },
    '/playground/close': {
      POST: async (req) => {
        const body = await readJsonObject(req);
        const user = userFrom(body);
        const viewId = requireString(body, 'viewId', { max: 64 });
        const view = sim.view(viewId);
        if (!view || viewOwner(view) !== user.id) throw new BadRequest(`no modal ${viewId} for ${user.id}`);
        // Slack sends view_closed only when asked (notify_on_close); the sim cannot send it yet.
        dismissedViews.add(viewId);
        return json(200, { ok: true });
      },
    },
  };

  const serveFile = (path: string): Reply => {
    const id = decodeURIComponent(path.slice(FILE_PREFIX.length));
    const file = channelFiles().find((f) => f.id === id);
    if (!file) return json(404, { error: `no file ${id} in ${channel.name}` });
    const type = contentType(file);
    return {
      status: 200,
      headers: {
        'Content-Type': type.mimetype,
        'Content-Disposition': contentDisposition(
          type.isImage || type.isText ? 'inline' : 'attachment',
          file,
        ),
        'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        'Cache-Control': 'private, max-age=3600',
      },
      body: file.bytes,
    };
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://playground.invalid');
    const path = url.pathname;
    if (path !== '/' && !path.startsWith('/playground/')) return false;
    let reply: Reply;
    try {
      checkOrigin(req, path !== '/');
      const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
      if (route) {
        const run =
          req.method === 'POST'
            ? route.POST
            : req.method === 'GET' || req.method === 'HEAD'
              ? route.GET
              : undefined;
        if (run) {
          reply = await run(req, url);
        } else {
          const allowed = Object.keys(route).join(', ');
          reply = json(405, {
            error: `${req.method} not allowed on ${path}; use ${allowed.replace(', ', ' or ')}`,
          });
          reply.headers.Allow = allowed;
        }
      } else if (path.startsWith(FILE_PREFIX) && path.length > FILE_PREFIX.length) {
        reply =
          req.method === 'GET' || req.method === 'HEAD' ? serveFile(path) : json(405, { error: 'use GET' });
      } else {
        reply = json(404, { error: `no playground route ${path}` });
      }
    } catch (error) {
      if (error instanceof BadRequest) {
        reply = json(error.status, { error: error.message });
      } else {
        console.error('playground: request failed', error);
        reply = json(500, { error: error instanceof Error ? error.message : String(error) });
      }
    }
    send(req, res, reply);
    return true;
  };
}

function requireRealism(realism: RealismControl | undefined): RealismControl {
  if (!realism) throw new BadRequest('this playground has no realism knobs', 404);
  return realism;
}

function realismAnswer(values: RealismAnswer['values']): RealismAnswer {
  return { values, knobs: REALISM_KNOBS };
}

function newestFirst<T extends { at: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => b.at - a.at).slice(0, ACTIVITY_LIMIT);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

function json(status: number, value: unknown): Reply {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  };
}

function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  res.writeHead(reply.status, {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    ...reply.headers,
    'Content-Length': String(body.length),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Inline script and style of this response only (by nonce), images and fetches from the page's own origin. */
function pageCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

/**
 * The playground acts as any user without credentials, so it answers only pages served from a loopback
 * host (no DNS rebinding) and refuses requests other sites' pages send (no cross-site requests).
 */
function checkOrigin(req: IncomingMessage, sameSiteOnly: boolean): void {
  const host = req.headers.host ?? '';
  if (!LOOPBACK_HOSTS.test(host)) {
    throw new BadRequest(`the playground answers on loopback host names only, not '${host}'`, 403);
  }
  // The page itself may be opened from a link anywhere; what it fetches and posts may not.
  if (!sameSiteOnly) return;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new BadRequest(`cross-site request refused (Sec-Fetch-Site: ${site})`, 403);
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) {
    throw new BadRequest(`request from origin '${origin}' refused`, 403);
  }
}

async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, MAX_BODY_BYTES, MAX_DISCARD_BYTES);
  if (body === undefined) throw new BadRequest(`request body is larger than ${MAX_BODY_BYTES} bytes`);
  const text = body.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BadRequest(`request body is not valid JSON: ${error instanceof Error ? error.message : error}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequest('request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function requireString(
  body: Record<string, unknown>,
  field: string,
  opts: { allowEmpty?: boolean; max?: number } = {},
): string {
  const value = body[field];
  if (value === undefined || value === null) throw new BadRequest(`missing field '${field}'`);
  if (typeof value !== 'string') throw new BadRequest(`field '${field}' must be a string`);
  if (!opts.allowEmpty && value === '') throw new BadRequest(`field '${field}' must not be empty`);
  if (value.length > (opts.max ?? 255)) throw new BadRequest(`field '${field}' is too long`);
  return value;
}

function optionalString(body: Record<string, unknown>, field: string, max: number): string | undefined {
  if (body[field] === undefined || body[field] === null) return undefined;
  return requireString(body, field, { allowEmpty: true, max });
}

/** The composer's text with or without the leading command; another command is refused. */
function commandText(text: string, command: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('/')) return trimmed;
  const [word = ''] = trimmed.split(/\s/, 1);
  if (word !== command) throw new BadRequest(`unknown command '${word}': this playground sends ${command}`);
  return trimmed.slice(word.length).trim();
}

/** block_id -> action_id -> string value, as the page collects them from the modal's inputs. */
function viewValues(raw: unknown): Record<string, Record<string, string>> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new BadRequest("field 'values' must be an object");
  const values: Record<string, Record<string, string>> = {};
  for (const [blockId, actions] of Object.entries(raw)) {
    if (typeof actions !== 'object' || actions === null || Array.isArray(actions)) {
      throw new BadRequest(`values.${blockId} must be an object of action_id -> value`);
    }
    for (const [actionId, value] of Object.entries(actions)) {
      if (typeof value !== 'string') throw new BadRequest(`values.${blockId}.${actionId} must be a string`);
      values[blockId] = { ...values[blockId], [actionId]: value };
    }
  }
  return values;
}

/** Runs a sim send; the sim's own refusals (no such message, empty required input...) are bad input. */
async function deliver(sendIt: () => Promise<SendResult>): Promise<SendResult> {
  try {
    return await sendIt();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/^send(SlashCommand|BlockAction|ViewSubmission):/.test(message)) throw new BadRequest(message);
    console.error('playground: the bot could not be reached', error);
    throw new BadRequest(`the bot could not be reached: ${message}`, 502);
  }
}

function botAnswer(result: SendResult) {
  return {
    ok: result.status === 200,
    status: result.status,
    body: result.body,
    elapsedMs: Math.round(result.elapsedMs),
  };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function plainText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'text' in value && typeof value.text === 'string') {
    return value.text;
  }
  return undefined;
}

function isBlock(value: Json): value is JsonObject & Block {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function modalState(view: SimView): StateModal {
  return {
    viewId: view.id,
    hash: view.hash,
    callbackId: view.callback_id,
    title: plainText(view.view.title) ?? '',
    submit: plainText(view.view.submit) ?? null,
    close: plainText(view.view.close) ?? 'Cancel',
    blocks: Array.isArray(view.view.blocks) ? view.view.blocks.filter(isBlock) : [],
    errors: view.errors ?? {},
  };
}

function fileState(file: SimFile): StateFile {
  const type = contentType(file);
  return {
    id: file.id,
    name: file.filename,
    title: file.title,
    url: `${FILE_PREFIX}${encodeURIComponent(file.id)}`,
    mimetype: type.mimetype,
    isImage: type.isImage,
    size: file.length,
    ...(file.altText ? { altText: file.altText } : {}),
  };
}

const TEXT_EXTENSIONS = /\.(txt|log|md|csv|json|ya?ml|xml|html?|ts|js|sh|py)$/i;

/**
 * Images by their bytes, never by name (a 'page.png' full of HTML stays a download); text as text/plain;
 * the rest as a download.
 */
export function contentType(file: Pick<SimFile, 'bytes' | 'filename' | 'snippetType'>): {
  mimetype: string;
  isImage: boolean;
  isText: boolean;
} {
  const b = file.bytes;
  const starts = (...sig: number[]) => sig.every((byte, i) => b[i] === byte);
  const image = (mimetype: string) => ({ mimetype, isImage: true, isText: false });
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return image('image/png');
  if (starts(0xff, 0xd8, 0xff)) return image('image/jpeg');
  if (
    b
      .subarray(0, 6)
      .toString('latin1')
      .match(/^GIF8[79]a$/)
  )
    return image('image/gif');
  if (b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') {
    return image('image/webp');
  }
  if ((file.snippetType || TEXT_EXTENSIONS.test(file.filename)) && !b.includes(0)) {
    return { mimetype: 'text/plain; charset=utf-8', isImage: false, isText: true };
  }
  return { mimetype: 'application/octet-stream', isImage: false, isText: false };
}

function contentDisposition(kind: 'inline' | 'attachment', file: SimFile): string {
  const ascii = file.filename.replace(/[^\w.-]/g, '_') || 'file';
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`;
}

const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" ' +
  'fill="#4a154b"/><path d="M9 11h14l-1.5 14h-11zM7 8h18v2H7zm6-2h6v2h-6z" fill="#fff"/></svg>';
