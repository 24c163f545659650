import type { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../common/config';
import { noStepMetrics, type StepMetrics } from '../common/metrics';
import { type PhoneLine, parsePhoneLines } from '../common/phone-lines';
import type { StepName, Worker } from '../pipeline/catalogue';
import { closeQuota } from '../pipeline/close-quota';
import { combineNotifiers, loggingNotifier } from '../pipeline/notifiers';
import type { DataPorts } from '../pipeline/ports/data-ports';
import type { Dispatcher } from '../pipeline/ports/dispatcher';
import type { Notifier } from '../pipeline/ports/notifier';
import type { Timers } from '../pipeline/ports/timers';
import { Runner } from '../pipeline/runner';
import type { StepHandler } from '../pipeline/step-handler';
import { ChannelQueue } from '../slack/channel-queue';
import { createSlackClient } from '../slack/client';
import { SlackNotifier } from '../slack/notifier';
import { SlackOutbox } from '../slack/outbox';
import type { SlackSettings } from '../slack/settings';
import { Authorizer } from './authorize';
import type { BotPorts } from './ports';

export interface BotRuntimeDeps {
  config: Config;
  slack: Pick<SlackSettings, 'botToken' | 'apiUrl'>;
  /** Built once by the entry point's composition root and shared with everything else it wires. */
  ports: DataPorts;
  dispatcher: Dispatcher;
  timers: Timers;
  logger: Logger;
  /** PHONE_LINES as parsed; by default read from this process's environment. */
  phoneLines?: readonly PhoneLine[];
  metrics?: StepMetrics;
  /**
   * Shows transitions in Slack; by default here, paced. The bot Lambda hands them to the pipeline function
   * instead, so its answers to Slack never wait for pacing.
   */
  notifier?: Notifier;
  /** Told of every transition besides the notifier (the local stack's clean-up of teardowns that end early). */
  notifiers?: readonly Notifier[];
  /**
   * Steps this process runs itself. The bot Lambda runs none (it decides on signals by the catalogue's rules);
   * the local stack and tests run the pipeline in the same process and pass its handlers.
   */
  handlers?: Partial<Record<StepName, StepHandler>>;
  /** The steps each worker can run, when the process differs from this code base's (tests with stand-ins). */
  capabilities?: Record<Worker, readonly StepName[]>;
  workerId?: string;
  clock?: () => number;
  /** Minimum time between two messages in one channel (default 1 s). */
  paceMs?: number;
  /** How long user group members are cached (default 60 s). */
  groupCacheMs?: number;
}

export interface BotRuntime extends BotPorts {
  notifier: Notifier;
  queue: ChannelQueue;
}

/** Runner, Slack outbox, notifier and authorizer over the given ports, wired alike in Lambda, locally and in tests. */
export function createBotRuntime(deps: BotRuntimeDeps): BotRuntime {
  const clock = deps.clock ?? Date.now;
  const { ports } = deps;
  const client = createSlackClient(deps.slack, deps.logger);
  const queue = new ChannelQueue({ paceMs: deps.paceMs, logger: deps.logger });
  const outbox = new SlackOutbox(client, queue);
  const quota = () => closeQuota(ports.ledger, ports.orgs, clock());
  const notifier = combineNotifiers(
    loggingNotifier(deps.logger),
    deps.notifier ??
      new SlackNotifier({
        outbox,
        store: ports.teardowns,
        quota,
        clock,
        logger: deps.logger,
        // With the pipeline in this process every notice goes through this one queue: queued is in order.
        ordered: deps.handlers ? 'when-queued' : 'when-sent',
      }),
    ...(deps.notifiers ?? []),
  );
  // (The pipeline Lambda builds the same notifier with createSlackNotifier.)
  const runner = new Runner({
    teardowns: ports.teardowns,
    orgs: ports.orgs,
    config: deps.config,
    dispatcher: deps.dispatcher,
    timers: deps.timers,
    notifier,
    logger: deps.logger,
    metrics: deps.metrics ?? noStepMetrics,
    workerId: deps.workerId ?? `bot-${Math.random().toString(36).slice(2, 10)}`,
    clock,
    ...(deps.handlers ? { handlers: deps.handlers } : {}),
    ...(deps.capabilities ? { capabilities: deps.capabilities } : {}),
  });
  const authorizer = new Authorizer(
    deps.config,
    async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? [],
    { clock, ttlMs: deps.groupCacheMs },
  );
  const phoneLines = deps.phoneLines ?? parsePhoneLines(process.env.PHONE_LINES);
  const personalPhoneLines = new Map(
    phoneLines.flatMap((line) => (line.person ? [[line.number, line.person] as const] : [])),
  );
  return {
    config: deps.config,
    runner,
    teardowns: ports.teardowns,
    idempotency: ports.idempotency,
    captchaChallenges: ports.captchaChallenges,
    phoneLines: ports.phoneLines,
    personalPhoneLines,
    outbox,
    queue,
    notifier,
    authorizer,
    quota,
    logger: deps.logger,
    clock,
    botToken: deps.slack.botToken,
  };
}
