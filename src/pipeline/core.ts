import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { Config } from '../common/config';
import { NotWaitingError } from '../common/errors';
import type { StepMetrics } from '../common/metrics';
import type { StepName } from './catalogue';
import { DynamoTeardownStore } from './dynamo-store';
import type { PipelineEvent } from './events';
import { pipelineHandlers } from './handlers';
import { OrganizationsGateway } from './organizations';
import type { Dispatcher } from './ports/dispatcher';
import type { Notifier, TeardownNotice } from './ports/notifier';
import type { Timers } from './ports/timers';
import { Runner } from './runner';
import type { StepHandler } from './step-handler';

export interface PipelineWiring {
  config: Config;
  dynamodb: DynamoDBClient;
  organizations: OrganizationsClient;
  dispatcher: Dispatcher;
  timers: Timers;
  notifier: Notifier;
  logger: Logger;
  metrics: StepMetrics;
  workerId: string;
  handlers?: Partial<Record<StepName, StepHandler>>;
  clock?: () => number;
  random?: () => number;
}

/** Builds the runner from its clients and ports; used by the Lambdas, the local stack, tests and benchmarks. */
export function createRunner(wiring: PipelineWiring): Runner {
  return new Runner({
    store: new DynamoTeardownStore(wiring.dynamodb, wiring.config.tableName),
    orgs: new OrganizationsGateway(wiring.organizations),
    config: wiring.config,
    dispatcher: wiring.dispatcher,
    timers: wiring.timers,
    notifier: wiring.notifier,
    logger: wiring.logger,
    metrics: wiring.metrics,
    handlers: wiring.handlers ?? pipelineHandlers(),
    workerId: wiring.workerId,
    clock: wiring.clock,
    random: wiring.random,
  });
}

/**
 * Runs one pipeline event. A late or repeated signal is logged, not retried by Lambda. `notifier` shows the
 * transitions other functions hand over (`notify`).
 */
export async function handlePipelineEvent(
  runner: Runner,
  event: PipelineEvent,
  logger: Logger,
  notifier: Notifier,
): Promise<unknown> {
  switch (event.action) {
    case 'notify':
      await notifier.notify(event.notice);
      return { notified: true };
    case 'advance':
      return runner.advance(event.accountId, event.worker ?? 'pipeline');
    case 'resume':
      try {
        const teardown = await runner.resume(event.accountId, event.signal);
        return { resumed: true, step: teardown.step };
      } catch (error) {
        if (error instanceof NotWaitingError) {
          logger.info('signal not applied', { accountId: event.accountId, reason: error.message });
          return { resumed: false, reason: error.message };
        }
        throw error;
      }
    case 'sweep':
      return { woken: await runner.sweep() };
  }
}

/** Writes every transition to the log: the audit trail beside the table's event log. */
export function loggingNotifier(logger: Logger): Notifier {
  return {
    async notify({ teardown, event }: TeardownNotice) {
      logger.info('teardown transition', {
        accountId: teardown.accountId,
        teardownId: teardown.teardownId,
        status: teardown.status,
        step: event.step,
        action: event.action,
        outcome: event.outcome,
        detail: event.detail,
        actor: event.actor,
        version: event.version,
      });
    },
  };
}

export function combineNotifiers(...notifiers: Notifier[]): Notifier {
  return {
    async notify(notice) {
      await Promise.all(notifiers.map((n) => n.notify(notice)));
    },
  };
}
