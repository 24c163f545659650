import type { StepName } from './catalogue';
import type { CloseLedger } from './ports/close-ledger';
import type { Organizations } from './ports/organizations';
import type { PhoneLineLeases } from './ports/phone-line-leases';
import type { RootAccess } from './ports/root-access';
import type { TeardownStore } from './ports/teardown-store';
import type { Timers } from './ports/timers';
import type { StepHandler } from './step-handler';
import { allowPasswordRecoveryStep } from './steps/allow-password-recovery';
import { approvalStep } from './steps/approval';
import { awaitClosedStep } from './steps/await-closed';
import { awaitResetMailStep } from './steps/await-reset-mail';
import { type Cleaner, cleanupStep, teardownCleaners } from './steps/cleanup';
import { closeViaApiStep } from './steps/close-via-api';
import { preflightStep } from './steps/preflight';
import { removeFromOrgStep } from './steps/remove-from-org';

/** What the pipeline's own steps use. Each step gets only the ports it needs. */
export interface PipelineStepPorts {
  orgs: Organizations;
  ledger: CloseLedger;
  /** IAM's centralized root access (the remove path lets the root user recover its password). */
  rootAccess: RootAccess;
  /** What cleanup removes (secrets, sessions), added by the workers that leave them. */
  cleaners?: readonly Cleaner[];
  /** The event log cleanup's summary reads its step times from. */
  teardowns?: Pick<TeardownStore, 'events'>;
  /** Released by cleanup when the teardown leased one. */
  phoneLines?: Pick<PhoneLineLeases, 'release' | 'leaveQueue'>;
  /** Sets the timer that deletes the root credentials once the post-closure period is over. */
  timers?: Timers;
}

/** The steps the pipeline Lambda runs itself (IMPLEMENTED_STEPS.pipeline names them for the other Lambdas). */
export function pipelineStepHandlers(ports: PipelineStepPorts): Partial<Record<StepName, StepHandler>> {
  return {
    preflight: preflightStep(ports),
    approval: approvalStep,
    'close-via-api': closeViaApiStep(ports),
    'await-closed': awaitClosedStep(ports),
    'allow-password-recovery': allowPasswordRecoveryStep(ports),
    'await-reset-mail': awaitResetMailStep,
    'remove-from-org': removeFromOrgStep(ports),
    cleanup: cleanupStep({
      cleaners: teardownCleaners(ports),
      ...(ports.teardowns ? { history: ports.teardowns } : {}),
    }),
  };
}
