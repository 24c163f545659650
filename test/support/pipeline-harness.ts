import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { type Config, loadConfig } from '../../src/common/config';
import { createLogger } from '../../src/common/logger';
import type { StepMetrics } from '../../src/common/metrics';
import { InProcessDispatcher, InProcessTimers } from '../../src/local/in-process';
import { awsDataPorts } from '../../src/pipeline/adapters/aws-ports';
import { createStateTable } from '../../src/pipeline/adapters/dynamodb/state-table';
import { IMPLEMENTED_STEPS, STEPS, type StepName, type Worker } from '../../src/pipeline/catalogue';
import { pipelineStepHandlers } from '../../src/pipeline/pipeline-worker';
import type { DataPorts } from '../../src/pipeline/ports/data-ports';
import type { TeardownNotice } from '../../src/pipeline/ports/notifier';
import { Runner } from '../../src/pipeline/runner';
import type { StepHandler } from '../../src/pipeline/step-handler';
import { AwsProxy } from './aws-proxy';
import { resetMoto } from './moto-server';
import { buildOrganization, type TestOrganization } from './organization';

export const REQUESTER = 'UREQUESTER1';
export const APPROVER = 'UAPPROVER1';

/** The pipeline as deployed, on moto, with in-process dispatch and timers driven by a clock the test moves. */
export interface PipelineHarness {
  runner: Runner;
  /** The data ports as deployed (DynamoDB on moto, Organizations through the proxy). */
  ports: DataPorts;
  store: DataPorts['teardowns'];
  config: Config;
  org: TestOrganization;
  orgs: OrganizationsClient;
  /** Every Organizations call passes this proxy: counts, and injected faults. */
  proxy: AwsProxy;
  dynamodb: DynamoDBClient;
  dispatcher: InProcessDispatcher;
  timers: InProcessTimers;
  notices: TeardownNotice[];
  measured: Array<{ step: string; outcome: string }>;
  now(): number;
  /** Moves the test clock forward. */
  advanceClock(ms: number): void;
  /** Waits until no hand-off is running or queued. */
  settle(): Promise<void>;
  /** Settles, fires timers that are due, and repeats until nothing is left to do now. */
  runUntilQuiet(): Promise<void>;
  /** Moves the clock to each pending timer in turn and runs, until no timer is left (bounded). */
  runAllTimers(maxRounds?: number): Promise<void>;
  /** Like runAllTimers, but only while `condition` holds (e.g. "still retrying preflight"). */
  runTimersWhile(condition: () => Promise<boolean>, maxRounds?: number): Promise<void>;
  /** A second runner on the same table, as another Lambda container would be. */
  anotherRunner(handlers?: Partial<Record<StepName, StepHandler>>): Runner;
  /** All items in the table (for "nothing else was written"). */
  scanTable(): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/**
 * What a process running these stand-in handlers can do: the pipeline's own steps plus the stand-ins, and the
 * browser worker (in this process) as soon as any browser step has one.
 */
export function withStandIns(handlers: Partial<Record<StepName, StepHandler>> = {}) {
  const standIns = Object.keys(handlers) as StepName[];
  const capabilities: Record<Worker, StepName[]> = {
    pipeline: [...IMPLEMENTED_STEPS.pipeline, ...standIns.filter((s) => STEPS[s].worker === 'pipeline')],
    browser: standIns.filter((s) => STEPS[s].worker === 'browser'),
  };
  const workers: Worker[] = capabilities.browser.length > 0 ? ['pipeline', 'browser'] : ['pipeline'];
  return { capabilities, workers };
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

  let clock = Date.now();
  const now = () => clock;
  const notices: TeardownNotice[] = [];
  const measured: Array<{ step: string; outcome: string }> = [];
  const metrics: StepMetrics = {
    stepFinished: (step, outcome) => measured.push({ step, outcome }),
  };
  const ports = awsDataPorts({ dynamodb, organizations: orgs, tableName, clock: now });
  const standIns = Object.keys(options.handlers ?? {}) as StepName[];
  const capabilities: Record<Worker, StepName[]> = {
    pipeline: [...IMPLEMENTED_STEPS.pipeline, ...standIns.filter((s) => STEPS[s].worker === 'pipeline')],
    browser: standIns.filter((s) => STEPS[s].worker === 'browser'),
  };
  const dispatcher = new InProcessDispatcher(
    capabilities.browser.length > 0 ? ['pipeline', 'browser'] : ['pipeline'],
  );
  let primary: Runner | undefined;
  const timers = new InProcessTimers(async ({ accountId }) => primary?.advance(accountId), {
    clock: now,
    realTime: false,
  });
  const logger = createLogger('test', { logLevel: 'ERROR' });

  const build = (workerId: string, handlers?: Partial<Record<StepName, StepHandler>>) =>
    new Runner({
      ...ports,
      config,
      capabilities,
      dispatcher,
      timers,
      notifier: { notify: async (n) => void notices.push(n) },
      logger,
      metrics,
      workerId,
      clock: now,
      random: () => 0.5,
      // Test handlers replace only the steps they name.
      handlers: { ...pipelineStepHandlers(ports), ...handlers },
    });
  primary = build('worker-1', options.handlers);
  const runner = primary;
  dispatcher.connect((worker, { accountId }) => runner.advance(accountId, worker));

  const settle = () => dispatcher.idle();
  const runUntilQuiet = async () => {
    do await settle();
    while ((await timers.fireDue()) > 0);
    await settle();
  };
  let workers = 1;
  const runTimersWhile = async (condition: () => Promise<boolean>, maxRounds = 50) => {
    await runUntilQuiet();
    for (let round = 0; round < maxRounds; round++) {
      const next = timers.list()[0];
      if (!next || !(await condition())) return;
      clock = Math.max(clock, next.at);
      await runUntilQuiet();
    }
    throw new Error(`timers still pending after ${maxRounds} rounds`);
  };

  return {
    runner,
    ports,
    store: ports.teardowns,
    config,
    org,
    orgs,
    proxy,
    dynamodb,
    dispatcher,
    timers,
    notices,
    measured,
    now,
    advanceClock: (ms) => {
      clock += ms;
    },
    settle,
    runUntilQuiet,
    runAllTimers: (maxRounds = 50) => runTimersWhile(async () => true, maxRounds),
    runTimersWhile,
    anotherRunner: (handlers) => build(`worker-${++workers}`, handlers),
    async scanTable() {
      const { Items } = await dynamodb.send(new ScanCommand({ TableName: tableName }));
      return (Items ?? []).map((item) =>
        Object.fromEntries(Object.entries(item).map(([k, v]) => [k, Object.values(v)[0]])),
      );
    },
    async close() {
      dispatcher.release();
      await settle();
      timers.stop();
      await proxy.stop();
      delete process.env.AWS_ENDPOINT_URL_ORGANIZATIONS;
      orgs.destroy();
      dynamodb.destroy();
    },
  };
}
