import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { type Config, loadConfig } from '../../src/common/config';
import { awsDataPorts } from '../../src/pipeline/adapters/aws-ports';
import { createStateTable } from '../../src/pipeline/adapters/dynamodb/state-table';
import type { StepName } from '../../src/pipeline/catalogue';
import type { DataPorts } from '../../src/pipeline/ports/data-ports';
import type { StepHandler } from '../../src/pipeline/step-handler';
import { AwsProxy } from './aws-proxy';
import { resetMoto } from './moto-server';
import { buildOrganization, type TestOrganization } from './organization';
import { type RunnerRig, rigRunners } from './runner-rig';

export const REQUESTER = 'UREQUESTER1';
export const APPROVER = 'UAPPROVER1';

/** The pipeline as deployed, on moto, with in-process dispatch and timers driven by a clock the test moves. */
export interface PipelineHarness extends RunnerRig {
  /** The data ports as deployed (DynamoDB on moto, Organizations through the proxy). */
  ports: DataPorts;
  store: DataPorts['teardowns'];
  config: Config;
  org: TestOrganization;
  orgs: OrganizationsClient;
  /** Every Organizations call passes this proxy: counts, and injected faults. */
  proxy: AwsProxy;
  dynamodb: DynamoDBClient;
  /** All items in the table (for "nothing else was written"). */
  scanTable(): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/**
 * Handlers replace only the steps they name; a browser step given a stand-in handler runs in this process too
 * (as the browser worker), so whole remove-path teardowns can run before the real browser worker exists.
 */
export async function createPipelineHarness(
  options: { env?: Record<string, string>; handlers?: Partial<Record<StepName, StepHandler>> } = {},
): Promise<PipelineHarness> {
  const motoEndpoint = process.env.AWS_ENDPOINT_URL ?? '';
  await resetMoto(motoEndpoint);
  const proxy = await new AwsProxy(motoEndpoint).start();
  // The SDK's own per-service variable routes Organizations through the proxy.
  process.env.AWS_ENDPOINT_URL_ORGANIZATIONS = proxy.endpoint;
  const orgs = new OrganizationsClient({});
  const dynamodb = new DynamoDBClient({});
  const org = await buildOrganization(orgs);
  proxy.calls.clear();

  const tableName = `teardown-${randomUUID().slice(0, 8)}`;
  await createStateTable(dynamodb, tableName);
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    TEARDOWN_TABLE: tableName,
    TEARDOWN_ALLOWED_OUS: org.ous.sandbox,
    TEARDOWN_REQUESTERS: REQUESTER,
    TEARDOWN_APPROVERS: APPROVER,
    ...options.env,
  });

  const ports = awsDataPorts({ dynamodb, organizations: orgs, tableName, clock: () => rig.now() });
  const rig: RunnerRig = rigRunners({
    ports,
    config,
    ...(options.handlers ? { handlers: options.handlers } : {}),
  });

  return {
    ...rig,
    ports,
    store: ports.teardowns,
    config,
    org,
    orgs,
    proxy,
    dynamodb,
    async scanTable() {
      const { Items } = await dynamodb.send(new ScanCommand({ TableName: tableName }));
      return (Items ?? []).map((item) =>
        Object.fromEntries(Object.entries(item).map(([k, v]) => [k, Object.values(v)[0]])),
      );
    },
    async close() {
      await rig.stop();
      await proxy.stop();
      delete process.env.AWS_ENDPOINT_URL_ORGANIZATIONS;
      orgs.destroy();
      dynamodb.destroy();
    },
  };
}
