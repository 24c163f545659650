import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { type Config, loadConfig, loadLambdaWiring } from '../common/config';
import { createStepMetrics } from '../common/emf-metrics';
import { createLogger } from '../common/logger';
import { startTracing, traced } from '../common/tracing';
import { createSlackNotifier, type SlackNotifier } from '../slack/notifier';
import { createSlackOutbox, type SlackOutbox } from '../slack/outbox';
import { secretsManagerReader } from '../slack/secrets';
import { loadPostingSettings } from '../slack/settings';
import { awsDataPorts } from './adapters/aws-ports';
import { lambdaHandOff } from './adapters/lambda-hand-off';
import type { StepName, Worker } from './catalogue';
import type { CloseQuota } from './close-quota';
import { combineNotifiers, loggingNotifier } from './notifiers';
import type { DataPorts } from './ports/data-ports';
import type { Notifier } from './ports/notifier';
import { Runner } from './runner';
import type { StepHandler } from './step-handler';

/** What a Lambda that moves teardowns (pipeline, browser, mail) builds once per container. */
export interface WorkerBase {
  config: Config;
  logger: Logger;
  ports: DataPorts;
  /** Posts to Slack for this container (its notifier's, and any prompts the worker posts itself). */
  outbox: SlackOutbox;
  /** How work is handed on: Lambda invocations now, one-shot schedules later (one client per container). */
  handOff: ReturnType<typeof lambdaHandOff>;
}

export async function workerBase(name: string): Promise<WorkerBase> {
  const config = loadConfig();
  const logger = createLogger(name);
  await startTracing(name);
  const slack = await loadPostingSettings(process.env, secretsManagerReader());
  const ports = awsDataPorts({
    dynamodb: traced(new DynamoDBClient({ region: config.region })),
    organizations: traced(new OrganizationsClient({ region: config.region })),
    tableName: config.tableName,
  });
  return {
    config,
    logger,
    ports,
    outbox: createSlackOutbox(slack, { logger }),
    handOff: lambdaHandOff(loadLambdaWiring(), config.region),
  };
}

/**
 * The runner of such a Lambda: hand-offs by Lambda invocation and one-shot schedules, every transition shown in
 * the teardown's Slack thread (and logged), step metrics in EMF. The mail and phone Lambdas run no steps: they
 * resume teardowns by the catalogue's rules.
 */
export function workerRunner(
  name: Worker | 'mail' | 'phone',
  base: WorkerBase,
  handlers: Partial<Record<StepName, StepHandler>> = {},
  options: { quota?: () => Promise<CloseQuota>; notifiers?: Notifier[] } = {},
): { runner: Runner; slackNotifier: SlackNotifier } {
  const { config, logger, ports, outbox } = base;
  const { dispatcher, timers } = base.handOff;
  const slackNotifier = createSlackNotifier({
    outbox,
    store: ports.teardowns,
    ...(options.quota ? { quota: options.quota } : {}),
    logger,
  });
  const runner = new Runner({
    ...ports,
    config,
    dispatcher,
    timers,
    notifier: combineNotifiers(loggingNotifier(logger), slackNotifier, ...(options.notifiers ?? [])),
    logger,
    metrics: createStepMetrics(),
    handlers,
    workerId: `${name}-${randomUUID().slice(0, 8)}`,
  });
  return { runner, slackNotifier };
}
