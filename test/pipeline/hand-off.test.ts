// Hand-offs after a saved transition (dispatch, timers): a failure never undoes or hides what was saved.
import { afterEach, expect, it } from 'vitest';
import { AwsCallError } from '../../src/common/errors';
import type { StepHandler } from '../../src/pipeline/step-handler';
import { captureOutputOf } from '../common/capture-output';
import {
  APPROVER,
  createPipelineHarness,
  type PipelineHarness,
  REQUESTER,
} from '../support/pipeline-harness';

let h: PipelineHarness;
afterEach(async () => h?.close());

const unreachable = () =>
  new AwsCallError('Invoking sandbox-teardown-pipeline failed: ServiceException: down');

it('keeps a request whose hand-off failed, says so, and lets the sweeper start it', async () => {
  h = await createPipelineHarness();
  const { id } = h.org.accounts.sandbox1;
  const dispatch = h.dispatcher.dispatch.bind(h.dispatcher);
  h.dispatcher.dispatch = async () => {
    throw unreachable();
  };
  const { result, json } = await captureOutputOf(() =>
    h.runner.request({ accountId: id, requester: REQUESTER }),
  );
  const { teardown, handedOff } = result;
  expect(json.map((line) => line.message)).toContain(
    'hand-off failed; the sweeper will pick the teardown up',
  );
  expect(handedOff).toBe(false);
  expect(await h.runner.get(id as never)).toMatchObject({
    teardownId: teardown.teardownId,
    status: 'active',
    step: 'preflight',
    stepStatus: 'pending',
  });

  // Lambda is back; the sweeper finds the teardown that nobody started.
  h.dispatcher.dispatch = dispatch;
  h.advanceClock(61_000);
  expect(await h.runner.sweep()).toBe(1);
  await h.runUntilQuiet();
  expect(await h.runner.get(id as never)).toMatchObject({ step: 'approval', stepStatus: 'waiting' });
});

it('keeps an approval whose hand-off failed, and logs the failure with the teardown it concerns', async () => {
  h = await createPipelineHarness();
  const { id } = h.org.accounts.sandbox1;
  await h.runner.request({ accountId: id, requester: REQUESTER });
  await h.runUntilQuiet();
  const dispatch = h.dispatcher.dispatch.bind(h.dispatcher);
  h.dispatcher.dispatch = async () => {
    throw unreachable();
  };
  const { result, json } = await captureOutputOf(() =>
    h.runner.resume(id, { name: 'approval', actor: APPROVER, payload: { decision: 'approve' } }),
  );
  expect(result).toMatchObject({ step: 'close-via-api', stepStatus: 'pending', approver: APPROVER });
  const logged = json.find((line) => String(line.message).startsWith('hand-off failed'));
  expect(logged).toMatchObject({
    level: 'ERROR',
    accountId: id,
    teardownId: result.teardownId,
    worker: 'pipeline',
  });

  h.dispatcher.dispatch = dispatch;
  h.advanceClock(61_000);
  await h.runner.sweep();
  await h.runUntilQuiet();
  expect(await h.runner.get(id as never)).toMatchObject({ status: 'succeeded' });
});

it('fails a step whose worker this deployment does not have, once and with the reason, instead of on every sweep', async () => {
  const done: StepHandler = { run: async () => ({ type: 'done' }) };
  // The pipeline's part of the remove path exists; no browser worker is configured.
  h = await createPipelineHarness({ handlers: { 'allow-password-recovery': done } });
  const { id } = h.org.accounts.sandbox1;
  await h.runner.request({ accountId: id, requester: REQUESTER, strategy: 'remove' });
  await h.runUntilQuiet();
  await h.runner.resume(id, { name: 'approval', actor: APPROVER, payload: { decision: 'approve' } });
  await h.runUntilQuiet();
  const failed = await h.runner.get(id as never);
  expect(failed).toMatchObject({
    status: 'failed',
    step: 'request-reset',
    outcome: 'The step “Request a root password reset” cannot run in this deployment yet.',
  });
  expect(h.dispatcher.errors).toEqual([]);
  expect(h.runner.unavailableSteps('remove')).toContain('request-reset');
  h.advanceClock(10 * 60_000);
  expect(await h.runner.sweep()).toBe(0);
});
