// What a bundled Lambda needs around it in a test, as deployed: the state table and an organization on moto, the
// Slack simulator, a loopback stand-in for Lambda Invoke, and the environment a deployment gives it.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { WebClient } from '@slack/web-api';
import { type SlackSim, startSlackSim } from '../../sim/slack';
import { createStateTable } from '../../src/pipeline/adapters/dynamodb/state-table';
import { StateTable } from '../../src/pipeline/adapters/dynamodb/table';
import { DynamoTeardownStore } from '../../src/pipeline/adapters/dynamodb/teardown-store';
import { deployedEnvironment } from './deployed-lambda';
import { startLambdaCapture } from './lambda-capture';
import { buildOrganization, type TestOrganization } from './organization';

export interface DeployedWorld {
  capture: Awaited<ReturnType<typeof startLambdaCapture>>;
  slack: SlackSim;
  /** The bot's Web API client on the simulator (to post the request message a thread hangs off). */
  web: WebClient;
  org: TestOrganization;
  store: DynamoTeardownStore;
  /** Stops the stand-ins and puts the environment back. */
  close(): Promise<void>;
}

/** Sets `process.env` as a deployment would (plus `env`); load the bundled Lambda after this. */
export async function deployedWorld(
  botToken: string,
  env: Record<string, string> = {},
): Promise<DeployedWorld> {
  const savedEnv = { ...process.env };
  const capture = await startLambdaCapture();
  const slack = await startSlackSim({ botToken });
  const dynamodb = new DynamoDBClient({});
  const org = await buildOrganization(new OrganizationsClient({}));
  const tableName = `teardown-${randomUUID().slice(0, 8)}`;
  await createStateTable(dynamodb, tableName);
  Object.assign(process.env, {
    ...deployedEnvironment({
      tableName,
      allowedOus: org.ous.sandbox,
      lambdaEndpoint: capture.endpoint,
      slackApiUrl: slack.apiUrl,
      botToken,
    }),
    ...env,
  });
  return {
    capture,
    slack,
    web: new WebClient(botToken, { slackApiUrl: slack.apiUrl }),
    org,
    store: new DynamoTeardownStore(new StateTable(dynamodb, tableName)),
    async close() {
      await capture.stop();
      await slack.close();
      process.env = savedEnv;
    },
  };
}
