import type { Logger } from '@aws-lambda-powertools/logger';
import type { AccountId } from '../common/account-id';
import type { PhonePrompter } from '../console/ports';
import type { SlackOutbox } from './outbox';
import { lastDigits, phoneExpired, phonePrompt, phoneVerified } from './render/prompts';

export interface SlackPhonePrompterDeps {
  outbox: SlackOutbox;
  clock?: () => number;
  logger: Logger;
}

type AskRequest = Parameters<PhonePrompter['ask']>[0];
type FinishedRequest = Parameters<PhonePrompter['finished']>[0];

/** Where a verification's prompt went, so that `finished` can rewrite it. */
interface PostedPrompt {
  channel: string;
  ts: string;
  accountId: AccountId;
}

/** One prompt per teardown and line: a teardown verifies on one line at a time. */
const promptKey = (teardownId: string, line: string) => `${teardownId}\n${line}`;

/**
 * Asks the person whose own phone is the leased line to take AWS's verification, in the teardown's thread: the
 * prompt names them and says what happens, and its button (Show PIN or Enter code) names the teardown and the
 * line, never a secret; the bot reads the PIN from, and writes the code to, the line's lease. Every call returns
 * once its message is in Slack. Slack failures are logged, never thrown: the browser step waits out its own
 * deadline either way.
 */
export class SlackPhonePrompter implements PhonePrompter {
  private readonly clock: () => number;
  /** `ask` and `finished` run in the one browser invocation that holds the page. */
  private readonly prompts = new Map<string, Promise<PostedPrompt | undefined>>();

  constructor(private readonly deps: SlackPhonePrompterDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  async ask(request: AskRequest): Promise<void> {
    const posting = this.post(request);
    this.prompts.set(promptKey(request.teardownId, request.line), posting);
    await posting;
  }

  async finished(request: FinishedRequest): Promise<void> {
    const { teardownId, line, outcome } = request;
    const key = promptKey(teardownId, line);
    const prompt = await this.prompts.get(key);
    this.prompts.delete(key);
    if (!prompt) return;
    const ref = { accountId: prompt.accountId, line };
    const content = outcome === 'verified' ? phoneVerified(ref, this.clock()) : phoneExpired(ref);
    try {
      await this.deps.outbox.update(prompt.channel, prompt.ts, async () => content);
    } catch (error) {
      this.deps.logger.warn('could not close a phone verification prompt', {
        accountId: prompt.accountId,
        teardownId,
        outcome,
        error,
      });
    }
  }

  private async post(request: AskRequest): Promise<PostedPrompt | undefined> {
    const { accountId, teardownId, line, slack } = request;
    // The person's own number stays out of the logs; its last digits tell an operator which phone it was.
    const where = { accountId, teardownId, direction: request.direction, phone: lastDigits(line) };
    const thread = slack?.threadTs ?? slack?.requestTs;
    if (!slack?.channel || !thread) {
      this.deps.logger.info('no Slack thread to ask a person to take the phone verification', where);
      return undefined;
    }
    try {
      const ts = await this.deps.outbox.post(
        slack.channel,
        phonePrompt(
          { accountId, teardownId, line },
          {
            person: request.person,
            direction: request.direction,
            stepTitle: request.stepTitle,
            until: request.until,
          },
        ),
        { threadTs: thread },
      );
      return ts ? { channel: slack.channel, ts, accountId } : undefined;
    } catch (error) {
      this.deps.logger.warn('could not ask a person to take the phone verification in Slack', {
        ...where,
        error,
      });
      return undefined;
    }
  }
}
