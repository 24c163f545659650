import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { closeQuota } from '../pipeline/close-quota';
import { DynamoTeardownStore } from '../pipeline/dynamo-store';
import { OrganizationsGateway } from '../pipeline/organizations';
import type { Notifier } from '../pipeline/ports/notifier';
import { loadSlackSettings, type SecretReader, type SlackSettings } from './config';
import { SlackNotifier } from './notifier';
import { SlackOutbox } from './outbox';
import { createSlackClient } from './runtime';
import { ChannelQueue } from './sender';

export interface PipelineNotifierDeps {
  slack: Pick<SlackSettings, 'botToken' | 'apiUrl'>;
  dynamodb: DynamoDBClient;
  organizations: OrganizationsClient;
  tableName: string;
  logger: Logger;
  clock?: () => number;
  paceMs?: number;
}

/**
 * The Slack notifier for the pipeline (and browser) workers: the thread replies, status updates and prompts of
 * the transitions they make. Each notify call returns once its messages are in Slack, so a Lambda that returns
 * after its step has lost nothing.
 */
export function createPipelineSlackNotifier(deps: PipelineNotifierDeps): Notifier {
  const clock = deps.clock ?? Date.now;
  const store = new DynamoTeardownStore(deps.dynamodb, deps.tableName);
  const orgs = new OrganizationsGateway(deps.organizations);
  const outbox = new SlackOutbox(
    createSlackClient(deps.slack, deps.logger),
    new ChannelQueue({ paceMs: deps.paceMs, logger: deps.logger, clock }),
  );
  return new SlackNotifier({
    outbox,
    store,
    quota: () => closeQuota(store, orgs, clock()),
    clock,
    logger: deps.logger,
  });
}

/** Slack settings for a worker that only posts: the bot token and API URL (signing secret not needed). */
export function loadPostingSettings(env: Record<string, string | undefined>, readSecret?: SecretReader) {
  return loadSlackSettings(env, readSecret, { requireSigningSecret: false });
}
