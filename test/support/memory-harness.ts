// The pipeline over in-memory ports (no moto): for runner behaviour that does not depend on AWS's own.
import { loadConfig } from '../../src/common/config';
import type { StepName } from '../../src/pipeline/catalogue';
import type { DataPorts } from '../../src/pipeline/ports/data-ports';
import type { StepHandler } from '../../src/pipeline/step-handler';
import {
  FakeOrganizations,
  FakeRootAccess,
  MemoryCaptchaChallenges,
  MemoryCloseLedger,
  MemoryIdempotencyKeys,
  MemoryPhoneLineLeases,
  MemoryTeardownStore,
  SANDBOX_OU,
} from './fakes';
import { APPROVER, REQUESTER } from './pipeline-harness';
import { type RunnerRig, rigRunners } from './runner-rig';

export interface MemoryHarness extends RunnerRig {
  ports: DataPorts & { teardowns: MemoryTeardownStore; orgs: FakeOrganizations };
  config: ReturnType<typeof loadConfig>;
  /** Centralized root access, off until a test turns it on. */
  rootAccess: FakeRootAccess;
  /** Sandbox accounts of the organization in memory. */
  accounts: { sandbox1: string; sandbox2: string };
  close(): Promise<void>;
}

export function createMemoryHarness(
  options: {
    env?: Record<string, string>;
    handlers?: Partial<Record<StepName, StepHandler>>;
    /** Where the test clock starts (epoch ms); now by default. */
    startAt?: number;
  } = {},
): MemoryHarness {
  const orgs = new FakeOrganizations();
  const accounts = {
    sandbox1: orgs.add('111111111111', { name: 'sandbox-alice' }),
    sandbox2: orgs.add('222222222222', { name: 'sandbox-bob' }),
  };
  const ports = {
    teardowns: new MemoryTeardownStore(),
    ledger: new MemoryCloseLedger(),
    idempotency: new MemoryIdempotencyKeys(),
    orgs,
    captchaChallenges: new MemoryCaptchaChallenges(),
    phoneLines: new MemoryPhoneLineLeases(),
  };
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    TEARDOWN_TABLE: 'in-memory',
    TEARDOWN_ALLOWED_OUS: SANDBOX_OU,
    TEARDOWN_REQUESTERS: REQUESTER,
    TEARDOWN_APPROVERS: APPROVER,
    ...options.env,
  });
  const rootAccess = new FakeRootAccess();
  const rig = rigRunners({
    ports,
    config,
    rootAccess,
    ...(options.handlers ? { handlers: options.handlers } : {}),
    ...(options.startAt !== undefined ? { startAt: options.startAt } : {}),
  });
  return { ...rig, ports, config, rootAccess, accounts, close: () => rig.stop() };
}
