import type { LambdaContext } from '../common/logger';
import { withInvocationContext } from '../common/logger';
import { traced, traceInvocation } from '../common/tracing';
import { loadSecretPrefix } from '../console/settings';
import { closeQuota } from './close-quota';
import { eventKeys, handlePipelineEvent } from './event-handler';
import { workerBase, workerRunner } from './lambda-worker';
import { combineNotifiers, leftoversNotifier } from './notifiers';
import { pipelineStepHandlers } from './pipeline-worker';
import type { RootAccess } from './ports/root-access';
import type { StepContext } from './step-handler';
import { forgetRootCredentials, teardownCleaners } from './steps/cleanup';

// The composition root of the pipeline Lambda: every adapter is built here, once per container.
const base = await workerBase('pipeline');
const { config, logger, ports } = base;
const prefix = loadSecretPrefix();

/** Built on first use: most invocations run neither the step nor the cleanup these serve (cold start). */
function once<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
}
const rootAccessGateway = once(async () => {
  const { RootAccessGateway } = await import('./adapters/root-access-gateway');
  return new RootAccessGateway(config.region);
});
const secretStores = once(async () => {
  const [
    { SecretsManagerClient },
    { SecretsManagerSessionStore, sessionCleaner },
    { SecretsManagerSealedValues },
    { SecretsManagerRootCredentials },
  ] = await Promise.all([
    import('@aws-sdk/client-secrets-manager'),
    import('../console/adapters/secrets-manager-session-store'),
    import('../console/adapters/secrets-manager-sealed-values'),
    import('../console/adapters/secrets-manager-root-credentials'),
  ]);
  const secrets = traced(new SecretsManagerClient({ region: config.region }));
  return {
    cleanSession: sessionCleaner(new SecretsManagerSessionStore(secrets, { prefix })),
    sealed: new SecretsManagerSealedValues(secrets, { prefix }),
    rootCredentials: new SecretsManagerRootCredentials(secrets, { prefix }),
  };
});
const rootAccess: RootAccess = {
  rootCredentialsManagementOn: async () => (await rootAccessGateway()).rootCredentialsManagementOn(),
  allowPasswordRecovery: async (accountId) => (await rootAccessGateway()).allowPasswordRecovery(accountId),
};

const { timers } = base.handOff;
const stepPorts = {
  ...ports,
  rootAccess,
  timers,
  // The browser worker's saved root sessions and any mailed link or code go with the teardown; root passwords and
  // MFA keys stay for the post-closure period, then the retention timer's event deletes them.
  cleaners: [
    async (ctx: StepContext) => (await secretStores()).cleanSession(ctx),
    async ({ teardown }: StepContext) => (await secretStores()).sealed.dropAll(teardown),
  ],
};
const handlers = pipelineStepHandlers(stepPorts);
// Teardowns that end without succeeding leave nothing behind either: those this function ends, and those the bot
// ends (an Abort), whose transitions reach this function as `notify` events.
const leftovers = leftoversNotifier({ cleaners: teardownCleaners(stepPorts), config, logger });
const { runner, slackNotifier } = workerRunner('pipeline', base, handlers, {
  // The request message shows the close quota while it waits for an approver.
  quota: () => closeQuota(ports.ledger, ports.orgs, Date.now()),
  notifiers: [leftovers],
});

export async function handler(event: unknown, context?: LambdaContext): Promise<unknown> {
  const keys = eventKeys(event);
  return traceInvocation(keys, () => handleEvent(event, keys, context));
}

async function handleEvent(
  event: unknown,
  keys: ReturnType<typeof eventKeys>,
  context?: LambdaContext,
): Promise<unknown> {
  return withInvocationContext(logger, context, keys, async () => {
    try {
      return await handlePipelineEvent(runner, event, logger, combineNotifiers(slackNotifier, leftovers), {
        forgetRootCredentials: async (item) =>
          forgetRootCredentials(
            {
              teardowns: ports.teardowns,
              credentials: (await secretStores()).rootCredentials,
              timers,
              logger,
            },
            item,
          ),
      });
    } finally {
      // Lambda freezes the container once the handler returns: every message must be in Slack by then.
      await slackNotifier.settled();
    }
  });
}
