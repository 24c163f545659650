import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { StepMetrics } from './metrics';

// Kept apart from the StepMetrics port so that workers which measure nothing (the bot) do not load Powertools
// Metrics at cold start.
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
    teardownFailed() {
      // Only the service dimension Powertools adds: the CloudWatch alarm names exactly this one metric.
      metrics.singleMetric().addMetric('TeardownsFailed', MetricUnit.Count, 1);
    },
    sweepFinished(woken) {
      metrics.singleMetric().addMetric('TeardownsWokenBySweep', MetricUnit.Count, woken);
    },
  };
}
