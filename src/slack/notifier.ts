import type { Logger } from '@aws-lambda-powertools/logger';
import { STEPS } from '../pipeline/catalogue';
import type { CloseQuota } from '../pipeline/close-quota';
import type { Teardown } from '../pipeline/model';
import type { Notifier, TeardownNotice } from '../pipeline/ports/notifier';
import type { TeardownStore } from '../pipeline/ports/teardown-store';
import { SIGNAL } from '../pipeline/signals';
import type { ChannelQueueOptions } from './channel-queue';
import { createSlackOutbox, type SlackOutbox } from './outbox';
import { captchaPrompt, humanPrompt } from './render/prompts';
import { isAwaitingApproval, requestMessage, stepPosition } from './render/request';
import {
  endedReply,
  refusedEphemeral,
  resumedReply,
  stepReply,
  strategySwitchedReply,
  wentBackReply,
} from './render/thread';
import type { SlackSettings } from './settings';

export interface SlackNotifierDeps {
  outbox: SlackOutbox;
  /** To render the request message from the latest record when its turn to be sent comes. */
  store: Pick<TeardownStore, 'get'>;
  /** Shown on the request message while it waits for an approver. */
  quota?: () => Promise<CloseQuota>;
  /**
   * When `notify` may return: once the notice's thread posts are sent (default; the next step may run in another
   * process with a queue of its own), or once they are queued (every notifier that posts for these teardowns
   * shares this one's queue: the local stack).
   */
  ordered?: 'when-sent' | 'when-queued';
  clock?: () => number;
  logger: Logger;
}

/**
 * Shows a teardown in Slack (the Notifier port of the core). The request message is the thread root and the
 * live status; each finished step gets a reply, with its screenshot when it has one; CAPTCHA and unknown-page
 * waits get a prompt with buttons. Teardowns without a request message in Slack are not shown.
 */
export class SlackNotifier implements Notifier {
  private readonly clock: () => number;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly deps: SlackNotifierDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  /** Resolves once every message of every notice so far has been sent (a Lambda awaits this before it returns). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async notify(notice: TeardownNotice): Promise<void> {
    const { teardown, event } = notice;
    const slack = teardown.slack;
    if (!slack?.channel) return;
    // Thread posts (replies, pictures, prompts, private answers) and rewrites of the status message apart: a notice
    // is in order once its posts are, while the status may follow.
    const sends: Array<Promise<unknown>> = [];
    const updates: Array<Promise<unknown>> = [];
    const { outbox } = this.deps;
    const thread = slack.threadTs ?? slack.requestTs;
    const reply = (text: string) => {
      if (thread)
        sends.push(outbox.post(slack.channel, { text, blocks: [] }, { threadTs: thread }).then(() => {}));
    };
    // Every message the notifier queues is queued now, in order, then awaited together.
    switch (event.action) {
      case 'claimed':
      case 'reclaimed':
        // API steps finish within moments; "running" is worth showing for browser steps and after a lost worker.
        if (event.action === 'reclaimed' || STEPS[teardown.step].worker === 'browser')
          this.refresh(teardown, updates);
        break;
      case 'step-succeeded': {
        const text = stepReply(teardown, event, notice.previous?.stepStartedAt);
        if (notice.screenshot && thread) {
          sends.push(outbox.upload(slack.channel, thread, notice.screenshot, text));
        } else {
          reply(text);
        }
        this.refresh(teardown, updates);
        if (teardown.status !== 'active') reply(endedReply(teardown, this.clock()));
        break;
      }
      case 'waiting':
        this.refresh(teardown, updates);
        // A wait for a person: the picture they need (if any), then the prompt with its buttons.
        if (
          thread &&
          (teardown.wait?.signal === SIGNAL.captchaAnswer || teardown.wait?.signal === SIGNAL.human)
        ) {
          const captcha = teardown.wait.signal === SIGNAL.captchaAnswer;
          if (notice.screenshot) {
            const { n, m } = stepPosition(teardown);
            const caption = captcha
              ? `:jigsaw: CAPTCHA at step ${n} of ${m}`
              : `:frame_with_picture: The page at step ${n} of ${m}`;
            sends.push(outbox.upload(slack.channel, thread, notice.screenshot, caption));
          }
          sends.push(
            outbox.post(slack.channel, captcha ? captchaPrompt(teardown) : humanPrompt(teardown), {
              threadTs: thread,
            }),
          );
        }
        break;
      case 'rerun':
        // A wait that a signal ended (a mailed code, a person's Retry) is worth a line; a step's own rerun is not.
        if (notice.previous?.stepStatus === 'waiting') reply(resumedReply(teardown, event));
        this.refresh(teardown, updates);
        break;
      case 'retry-scheduled':
        this.refresh(teardown, updates);
        break;
      case 'went-back':
        reply(wentBackReply(teardown, event));
        this.refresh(teardown, updates);
        break;
      case 'strategy-switched':
        reply(strategySwitchedReply(teardown, event));
        this.refresh(teardown, updates);
        break;
      case 'ended':
        this.refresh(teardown, updates);
        reply(endedReply(teardown, this.clock()));
        if (teardown.status === 'refused') {
          sends.push(
            outbox.ephemeral(slack.channel, teardown.requester, {
              text: refusedEphemeral(teardown),
              blocks: [],
            }),
          );
        }
        break;
      default:
        // 'requested': the bot has just posted the request message itself.
        break;
    }
    const all = Promise.allSettled([...sends, ...updates]).then((results) => {
      for (const failure of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        this.deps.logger.warn('slack update failed', {
          accountId: teardown.accountId,
          action: event.action,
          error: failure.reason,
        });
      }
    });
    this.pending.add(all);
    void all.finally(() => this.pending.delete(all));
    // Once queued, the notice's posts are in order with every later notice that goes through the same queue; other
    // processes' notices are only behind them once they have been sent.
    if (this.deps.ordered !== 'when-queued') await Promise.allSettled(sends);
  }

  /** Re-renders the request message (status, decision, buttons) from the latest record when its turn comes. */
  private refresh(teardown: Teardown, sends: Array<Promise<unknown>>): void {
    const slack = teardown.slack;
    const ts = slack?.statusTs ?? slack?.requestTs;
    if (!slack || !ts) return;
    sends.push(
      this.deps.outbox.update(slack.channel, ts, async () => {
        const latest = await this.deps.store.get(teardown.accountId).catch(() => undefined);
        // A newer teardown of the same account has its own message; older versions never overwrite newer ones.
        const current =
          latest && latest.teardownId === teardown.teardownId && latest.version >= teardown.version
            ? latest
            : teardown;
        const quota =
          isAwaitingApproval(current) && current.strategy === 'close' ? await this.quota() : undefined;
        return requestMessage(current, { now: this.clock(), ...(quota ? { quota } : {}) });
      }),
    );
  }

  private async quota(): Promise<CloseQuota | undefined> {
    try {
      return await this.deps.quota?.();
    } catch (error) {
      this.deps.logger.warn('close quota not available', { error });
      return undefined;
    }
  }
}

/** Where the notifier writes: an outbox it shares (the bot's), or the Slack settings to open one of its own. */
export type SlackNotifierPorts = Omit<SlackNotifierDeps, 'outbox'> &
  (
    | { outbox: SlackOutbox }
    | { slack: Pick<SlackSettings, 'botToken' | 'apiUrl'>; pacing?: Omit<ChannelQueueOptions, 'logger'> }
  );

/**
 * The Slack notifier for any process, from its ports: the pipeline and browser workers pass their Slack settings
 * and get an outbox of their own. Each notify call returns once its messages are in Slack, so a Lambda that
 * returns after its step has lost nothing.
 */
export function createSlackNotifier(ports: SlackNotifierPorts): SlackNotifier {
  const { store, quota, clock, logger } = ports;
  const outbox =
    'outbox' in ports ? ports.outbox : createSlackOutbox(ports.slack, { ...ports.pacing, logger });
  return new SlackNotifier({ outbox, store, quota, clock, logger });
}
