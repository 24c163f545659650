/** What the pipeline measures: how long each step took and how it ended, and what needs an on-call engineer. */
export interface StepMetrics {
  /** Written at once as an EMF document (stdout, which CloudWatch reads in Lambda). */
  stepFinished(step: string, outcome: string, durationMs: number): void;
  /**
   * A teardown ended as failed: counted without a step dimension, so that one alarm covers every step.
   * Optional (as is sweepFinished): test doubles that only count steps leave it out.
   */
  teardownFailed?(): void;
  /** How many teardowns a sweep found stuck and woke; sent on every sweep, 0 included, so alarms see data. */
  sweepFinished?(woken: number): void;
}

export const noStepMetrics: StepMetrics = { stepFinished() {} };
