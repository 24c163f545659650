import type { Logger } from '@aws-lambda-powertools/logger';
import type { WebClient } from '@slack/web-api';
import { redactText } from '../common/redact';
import type { Screenshot } from '../pipeline/step-handler';
import { ChannelQueue, type ChannelQueueOptions } from './channel-queue';
import { createSlackClient } from './client';
import type { MessageContent } from './render/mrkdwn';
import type { SlackSettings } from './settings';

/** Every string of an outgoing payload passes the secret scrubber: the last guard before Slack. */
function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

/**
 * The only way to write to Slack: redacted, paced, in order (see ChannelQueue). Reads (views.open,
 * usergroups) go to the client directly.
 */
export class SlackOutbox {
  constructor(
    readonly client: WebClient,
    readonly queue: ChannelQueue,
  ) {}

  /**
   * Posts a message (a thread reply with `threadTs`); resolves with its ts. `ahead`: someone waits on it, so it
   * goes before the channel's queued posts (see SendOptions).
   */
  async post(
    channel: string,
    content: MessageContent,
    options: { threadTs?: string; ahead?: boolean } = {},
  ): Promise<string> {
    const safe = redactDeep(content);
    const result = await this.queue.send(
      channel,
      () =>
        this.client.chat.postMessage({
          channel,
          text: safe.text,
          blocks: safe.blocks,
          ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      options.ahead ? { ahead: true } : {},
    );
    return result.ts ?? '';
  }

  /**
   * Rewrites a message, ahead of the channel's queued posts. `render` runs when the call's turn comes, so a
   * queued refresh shows the state of that moment; refreshes of the same message that queue up behind
   * each other become one.
   */
  async update(
    channel: string,
    ts: string,
    render: () => Promise<MessageContent | undefined>,
  ): Promise<void> {
    await this.queue.send(
      channel,
      async () => {
        const content = await render();
        if (!content) return;
        const safe = redactDeep(content);
        await this.client.chat.update({ channel, ts, text: safe.text, blocks: safe.blocks });
      },
      { pacing: 'update', coalesceKey: ts },
    );
  }

  async ephemeral(
    channel: string,
    user: string,
    content: MessageContent,
    options: { threadTs?: string } = {},
  ) {
    const safe = redactDeep(content);
    await this.queue.send(
      channel,
      () =>
        this.client.chat.postEphemeral({
          channel,
          user,
          text: safe.text,
          blocks: safe.blocks,
          ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
        }),
      { pacing: 'unpaced' },
    );
  }

  /** Shares a picture in a thread (getUploadURLExternal → upload → completeUploadExternal) with a comment. */
  async upload(channel: string, threadTs: string, screenshot: Screenshot, comment: string): Promise<void> {
    const title = redactText(screenshot.title);
    await this.queue.send(channel, () =>
      this.client.filesUploadV2({
        channel_id: channel,
        thread_ts: threadTs,
        initial_comment: redactText(comment),
        file: Buffer.from(screenshot.png),
        filename: screenshot.filename,
        title,
        alt_text: title,
      }),
    );
  }
}

/** An outbox of its own (client and queue) for a process that only writes to Slack, such as a worker Lambda. */
export function createSlackOutbox(
  slack: Pick<SlackSettings, 'botToken' | 'apiUrl'>,
  options: ChannelQueueOptions & { logger: Logger },
): SlackOutbox {
  return new SlackOutbox(createSlackClient(slack, options.logger), new ChannelQueue(options));
}
