import { handleApiCall } from './api';
import { resolveConfig, type SimConfig } from './config';
import {
  type BlockActionOptions,
  BotLink,
  type SlashCommandOptions,
  type ViewSubmissionOptions,
} from './interactions';
import { handleUpload, type MethodContext } from './methods';
import { SlidingWindowLimiter } from './rate-limit';
import { handleResponseUrl } from './response-url';
import { type HttpReply, type HttpServer, type ParsedRequest, startHttpServer } from './server';
import type { SignOptions } from './signing';
import { type Delivery, SimState } from './state';
import type {
  RecordedCall,
  ResponseUrlPost,
  SendResult,
  SignedRequest,
  SimEphemeral,
  SimFile,
  SimMessage,
  SimView,
  SlackSimOptions,
} from './types';

export interface WaitForOptions {
  /** Default 5000 ms. */
  timeoutMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

/** Falsy results mean "not yet"; a truthy result resolves waitFor with it. */
export type SimPredicate<T> = (sim: SlackSim) => T | undefined | null | false;

/** A running Slack test double. Create with startSlackSim(). */
export class SlackSim {
  /** Base for WebClient's `slackApiUrl`, e.g. 'http://127.0.0.1:43210/api/'. */
  readonly apiUrl: string;
  readonly baseUrl: string;
  readonly config: Readonly<SimConfig>;
  private readonly state: SimState;
  private readonly bot: BotLink;
  private readonly closers = new Set<(error: Error) => void>();
  private closing: Promise<void> | undefined;

  /** @internal use startSlackSim() */
  constructor(
    private readonly server: HttpServer,
    config: SimConfig,
    state: SimState,
  ) {
    this.config = config;
    this.state = state;
    this.baseUrl = server.baseUrl;
    this.apiUrl = `${server.baseUrl}/api/`;
    this.bot = new BotLink(state, config, server.baseUrl);
  }

  get botToken(): string {
    return this.config.botToken;
  }

  /** Every Web API call, in arrival order (including failed and rate-limited ones). */
  get calls(): readonly RecordedCall[] {
    return this.state.calls;
  }

  callsTo(method: string): RecordedCall[] {
    return this.state.calls.filter((c) => c.method === method);
  }

  /** Top-level messages of a channel in posting order, with their current content and `replies`. */
  messages(channel: string): readonly SimMessage[] {
    return this.state.messages(channel);
  }

  /** A top-level message or thread reply by ts. */
  message(channel: string, ts: string): SimMessage | undefined {
    return this.state.findMessage(channel, ts);
  }

  /** Replies in the thread under `ts` (the parent itself is `message(channel, ts)`). */
  thread(channel: string, ts: string): readonly SimMessage[] {
    return this.state.findMessage(channel, ts)?.replies ?? [];
  }

  ephemerals(channel?: string, user?: string): SimEphemeral[] {
    return this.state.ephemerals.filter(
      (e) => (channel === undefined || e.channel === channel) && (user === undefined || e.user === user),
    );
  }

  /** Views opened via views.open (or pushed by a view_submission answer), oldest first. */
  get views(): SimView[] {
    return [...this.state.views.values()];
  }

  view(id: string): SimView | undefined {
    return this.state.views.get(id);
  }

  /** Files completed via files.completeUploadExternal. */
  get files(): readonly SimFile[] {
    return this.state.files;
  }

  /** Posts the bot made to response_urls. */
  get responses(): readonly ResponseUrlPost[] {
    return this.state.responses;
  }

  /** Requests sent to the bot and its answers. */
  get deliveries(): readonly Delivery[] {
    return this.state.deliveries;
  }

  /**
   * Resolves with the predicate's first truthy result, re-checking after every change to the sim
   * (API call, upload, response_url post, delivery). A throwing predicate counts as "not yet".
   */
  waitFor<T>(predicate: SimPredicate<T>, opts: WaitForOptions = {}): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    return new Promise<T>((resolve, reject) => {
      let lastError: unknown;
      let settled = false;
      const settle = (action: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unsubscribe();
        this.closers.delete(onClose);
        action();
      };
      const check = () => {
        try {
          const result = predicate(this);
          if (result) settle(() => resolve(result));
        } catch (error) {
          lastError = error;
        }
      };
      const onClose = (error: Error) => settle(() => reject(error));
      const unsubscribe = this.state.onChange(check);
      const timer = setTimeout(
        () =>
          settle(() =>
            reject(
              new Error(this.timeoutMessage(opts.description ?? predicate.toString(), timeoutMs, lastError)),
            ),
          ),
        timeoutMs,
      );
      this.closers.add(onClose);
      check();
    });
  }

  sendSlashCommand(opts: SlashCommandOptions): Promise<SendResult> {
    return this.bot.slashCommand(opts);
  }

  sendBlockAction(opts: BlockActionOptions): Promise<SendResult> {
    return this.bot.blockAction(opts);
  }

  sendViewSubmission(opts: ViewSubmissionOptions): Promise<SendResult> {
    return this.bot.viewSubmission(opts);
  }

  /** Sends a request as-is (e.g. from signRequest with a forged secret or stale timestamp). */
  sendRaw(request: SignedRequest): Promise<SendResult> {
    return this.bot.sendRaw(request);
  }

  /** Signs a raw body with the sim's secret unless overridden. */
  signRequest(body: string, opts: Partial<SignOptions> = {}): SignedRequest {
    return this.bot.sign(body, opts);
  }

  /** Registers a fresh trigger_id, as a user interaction would, for calling views.open directly. */
  issueTriggerId(): string {
    return this.state.issueTrigger();
  }

  /** Forgets all recorded calls and workspace state (users, usergroups and options stay). */
  reset(): void {
    this.state.reset();
  }

  /** Stops the server and rejects pending waitFor calls; safe to call twice. */
  close(): Promise<void> {
    for (const close of [...this.closers]) close(new Error('slack-sim closed while waiting'));
    this.closing ??= this.server.close();
    return this.closing;
  }

  private timeoutMessage(what: string, timeoutMs: number, lastError: unknown): string {
    const recent = this.state.calls
      .slice(-10)
      .map((c) => `${c.method} ${c.ok ? 'ok' : c.error}`)
      .join(', ');
    return [
      `slack-sim waitFor timed out after ${timeoutMs} ms: ${what.slice(0, 300)}`,
      lastError === undefined
        ? ''
        : `last predicate error: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
      `${this.state.calls.length} API calls so far${recent ? `, last: ${recent}` : ''}`,
    ]
      .filter(Boolean)
      .join('\n');
  }
}

export async function startSlackSim(opts: SlackSimOptions = {}): Promise<SlackSim> {
  const config = resolveConfig(opts);
  const state = new SimState(config.now);
  const limiter = config.rateLimit
    ? new SlidingWindowLimiter(config.rateLimit.perChannelPerSecond, 1000, config.now)
    : undefined;
  // The route needs the server's URL (upload/response URLs point back at it), known only once listening.
  let ctx: MethodContext | undefined;
  const server = await startHttpServer(opts.port ?? 0, async (req) => {
    if (!ctx) return { status: 503, text: 'starting' };
    return route(req, ctx, limiter);
  });
  ctx = { state, config, baseUrl: server.baseUrl };
  return new SlackSim(server, config, state);
}

async function route(
  req: ParsedRequest,
  ctx: MethodContext,
  limiter?: SlidingWindowLimiter,
): Promise<HttpReply> {
  const [, prefix, id, ...rest] = req.path.split('/');
  if (!id || rest.length > 0) return { status: 404, text: 'not found' };
  switch (prefix) {
    case 'api':
      return handleApiCall(id, req, ctx, limiter);
    case 'upload':
      if (req.method !== 'POST') return { status: 405, text: 'method not allowed' };
      return handleUpload(id, req, ctx.state);
    case 'response':
      if (req.method !== 'POST') return { status: 405, text: 'method not allowed' };
      return handleResponseUrl(id, req, ctx.state, ctx.config);
    default:
      return { status: 404, text: 'not found' };
  }
}
