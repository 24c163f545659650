import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** What the pipeline measures: how long each step took and how it ended. */
export interface StepMetrics {
  /** Written at once as an EMF document (stdout, which CloudWatch reads in Lambda). */
  stepFinished(step: string, outcome: string, durationMs: number): void;
}

export function createStepMetrics(
  metrics: Metrics = new Metrics({ namespace: 'SandboxTeardown', serviceName: 'sandbox-teardown' }),
): StepMetrics {
  return {
    stepFinished(step, outcome, durationMs) {
      // One EMF document per measurement keeps its dimensions its own; its count is the outcome count.
      const single = metrics.singleMetric();
      single.addDimensions({ step, outcome });
      single.addMetric('StepDuration', MetricUnit.Milliseconds, durationMs);
    },
  };
}

export const noStepMetrics: StepMetrics = { stepFinished() {} };
