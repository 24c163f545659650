import { optString, requireString } from '../args';
import { SlackApiError } from '../errors';
import { messageJson } from '../format';
import type { Json } from '../types';
import { messageContent, requireChannel } from './content';
import type { MethodHandler } from './context';

export const postMessage: MethodHandler = (args, { state, config }) => {
  const channel = requireChannel(args, 'channel', config);
  const content = messageContent(args);
  const threadTs = optString(args, 'thread_ts') || undefined;
  if (threadTs) {
    const parent = state.findMessage(channel, threadTs);
    // Replies can only hang off a top-level message.
    if (!parent || (parent.thread_ts !== undefined && parent.thread_ts !== parent.ts)) {
      throw new SlackApiError('thread_not_found');
    }
  }
  const message = state.addMessage({
    channel,
    user: config.botUserId,
    botId: config.botId,
    ...content,
    ...(args.metadata !== undefined ? { metadata: args.metadata as Json } : {}),
    threadTs,
  });
  return { channel, ts: message.ts, message: messageJson(message, config) };
};

export const update: MethodHandler = (args, { state, config }) => {
  const channel = requireChannel(args, 'channel', config);
  const ts = requireString(args, 'ts', 'message_not_found');
  const message = state.findMessage(channel, ts);
  if (!message) throw new SlackApiError('message_not_found');
  if (message.user !== config.botUserId) throw new SlackApiError('cant_update_message');
  const content = messageContent(args);
  message.text = content.text;
  // The update replaces the content, so fields not sent are gone afterwards.
  if (content.blocks) message.blocks = content.blocks;
  else delete message.blocks;
  if (content.attachments) message.attachments = content.attachments;
  else delete message.attachments;
  message.edited = { user: config.botUserId, ts: state.nextTs() };
  return { channel, ts, text: message.text, message: messageJson(message, config) };
};

export const postEphemeral: MethodHandler = (args, { state, config }) => {
  const channel = requireChannel(args, 'channel', config);
  const user = requireString(args, 'user', 'user_not_found');
  const content = messageContent(args);
  const threadTs = optString(args, 'thread_ts') || undefined;
  const messageTs = state.nextTs();
  state.ephemerals.push({
    channel,
    user,
    message_ts: messageTs,
    ...(threadTs ? { thread_ts: threadTs } : {}),
    text: content.text,
    ...(content.blocks ? { blocks: content.blocks } : {}),
    source: 'chat.postEphemeral',
    at: state.now(),
  });
  return { message_ts: messageTs };
};
