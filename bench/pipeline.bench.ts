/**
 * Pipeline benchmark against moto: how long one state transition (the conditional write of record + event)
 * takes, and how many of 50 concurrent `advance` calls on one teardown win the claim (must be exactly 1).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { loadConfig } from '../src/common/config';
import { createLogger } from '../src/common/logger';
import { noStepMetrics } from '../src/common/metrics';
import { buildOrganization } from '../src/local/demo-organization';
import { InProcessDispatcher, InProcessTimers } from '../src/local/in-process';
import { startMoto, useMotoInThisProcess } from '../src/local/moto';
import { awsDataPorts } from '../src/pipeline/adapters/aws-ports';
import { createStateTable } from '../src/pipeline/adapters/dynamodb/state-table';
import { StateTable } from '../src/pipeline/adapters/dynamodb/table';
import { DynamoTeardownStore } from '../src/pipeline/adapters/dynamodb/teardown-store';
import { pipelineStepHandlers } from '../src/pipeline/pipeline-worker';
import { Runner } from '../src/pipeline/runner';
import { claim, newTeardown } from '../src/pipeline/state';
import { AwsProxy } from '../test/support/aws-proxy';
import { FakeRootAccess } from '../test/support/fakes';
import { percentile } from './support/stats';

const TRANSITIONS = Number(process.env.BENCH_TRANSITIONS ?? 500);
const CONCURRENT = 50;

const moto = await startMoto();
useMotoInThisProcess(moto);
const proxy = await new AwsProxy(moto.endpoint).start();
process.env.AWS_ENDPOINT_URL_ORGANIZATIONS = proxy.endpoint;
try {
  const dynamodb = new DynamoDBClient({});
  const organizations = new OrganizationsClient({});
  const org = await buildOrganization(organizations);
  const tableName = `bench-${randomUUID().slice(0, 8)}`;
  await createStateTable(dynamodb, tableName);
  const config = loadConfig({
    TEARDOWN_TABLE: tableName,
    TEARDOWN_ALLOWED_OUS: org.ous.sandbox,
    TEARDOWN_REQUESTERS: 'UBENCHREQ',
    TEARDOWN_APPROVERS: 'UBENCHAPP',
  });

  // 1. Transition latency: each is one TransactWriteItems (conditional put of the record + the event).
  // moto's TransactWriteItems copies the whole table, so its cost grows with every event written; real DynamoDB's
  // does not. Each batch therefore starts on a fresh table (created outside the timing), as a teardown's
  // partition holds tens of events, not thousands.
  const durations: number[] = [];
  const BATCH = 50;
  for (let batch = 0; batch * BATCH < TRANSITIONS; batch++) {
    const batchTable = `bench-tx-${batch}-${randomUUID().slice(0, 6)}`;
    await createStateTable(dynamodb, batchTable);
    const batchStore = new DynamoTeardownStore(new StateTable(dynamodb, batchTable));
    let { next: current, event } = newTeardown({
      accountId: org.accounts.sandbox2.id,
      teardownId: `bench-${batch}`,
      strategy: 'close',
      requester: 'UBENCHREQ',
      now: Date.now(),
    });
    await batchStore.create(current, event);
    for (let i = 0; i < Math.min(BATCH, TRANSITIONS - batch * BATCH); i++) {
      const t = claim(current, 'bench', Date.now(), 60_000);
      const start = performance.now();
      await batchStore.transition(current.version, t.next, t.event);
      if (batch > 0 || i >= 10) durations.push(performance.now() - start); // the first few warm up the clients
      current = t.next;
    }
  }
  durations.sort((a, b) => a - b);

  // 2. Fifty workers (each its own runner, as Lambda containers would be) advance one approved teardown at once.
  const dispatcher = new InProcessDispatcher();
  const ports = awsDataPorts({ dynamodb, organizations, tableName: config.tableName });
  const logger = createLogger('bench', { logLevel: 'ERROR' });
  const runner = (workerId: string) =>
    new Runner({
      ...ports,
      config,
      handlers: pipelineStepHandlers({ ...ports, rootAccess: new FakeRootAccess() }),
      dispatcher,
      timers: new InProcessTimers(async () => {}, { clock: Date.now, realTime: false }),
      notifier: { notify: async () => {} },
      logger,
      metrics: noStepMetrics,
      workerId,
    });
  const main = runner('main');
  dispatcher.connect((worker, { accountId }) => main.advance(accountId, worker));
  const accountId = org.accounts.sandbox1.id;
  await main.request({ accountId, requester: 'UBENCHREQ' });
  await dispatcher.idle();
  dispatcher.hold();
  await main.resume(accountId, { name: 'approval', actor: 'UBENCHAPP', payload: { decision: 'approve' } });
  proxy.calls.clear();
  const workers = Array.from({ length: CONCURRENT }, (_, i) => runner(`worker-${i}`));
  const results = await Promise.all(workers.map((w) => w.advance(accountId)));
  const won = results.filter((r) => r.ran).length;
  const closeCalls = proxy.count('CloseAccount');

  console.log(
    `transitions=${durations.length} transition_ms_p50=${percentile(durations, 50).toFixed(2)} ` +
      `transition_ms_p99=${percentile(durations, 99).toFixed(2)} concurrent_claims_won=${won} ` +
      `close_account_calls=${closeCalls}`,
  );
  if (won !== 1 || closeCalls !== 1) process.exitCode = 1;
} finally {
  await proxy.stop();
  await moto.stop();
}
