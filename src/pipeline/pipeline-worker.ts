import type { StepName } from './catalogue';
import type { CloseLedger } from './ports/close-ledger';
import type { Organizations } from './ports/organizations';
import type { RootAccess } from './ports/root-access';
import type { StepHandler } from './step-handler';
import { allowPasswordRecoveryStep } from './steps/allow-password-recovery';
import { approvalStep } from './steps/approval';
import { awaitClosedStep } from './steps/await-closed';
import { awaitResetMailStep } from './steps/await-reset-mail';
import { type Cleaner, cleanupStep } from './steps/cleanup';
import { closeViaApiStep } from './steps/close-via-api';
import { preflightStep } from './steps/preflight';

/** What the pipeline's own steps use. Each step gets only the ports it needs. */
export interface PipelineStepPorts {
  orgs: Organizations;
  ledger: CloseLedger;
  /** IAM's centralized root access (the remove path lets the root user recover its password). */
  rootAccess: RootAccess;
  /** What cleanup removes (secrets, sessions, leased lines), added by the workers that leave them. */
  cleaners?: readonly Cleaner[];
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
    cleanup: cleanupStep({ cleaners: ports.cleaners ?? [] }),
  };
}
