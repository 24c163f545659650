import { type Args, optString, requireString } from '../args';
import { validateMessageBlocks } from '../block-kit';
import type { SimConfig } from '../config';
import { SlackApiError } from '../errors';
import type { Json, SimBlock } from '../types';

const MAX_TEXT = 40_000;

export interface MessageContent {
  text: string;
  blocks?: SimBlock[];
  attachments?: Json[];
}

/** text/blocks/attachments of chat.* and response_url bodies, validated against Slack's limits. */
export function messageContent(args: Args): MessageContent {
  const text = optString(args, 'text');
  if (text !== undefined && text.length > MAX_TEXT) {
    throw new SlackApiError('msg_too_long', [`[ERROR] text must be at most ${MAX_TEXT} characters`]);
  }
  let blocks: SimBlock[] | undefined;
  if (args.blocks !== undefined) {
    if (!Array.isArray(args.blocks)) {
      throw new SlackApiError('invalid_blocks_format', ['[ERROR] blocks must be a JSON array']);
    }
    const problems = validateMessageBlocks(args.blocks);
    if (problems.length) throw new SlackApiError('invalid_blocks', problems);
    blocks = args.blocks as SimBlock[];
  }
  let attachments: Json[] | undefined;
  if (args.attachments !== undefined) {
    if (!Array.isArray(args.attachments)) throw new SlackApiError('invalid_attachments');
    attachments = args.attachments as Json[];
  }
  if (!text && !blocks?.length && !attachments?.length) throw new SlackApiError('no_text');
  return {
    text: text ?? '',
    ...(blocks?.length ? { blocks } : {}),
    ...(attachments?.length ? { attachments } : {}),
  };
}

/** A channel argument that exists ('channel_not_found' otherwise). */
export function requireChannel(args: Args, key: string, config: SimConfig): string {
  const channel = requireString(args, key, 'channel_not_found');
  if (config.channels && !config.channels.has(channel)) throw new SlackApiError('channel_not_found');
  return channel;
}
