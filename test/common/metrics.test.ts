import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { createStepMetrics } from '../../src/common/emf-metrics';
import { noStepMetrics } from '../../src/common/metrics';
import { captureOutput } from './capture-output';

interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
  [field: string]: unknown;
}

function emfDocuments(run: () => void): EmfDocument[] {
  return captureOutput(run).json.filter((line) => '_aws' in line) as unknown as EmfDocument[];
}

describe('createStepMetrics', () => {
  it('writes an EMF document with StepDuration in milliseconds, by step and outcome, as soon as a step ends', () => {
    const metrics = createStepMetrics(new Metrics({ namespace: 'X' }));
    const docs = emfDocuments(() => metrics.stepFinished('close-via-api', 'step-succeeded', 1234));

    expect(docs).toHaveLength(1);
    const doc = docs[0] as EmfDocument;
    const directive = doc._aws.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('X');
    expect(directive?.Metrics).toEqual([{ Name: 'StepDuration', Unit: 'Milliseconds' }]);
    expect(directive?.Dimensions).toHaveLength(1);
    expect(directive?.Dimensions[0]).toEqual(expect.arrayContaining(['step', 'outcome']));
    expect(doc.step).toBe('close-via-api');
    expect(doc.outcome).toBe('step-succeeded');
    expect(doc.StepDuration).toBe(1234);
    expect(doc._aws.Timestamp).toEqual(expect.any(Number));
  });

  it('keeps each measurement with its own step and outcome', () => {
    const metrics = createStepMetrics(new Metrics({ namespace: 'X' }));
    const docs = emfDocuments(() => {
      metrics.stepFinished('preflight', 'step-succeeded', 40);
      metrics.stepFinished('await-closed', 'waiting', 75);
      metrics.stepFinished('preflight', 'retry-scheduled', 5);
    });

    expect(docs.map((d) => [d.step, d.outcome, d.StepDuration])).toEqual([
      ['preflight', 'step-succeeded', 40],
      ['await-closed', 'waiting', 75],
      ['preflight', 'retry-scheduled', 5],
    ]);
  });
});

describe('createStepMetrics: what the alarms read', () => {
  it('counts a failed teardown and the teardowns a sweep woke, with only the service dimension', () => {
    const metrics = createStepMetrics(new Metrics({ namespace: 'X', serviceName: 'sandbox-teardown' }));
    const docs = emfDocuments(() => {
      metrics.teardownFailed?.();
      metrics.sweepFinished?.(0);
      metrics.sweepFinished?.(3);
    });

    expect(
      docs.map((d) => {
        const directive = d._aws.CloudWatchMetrics[0];
        const name = directive?.Metrics[0]?.Name ?? '';
        return [directive?.Dimensions, directive?.Metrics, d.service, d[name]];
      }),
    ).toEqual([
      [[['service']], [{ Name: 'TeardownsFailed', Unit: 'Count' }], 'sandbox-teardown', 1],
      [[['service']], [{ Name: 'TeardownsWokenBySweep', Unit: 'Count' }], 'sandbox-teardown', 0],
      [[['service']], [{ Name: 'TeardownsWokenBySweep', Unit: 'Count' }], 'sandbox-teardown', 3],
    ]);
  });
});

describe('noStepMetrics', () => {
  it('prints nothing', () => {
    expect(captureOutput(() => noStepMetrics.stepFinished('preflight', 'step-succeeded', 1)).text).toBe('');
  });
});
