import type { SimConfig } from './config';
import type { Json, JsonObject, SimFile, SimMessage } from './types';

/** A file as Slack's APIs and message payloads describe it (bytes stay in the sim). */
export function fileJson(file: SimFile): JsonObject {
  return {
    id: file.id,
    name: file.filename,
    title: file.title,
    size: file.length,
    ...(file.channel ? { channels: [file.channel] } : {}),
  };
}

/** A message as Slack returns it in API answers and interaction payloads. */
export function messageJson(message: SimMessage, config: SimConfig): JsonObject {
  const json: JsonObject = {
    type: 'message',
    user: message.user,
    text: message.text,
    ts: message.ts,
    team: config.teamId,
  };
  if (message.bot_id) {
    json.bot_id = message.bot_id;
    json.app_id = config.apiAppId;
  }
  if (message.blocks) json.blocks = message.blocks as Json[];
  if (message.attachments) json.attachments = message.attachments;
  if (message.metadata !== undefined) json.metadata = message.metadata;
  if (message.thread_ts) json.thread_ts = message.thread_ts;
  if (message.reply_count !== undefined) json.reply_count = message.reply_count;
  if (message.files) json.files = message.files.map(fileJson);
  if (message.edited) json.edited = message.edited;
  return json;
}
