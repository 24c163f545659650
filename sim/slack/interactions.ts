/** Requests the sim sends to the bot as Slack would: slash commands, block actions, view submissions. */
import { isObject } from './block-kit';
import { channelName, type SimConfig, userName } from './config';
import { SlackApiError } from './errors';
import { messageJson } from './format';
import { newHash } from './ids';
import { messageContent } from './methods/content';
import { newSimView, viewJson } from './methods/views';
import { formEncode, type SignOptions, signRequest } from './signing';
import type { SimState } from './state';
import type { BotResponse, Json, JsonObject, SendResult, SignedRequest, SimBlock, SimView } from './types';

export interface SlashCommandOptions {
  command: string;
  text?: string;
  userId: string;
  channelId: string;
  channelName?: string;
  userName?: string;
  /** Override signing (wrong secret, stale timestamp) for negative tests. */
  sign?: Partial<SignOptions>;
}

export interface BlockActionOptions {
  userId: string;
  channelId: string;
  /** ts of the (bot's) message holding the element, or message_ts of an ephemeral message. */
  messageTs: string;
  actionId: string;
  /** Defaults to the element's value in the message; must match it (forge with sendRaw instead). */
  value?: string;
  blockId?: string;
  sign?: Partial<SignOptions>;
}

/** A plain string fills a text-like input (or picks a select/radio option by value); objects pass through. */
export type ViewStateValue = string | JsonObject;

export interface ViewSubmissionOptions {
  userId: string;
  /** A view opened via views.open (its id or SimView), or an ad-hoc view definition. */
  view: string | SimView | JsonObject;
  /** block_id -> action_id -> value. */
  values?: Record<string, Record<string, ViewStateValue>>;
  sign?: Partial<SignOptions>;
}

const TEXT_INPUTS = new Set(['plain_text_input', 'number_input', 'email_text_input', 'url_text_input']);
const OPTION_INPUTS = new Set(['static_select', 'radio_buttons']);

export class BotLink {
  constructor(
    private readonly state: SimState,
    private readonly config: SimConfig,
    private readonly baseUrl: string,
  ) {}

  sign(body: string, opts: Partial<SignOptions> = {}): SignedRequest {
    return signRequest(body, { secret: opts.secret ?? this.config.signingSecret, timestamp: opts.timestamp });
  }

  sendRaw(request: SignedRequest): Promise<SendResult> {
    return this.send('raw', request);
  }

  async slashCommand(opts: SlashCommandOptions): Promise<SendResult> {
    const { config, state } = this;
    const triggerId = state.issueTrigger();
    const responseUrl = this.responseUrl(
      state.issueResponseUrl({
        kind: 'slash_command',
        channel: opts.channelId,
        user: opts.userId,
        isEphemeral: true,
      }),
    );
    const body = formEncode({
      token: config.verificationToken,
      team_id: config.teamId,
      team_domain: config.teamDomain,
      channel_id: opts.channelId,
      channel_name: opts.channelName ?? channelName(config, opts.channelId),
      user_id: opts.userId,
      user_name: opts.userName ?? userName(config, opts.userId),
      command: opts.command,
      text: opts.text ?? '',
      api_app_id: config.apiAppId,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    });
    return this.send('slash_command', this.sign(body, opts.sign), { triggerId, responseUrl }, (res) =>
      this.applyCommandResponse(opts, res),
    );
  }

  async blockAction(opts: BlockActionOptions): Promise<SendResult> {
    const { config, state } = this;
    const message = state.findMessage(opts.channelId, opts.messageTs);
    const ephemeral = message
      ? undefined
      : state.ephemerals.find((e) => e.channel === opts.channelId && e.message_ts === opts.messageTs);
    if (!message && !ephemeral) {
      throw new Error(`sendBlockAction: no message ${opts.messageTs} in channel ${opts.channelId}`);
    }
    if (ephemeral && ephemeral.user !== opts.userId) {
      throw new Error(`sendBlockAction: ephemeral ${opts.messageTs} is only visible to ${ephemeral.user}`);
    }
    const found = findElement(message?.blocks ?? ephemeral?.blocks ?? [], opts.actionId);
    if (!found) {
      throw new Error(
        `sendBlockAction: no element with action_id '${opts.actionId}' in message ${opts.messageTs}`,
      );
    }
    if (opts.blockId !== undefined && opts.blockId !== found.blockId) {
      throw new Error(
        `sendBlockAction: '${opts.actionId}' is in block '${found.blockId}', not '${opts.blockId}'`,
      );
    }
    const elementValue = typeof found.element.value === 'string' ? found.element.value : undefined;
    if (opts.value !== undefined && elementValue !== undefined && opts.value !== elementValue) {
      throw new Error(
        `sendBlockAction: '${opts.actionId}' carries value '${elementValue}', not '${opts.value}'`,
      );
    }
    const triggerId = state.issueTrigger();
    const responseUrl = this.responseUrl(
      state.issueResponseUrl({
        kind: 'block_actions',
        channel: opts.channelId,
        user: opts.userId,
        messageTs: opts.messageTs,
        isEphemeral: ephemeral !== undefined,
      }),
    );
    const value = opts.value ?? elementValue;
    const action: JsonObject = {
      action_id: opts.actionId,
      block_id: found.blockId,
      ...(found.element.text !== undefined ? { text: found.element.text } : {}),
      ...(value !== undefined ? { value } : {}),
      type: typeof found.element.type === 'string' ? found.element.type : 'button',
      action_ts: state.nextTs(),
    };
    const payload: JsonObject = {
      type: 'block_actions',
      user: this.userJson(opts.userId),
      api_app_id: config.apiAppId,
      token: config.verificationToken,
      container: {
        type: 'message',
        message_ts: opts.messageTs,
        channel_id: opts.channelId,
        is_ephemeral: ephemeral !== undefined,
        ...(message?.thread_ts ? { thread_ts: message.thread_ts } : {}),
      },
      trigger_id: triggerId,
      team: { id: config.teamId, domain: config.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: opts.channelId, name: channelName(config, opts.channelId) },
      // Slack includes the message only for non-ephemeral sources.
      ...(message ? { message: messageJson(message, config) } : {}),
      state: { values: {} },
      response_url: responseUrl,
      actions: [action],
    };
    return this.send(
      'block_actions',
      this.sign(formEncode({ payload: JSON.stringify(payload) }), opts.sign),
      {
        triggerId,
        responseUrl,
      },
    );
  }

  async viewSubmission(opts: ViewSubmissionOptions): Promise<SendResult> {
    const { config, state } = this;
    const simView = this.resolveView(opts.view);
    const registered = state.views.get(simView.id) === simView;
    const values = stateValues(simView, opts.values ?? {});
    const triggerId = state.issueTrigger();
    const payload: JsonObject = {
      type: 'view_submission',
      team: { id: config.teamId, domain: config.teamDomain },
      user: this.userJson(opts.userId),
      api_app_id: config.apiAppId,
      token: config.verificationToken,
      trigger_id: triggerId,
      view: viewJson(simView, config, values),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const body = formEncode({ payload: JSON.stringify(payload) });
    return this.send('view_submission', this.sign(body, opts.sign), { triggerId }, (res) => {
      if (registered) this.applyViewResponse(simView, res);
    });
  }

  private async send(
    kind: string,
    request: SignedRequest,
    extra: Pick<SendResult, 'triggerId' | 'responseUrl'> = {},
    apply?: (res: BotResponse) => void,
  ): Promise<SendResult> {
    const started = performance.now();
    const response = await this.transport(request);
    const elapsedMs = performance.now() - started;
    apply?.(response);
    this.state.deliveries.push({ kind, request, response, at: this.state.now() });
    this.state.changed();
    return { ...response, elapsedMs, request, ...extra };
  }

  private async transport(request: SignedRequest): Promise<BotResponse> {
    if (this.config.deliver) return this.config.deliver(request);
    if (!this.config.botUrl) throw new Error('slack-sim: neither `deliver` nor `botUrl` is configured');
    const res = await fetch(this.config.botUrl, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
    });
    return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: await res.text() };
  }

  /** Slack shows a non-empty slash command answer to the invoking user (or the channel for in_channel). */
  private applyCommandResponse(opts: SlashCommandOptions, res: BotResponse): void {
    if (res.status !== 200 || res.body.trim() === '') return;
    const parsed = parseJsonObject(res.body);
    try {
      const content = messageContent(parsed ?? { text: res.body });
      if (parsed?.response_type === 'in_channel') {
        this.state.addMessage({
          channel: opts.channelId,
          user: this.config.botUserId,
          botId: this.config.botId,
          ...content,
        });
        return;
      }
      this.state.ephemerals.push({
        channel: opts.channelId,
        user: opts.userId,
        message_ts: this.state.nextTs(),
        text: content.text,
        ...(content.blocks ? { blocks: content.blocks } : {}),
        source: 'command_response',
        at: this.state.now(),
      });
    } catch (error) {
      // Slack shows the user an error instead of an invalid answer; nothing becomes visible.
      if (!(error instanceof SlackApiError)) throw error;
    }
  }

  /** Applies the bot's view_submission answer (response_action) to the view's visible state. */
  private applyViewResponse(simView: SimView, res: BotResponse): void {
    if (res.status !== 200) return;
    const answer = res.body.trim() === '' ? {} : (parseJsonObject(res.body) ?? {});
    switch (answer.response_action) {
      case 'errors':
        simView.errors = isObject(answer.errors) ? (answer.errors as Record<string, string>) : {};
        return;
      case 'update':
        if (isObject(answer.view)) {
          simView.view = answer.view as JsonObject;
          simView.callback_id = typeof answer.view.callback_id === 'string' ? answer.view.callback_id : '';
          simView.private_metadata =
            typeof answer.view.private_metadata === 'string' ? answer.view.private_metadata : '';
          simView.hash = newHash(this.state.now());
          delete simView.errors;
        }
        return;
      case 'push':
        if (isObject(answer.view)) {
          const pushed = newSimView(answer.view as JsonObject, '', this.state.now());
          this.state.views.set(pushed.id, pushed);
        }
        return;
      default:
        simView.state = 'closed';
        delete simView.errors;
    }
  }

  private resolveView(view: string | SimView | JsonObject): SimView {
    const id = typeof view === 'string' ? view : typeof view.id === 'string' ? view.id : undefined;
    const known = id === undefined ? undefined : this.state.views.get(id);
    if (known) return known;
    if (typeof view === 'string') throw new Error(`sendViewSubmission: no view ${view} was opened`);
    if (isSimView(view)) throw new Error(`sendViewSubmission: view ${view.id} is not known to this sim`);
    // An ad-hoc definition: submitted without having been opened through views.open.
    return newSimView(view, '', this.state.now());
  }

  private userJson(userId: string): JsonObject {
    const name = userName(this.config, userId);
    return { id: userId, username: name, name, team_id: this.config.teamId };
  }

  private responseUrl(id: string): string {
    return `${this.baseUrl}/response/${id}`;
  }
}

function isSimView(view: SimView | JsonObject): view is SimView {
  return typeof view.trigger_id === 'string' && isObject(view.view);
}

function parseJsonObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

interface FoundElement {
  blockId: string;
  element: Record<string, Json | undefined>;
}

/** Where a user could click: actions elements, section accessories, dispatch-enabled inputs. */
function findElement(blocks: SimBlock[], actionId: string): FoundElement | undefined {
  for (const [index, block] of blocks.entries()) {
    const candidates: unknown[] = [];
    if (block.type === 'actions' && Array.isArray(block.elements)) candidates.push(...block.elements);
    if (block.type === 'section') candidates.push(block.accessory);
    if (block.type === 'input') candidates.push(block.element);
    const element = candidates.find((c) => isObject(c) && c.action_id === actionId);
    if (isObject(element)) {
      // Slack assigns a block_id when the app did not set one.
      return { blockId: block.block_id ?? `sim-block-${index}`, element: element as FoundElement['element'] };
    }
  }
  return undefined;
}

/** view.state.values as Slack builds it: every input block appears, filled from `given`. */
function stateValues(simView: SimView, given: Record<string, Record<string, ViewStateValue>>): JsonObject {
  const values: Record<string, JsonObject> = {};
  const blocks = Array.isArray(simView.view.blocks) ? simView.view.blocks : [];
  const known = new Set<string>();
  for (const block of blocks) {
    if (!isObject(block) || block.type !== 'input' || !isObject(block.element)) continue;
    const blockId = typeof block.block_id === 'string' ? block.block_id : undefined;
    const element = block.element;
    const actionId = typeof element.action_id === 'string' ? element.action_id : undefined;
    const type = String(element.type);
    if (!blockId || !actionId) {
      if (block.optional !== true) {
        throw new Error(
          'sendViewSubmission: a required input block lacks block_id/action_id; tests cannot fill it',
        );
      }
      continue;
    }
    known.add(`${blockId}/${actionId}`);
    const value = given[blockId]?.[actionId];
    if ((value === undefined || value === '') && block.optional !== true) {
      throw new Error(
        `sendViewSubmission: Slack would refuse to submit: required input ${blockId}/${actionId} is empty`,
      );
    }
    values[blockId] = { ...values[blockId], [actionId]: inputValue(type, element, value) };
  }
  for (const [blockId, actions] of Object.entries(given)) {
    for (const [actionId, value] of Object.entries(actions)) {
      if (known.has(`${blockId}/${actionId}`)) continue;
      if (blocks.length > 0) {
        throw new Error(`sendViewSubmission: the view has no input ${blockId}/${actionId}`);
      }
      values[blockId] = { ...values[blockId], [actionId]: inputValue('plain_text_input', {}, value) };
    }
  }
  return values;
}

function inputValue(
  type: string,
  element: Record<string, unknown>,
  value: ViewStateValue | undefined,
): JsonObject {
  if (typeof value === 'object') return { type, ...value };
  if (TEXT_INPUTS.has(type)) return { type, value: value === undefined || value === '' ? null : value };
  if (OPTION_INPUTS.has(type)) {
    if (value === undefined) return { type, selected_option: null };
    const options = Array.isArray(element.options) ? element.options : [];
    const option = options.find((o) => isObject(o) && o.value === value);
    if (!option) throw new Error(`sendViewSubmission: ${type} has no option with value '${value}'`);
    return { type, selected_option: option as JsonObject };
  }
  if (value === undefined) return { type };
  throw new Error(`sendViewSubmission: pass an object value for ${type} inputs`);
}
