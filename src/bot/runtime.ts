import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { Config } from '../common/config';
import { noStepMetrics, type StepMetrics } from '../common/metrics';
import type { StepName } from '../pipeline/catalogue';
import { closeQuota } from '../pipeline/close-quota';
import { combineNotifiers, createRunner, loggingNotifier } from '../pipeline/core';
import { DynamoTeardownStore } from '../pipeline/dynamo-store';
import { OrganizationsGateway } from '../pipeline/organizations';
import type { Dispatcher } from '../pipeline/ports/dispatcher';
import type { Notifier } from '../pipeline/ports/notifier';
import type { Timers } from '../pipeline/ports/timers';
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
  dynamodb: DynamoDBClient;
  organizations: OrganizationsClient;
  dispatcher: Dispatcher;
  timers: Timers;
  logger: Logger;
  metrics?: StepMetrics;
  /**
   * Shows transitions in Slack; by default here, paced. The bot Lambda hands them to the pipeline function
   * instead, so its answers to Slack never wait for pacing.
   */
  notifier?: Notifier;
  /** Step handlers (their onSignal decides approvals, CAPTCHA answers, "done"); the pipeline's by default. */
  handlers?: Partial<Record<StepName, StepHandler>>;
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

/** Runner, store, Slack outbox, notifier and authorizer, wired the same way in Lambda, locally and in tests. */
export function createBotRuntime(deps: BotRuntimeDeps): BotRuntime {
  const clock = deps.clock ?? Date.now;
  const client = createSlackClient(deps.slack, deps.logger);
  const queue = new ChannelQueue({ paceMs: deps.paceMs, logger: deps.logger });
  const outbox = new SlackOutbox(client, queue);
  const store = new DynamoTeardownStore(deps.dynamodb, deps.config.tableName);
  const orgs = new OrganizationsGateway(deps.organizations);
  const quota = () => closeQuota(store, orgs, clock());
  const notifier = combineNotifiers(
    loggingNotifier(deps.logger),
    deps.notifier ?? new SlackNotifier({ outbox, store, quota, clock, logger: deps.logger }),
  );
  // (The pipeline Lambda builds the same notifier with createSlackNotifier.)
  const runner = createRunner({
    config: deps.config,
    dynamodb: deps.dynamodb,
    organizations: deps.organizations,
    dispatcher: deps.dispatcher,
    timers: deps.timers,
    notifier,
    logger: deps.logger,
    metrics: deps.metrics ?? noStepMetrics,
    workerId: deps.workerId ?? `bot-${Math.random().toString(36).slice(2, 10)}`,
    clock,
    ...(deps.handlers ? { handlers: deps.handlers } : {}),
  });
  const authorizer = new Authorizer(
    deps.config,
    async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? [],
    { clock, ttlMs: deps.groupCacheMs },
  );
  return {
    config: deps.config,
    runner,
    store,
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
