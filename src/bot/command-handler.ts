import type { SlashCommand } from '@slack/bolt';
import type { AccountId } from '../common/account-id';
import { TeardownError, TeardownExistsError } from '../common/errors';
import { STEPS, type StepName } from '../pipeline/catalogue';
import type { AccountSummary, Teardown } from '../pipeline/model';
import type { RequestResult } from '../pipeline/runner';
import { context, type MessageContent, section } from '../slack/render/mrkdwn';
import { requestMessage } from '../slack/render/request';
import {
  cancelConfirmAnswer,
  dryRunAnswer,
  errorAnswer,
  errorText,
  helpAnswer,
  listAnswer,
  requestedAnswer,
  statusAnswer,
  threadLink,
} from './answers';
import { type Command, parseCommand } from './commands';
import type { BotPorts } from './ports';

// Slack may deliver a command twice (retries); the trigger id tells the copies apart from a second command.
const COMMAND_DEDUP_MS = 60 * 60_000;
const LIST_LIMIT = 20;

/** An ephemeral answer (the default response_type of a slash command answer). */
export type CommandAnswer = MessageContent & { response_type: 'ephemeral' };

const ephemeral = (content: MessageContent): CommandAnswer => ({ ...content, response_type: 'ephemeral' });

function slackErrorCode(error: unknown): string | undefined {
  return (error as { data?: { error?: string } })?.data?.error;
}

/**
 * Answers one `/sandbox` command within Slack's 3 s: everything here is a few store and Organizations reads,
 * at most one message post, one conditional write and one asynchronous dispatch.
 */
export async function answerCommand(ports: BotPorts, body: SlashCommand): Promise<CommandAnswer | undefined> {
  const parsed = parseCommand(body.text ?? '');
  if (!parsed.ok) return ephemeral(errorAnswer(parsed.error));
  try {
    return await run(ports, body, parsed.command);
  } catch (error) {
    if (!(error instanceof TeardownError)) {
      ports.logger.error('command failed', { command: parsed.command.kind, error });
    }
    return ephemeral(errorAnswer(errorText(error)));
  }
}

async function run(
  ports: BotPorts,
  body: SlashCommand,
  command: Command,
): Promise<CommandAnswer | undefined> {
  const { runner, authorizer, clock } = ports;
  const user = body.user_id;
  switch (command.kind) {
    case 'help': {
      const missing = runner.unavailableSteps('remove');
      return ephemeral(
        helpAnswer(missing.length > 0 ? `:construction: ${cannotRun('remove', missing)}` : undefined),
      );
    }
    case 'list': {
      await authorizer.assertMember(user);
      const page = await ports.teardowns.list('active', { limit: LIST_LIMIT });
      return ephemeral(listAnswer(page.items, clock(), page.cursor !== undefined));
    }
    case 'status': {
      await authorizer.assertMember(user);
      const teardown = await runner.get(command.accountId);
      if (!teardown) return ephemeral(errorAnswer(`There is no teardown of \`${command.accountId}\`.`));
      return ephemeral(statusAnswer(teardown, clock(), linkTo(teardown, body.team_domain)));
    }
    case 'cancel': {
      const teardown = await runner.get(command.accountId);
      if (teardown?.status !== 'active') {
        return ephemeral(
          errorAnswer(`There is no teardown of \`${command.accountId}\` in progress to cancel.`),
        );
      }
      await authorizer.assertCanCancel(user, teardown);
      return ephemeral(cancelConfirmAnswer(teardown));
    }
    case 'delete':
      return deleteCommand(ports, body, command);
  }
}

async function deleteCommand(
  ports: BotPorts,
  body: SlashCommand,
  command: Extract<Command, { kind: 'delete' }>,
): Promise<CommandAnswer | undefined> {
  const { runner, authorizer, clock, config } = ports;
  const user = body.user_id;
  await authorizer.assertRequester(user);
  const strategy = command.remove ? 'remove' : config.defaultStrategy;

  // Refused up front rather than failing after someone approved it.
  const missing = runner.unavailableSteps(strategy);
  if (command.dryRun) {
    const [summary, quota] = await Promise.all([
      runner.preflight(command.accountId),
      strategy === 'close' ? ports.quota().catch(() => undefined) : undefined,
    ]);
    const answer = dryRunAnswer({
      summary,
      strategy,
      ...(quota ? { quota } : {}),
      ...(command.reason ? { reason: command.reason } : {}),
      now: clock(),
    });
    if (missing.length === 0) return ephemeral(answer);
    // A dry run says what the real request would do: here, be refused.
    const refusal = `:no_entry: *A real request would be refused.* ${cannotRun(strategy, missing)}`;
    return ephemeral({
      text: `${refusal}\n${answer.text}`,
      blocks: [section(refusal), ...answer.blocks],
    });
  }
  if (missing.length > 0) {
    return ephemeral(errorAnswer(`${cannotRun(strategy, missing)} Nothing was requested.`));
  }

  // The reads and the duplicate check go out together: the 3 s include cold start.
  const [first, existing, summary] = await Promise.all([
    ports.idempotency.claimOnce(`slack-command#${body.trigger_id}`, COMMAND_DEDUP_MS),
    runner.get(command.accountId),
    runner.preflight(command.accountId).catch((error: unknown) => error as Error),
  ]);
  // The first copy of this very command answers; a retry changes nothing and says nothing.
  if (!first) return undefined;
  // Refusals (running already, management account, wrong OU, protected, unknown) create nothing.
  if (existing?.status === 'active') throw new TeardownExistsError(existing.accountId, existing.step);
  if (summary instanceof Error) throw summary;

  const channel = body.channel_id;
  const now = clock();
  let requestTs: string;
  try {
    // The command's answer waits for this post (Slack's 3 s): it goes before the channel's queued thread replies.
    requestTs = await ports.outbox.post(
      channel,
      requestMessage(draft(command, summary, user, strategy, now), { now }),
      { ahead: true },
    );
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'not_in_channel' || code === 'channel_not_found') {
      return ephemeral(
        errorAnswer(
          'I cannot post in this channel: invite me first (`/invite @sandbox-teardown`), then ask again.',
        ),
      );
    }
    throw error;
  }

  let requested: RequestResult;
  try {
    requested = await runner.request({
      accountId: command.accountId,
      requester: user,
      strategy,
      ...(command.reason ? { reason: command.reason } : {}),
      slack: { channel, requestTs, threadTs: requestTs, statusTs: requestTs },
    });
  } catch (error) {
    // A write that timed out may still have been applied: this very request message is then the teardown's.
    const saved = await runner.get(command.accountId).catch(() => undefined);
    if (saved?.status === 'active' && saved.slack?.requestTs === requestTs) {
      ports.logger.warn('the new teardown was saved although saving it reported an error', { error });
      requested = { teardown: saved, handedOff: false };
    } else {
      // Lost a race with another request, or the store failed: the message just posted must not look pending.
      const note = `:no_entry: Not started: ${errorText(error)}`;
      await ports.outbox
        .update(channel, requestTs, async () => ({ text: note, blocks: [] }))
        .catch((e: unknown) => ports.logger.warn('could not mark the request message', { error: e }));
      throw error;
    }
  }
  const { teardown, handedOff } = requested;
  const answer = requestedAnswer(teardown, linkTo(teardown, body.team_domain));
  if (handedOff) return ephemeral(answer);
  // Saved, so it will run: the sweeper starts it when the hand-off failed. Say so instead of failing.
  const late =
    ':hourglass: Preflight starts within a few minutes (the pipeline could not be reached at once).';
  return ephemeral({
    text: `${answer.text}\n${late}`,
    blocks: [...answer.blocks, context(late)],
  });
}

/** Why a strategy cannot run here, in the words people read: step titles, not ids. */
function cannotRun(strategy: Teardown['strategy'], missing: readonly StepName[]): string {
  const titles = missing.map((step) => `_${STEPS[step].title}_`).join(', ');
  return `The \`${strategy}\` strategy cannot run in this deployment yet: nothing here can ${titles.toLowerCase()}.`;
}

/** The request as it will be recorded, for the message posted before the record exists. */
function draft(
  command: { accountId: AccountId; reason?: string },
  summary: AccountSummary,
  requester: string,
  strategy: Teardown['strategy'],
  now: number,
): Teardown {
  return {
    accountId: command.accountId,
    teardownId: '',
    status: 'active',
    strategy,
    requester,
    ...(command.reason ? { reason: command.reason } : {}),
    step: 'preflight',
    stepStatus: 'pending',
    stepStartedAt: now,
    attempt: 0,
    failures: 0,
    version: 0,
    createdAt: now,
    updatedAt: now,
    summary,
    data: {},
  };
}

function linkTo(teardown: Teardown, teamDomain: string | undefined): string | undefined {
  const ts = teardown.slack?.threadTs ?? teardown.slack?.requestTs;
  return teardown.slack && ts ? threadLink(teamDomain, teardown.slack.channel, ts) : undefined;
}
