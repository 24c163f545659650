import { optString } from './args';
import { isObject } from './block-kit';
import type { SimConfig } from './config';
import { SlackApiError } from './errors';
import { messageContent } from './methods/content';
import type { HttpReply, ParsedRequest } from './server';
import type { SimState } from './state';
import type { JsonObject, ResponseUrlPost } from './types';

/** Slack lets a response_url be used 5 times within 30 minutes. */
const MAX_USES = 5;
const LIFETIME_MS = 30 * 60 * 1000;

/** POST /response/<id>: applies response_type / replace_original / delete_original like Slack. */
export function handleResponseUrl(
  id: string,
  req: ParsedRequest,
  state: SimState,
  config: SimConfig,
): HttpReply {
  const target = state.responseUrls.get(id);
  if (!target || state.now() - target.issuedAt > LIFETIME_MS) return { status: 404, text: 'expired_url' };
  if (target.uses >= MAX_USES) return { status: 404, text: 'used_url' };

  const body =
    req.body.kind === 'json' && isObject(req.body.value) ? (req.body.value as JsonObject) : undefined;
  const record = (status: number, outcome: ResponseUrlPost['outcome'], text: string): HttpReply => {
    state.responses.push({ id, body: body ?? {}, status, outcome, at: state.now() });
    state.changed();
    return status === 200 ? { status, json: { ok: true } } : { status, text };
  };
  if (!body) return record(400, 'rejected', 'invalid_payload');
  target.uses++;

  const original = target.messageTs;
  try {
    if (body.delete_original === true || body.delete_original === 'true') {
      if (!original || !deleteOriginal(state, target.channel, original, target.isEphemeral)) {
        return record(404, 'rejected', 'message_not_found');
      }
      return record(200, 'deleted', 'ok');
    }
    const content = messageContent(body);
    if (body.replace_original === true || body.replace_original === 'true') {
      const message = original
        ? target.isEphemeral
          ? state.ephemerals.find((e) => e.channel === target.channel && e.message_ts === original)
          : state.findMessage(target.channel, original)
        : undefined;
      if (!message) return record(404, 'rejected', 'message_not_found');
      message.text = content.text;
      if (content.blocks) message.blocks = content.blocks;
      else delete message.blocks;
      return record(200, 'replaced', 'ok');
    }
    const threadTs = optString(body, 'thread_ts') || undefined;
    if (body.response_type === 'in_channel') {
      state.addMessage({
        channel: target.channel,
        user: config.botUserId,
        botId: config.botId,
        ...content,
        threadTs: threadTs && state.findMessage(target.channel, threadTs) ? threadTs : undefined,
      });
      return record(200, 'in_channel', 'ok');
    }
    state.ephemerals.push({
      channel: target.channel,
      user: target.user,
      message_ts: state.nextTs(),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      text: content.text,
      ...(content.blocks ? { blocks: content.blocks } : {}),
      source: 'response_url',
      at: state.now(),
    });
    return record(200, 'ephemeral', 'ok');
  } catch (error) {
    if (error instanceof SlackApiError) return record(400, 'rejected', error.code);
    throw error;
  }
}

function deleteOriginal(state: SimState, channel: string, ts: string, isEphemeral: boolean): boolean {
  if (!isEphemeral) return state.deleteMessage(channel, ts);
  const index = state.ephemerals.findIndex((e) => e.channel === channel && e.message_ts === ts);
  if (index < 0) return false;
  state.ephemerals.splice(index, 1);
  return true;
}
