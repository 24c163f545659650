import type { Logger } from '@aws-lambda-powertools/logger';
import type { CaptchaPrompter } from '../console/ports';
import type { SlackOutbox } from './outbox';
import { escapeMrkdwn } from './render/mrkdwn';
import { captchaAnswered, challengeExpired, challengePrompt } from './render/prompts';

export interface SlackCaptchaPrompterDeps {
  outbox: SlackOutbox;
  clock?: () => number;
  logger: Logger;
}

type AskRequest = Parameters<CaptchaPrompter['ask']>[0];
type FinishedRequest = Parameters<CaptchaPrompter['finished']>[0];

/** Where a challenge's prompt went, so that `finished` can rewrite it. */
interface PostedPrompt {
  channel: string;
  ts: string;
}

/**
 * Asks the people in a teardown's thread to read a CAPTCHA the solver service could not: the picture, then a
 * prompt whose Solve button names the challenge (the bot puts the answer into the CaptchaChallenges store).
 * Every call returns once its messages are in Slack, as the browser Lambda may return right after. Slack
 * failures are logged, never thrown: the browser worker waits out the challenge's deadline either way.
 */
export class SlackCaptchaPrompter implements CaptchaPrompter {
  private readonly clock: () => number;
  /** By challenge id; `ask` and `finished` run in the one browser invocation that holds the page. */
  private readonly prompts = new Map<string, Promise<PostedPrompt | undefined>>();

  constructor(private readonly deps: SlackCaptchaPrompterDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  async ask(request: AskRequest): Promise<void> {
    const posting = this.post(request);
    this.prompts.set(request.challengeId, posting);
    await posting;
  }

  async finished(request: FinishedRequest): Promise<void> {
    const { challengeId, outcome, by } = request;
    const prompt = await this.prompts.get(challengeId);
    this.prompts.delete(challengeId);
    if (!prompt) return;
    const content = outcome === 'answered' ? captchaAnswered(by, this.clock()) : challengeExpired();
    try {
      await this.deps.outbox.update(prompt.channel, prompt.ts, async () => content);
    } catch (error) {
      this.deps.logger.warn('could not close a CAPTCHA prompt', { challengeId, outcome, error });
    }
  }

  private async post(request: AskRequest): Promise<PostedPrompt | undefined> {
    const { accountId, teardownId, challengeId, slack } = request;
    const thread = slack?.threadTs ?? slack?.requestTs;
    if (!slack?.channel || !thread) {
      this.deps.logger.info('no Slack thread to ask for a CAPTCHA answer', {
        accountId,
        teardownId,
        challengeId,
      });
      return undefined;
    }
    const { outbox } = this.deps;
    try {
      // The prompt says "the picture above": without the picture it would ask for the impossible.
      await outbox.upload(
        slack.channel,
        thread,
        { filename: 'captcha.png', title: 'CAPTCHA', png: request.png },
        `:jigsaw: CAPTCHA at ${escapeMrkdwn(request.stepTitle)}`,
      );
      const ts = await outbox.post(
        slack.channel,
        challengePrompt(
          { accountId, teardownId, challengeId },
          { stepTitle: request.stepTitle, until: request.until },
        ),
        { threadTs: thread },
      );
      return ts ? { channel: slack.channel, ts } : undefined;
    } catch (error) {
      this.deps.logger.warn('could not ask for a CAPTCHA answer in Slack', {
        accountId,
        teardownId,
        challengeId,
        error,
      });
      return undefined;
    }
  }
}
