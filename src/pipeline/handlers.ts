import type { StepName } from './catalogue';
import type { StepHandler } from './step-handler';
import { approvalStep } from './steps/approval';
import { type Cleaner, cleanupStep } from './steps/cleanup';
import { awaitClosedStep, closeViaApiStep } from './steps/close';
import { preflightStep } from './steps/preflight-step';

/** The steps the pipeline Lambda runs itself. */
export function pipelineHandlers(cleaners: readonly Cleaner[] = []): Partial<Record<StepName, StepHandler>> {
  return {
    preflight: preflightStep,
    approval: approvalStep,
    'close-via-api': closeViaApiStep,
    'await-closed': awaitClosedStep,
    cleanup: cleanupStep(cleaners),
  };
}
