/** What the pipeline measures: how long each step took and how it ended. */
export interface StepMetrics {
  /** Written at once as an EMF document (stdout, which CloudWatch reads in Lambda). */
  stepFinished(step: string, outcome: string, durationMs: number): void;
}

export const noStepMetrics: StepMetrics = { stepFinished() {} };
