// Tests src/pipeline/runner.ts on in-memory ports: hand-offs after a saved transition (a failure never undoes or
// hides what was saved), waits that end by signals or deadlines, going back, and hand-over values.
import { afterEach, describe, expect, it } from 'vitest';
import { AwsCallError } from '../../src/common/errors';
import type { StepName } from '../../src/pipeline/catalogue';
import type { StepHandler } from '../../src/pipeline/step-handler';
import { captureOutputOf } from '../common/capture-output';
import { createMemoryHarness, type MemoryHarness } from '../support/memory-harness';
import { APPROVER, REQUESTER } from '../support/pipeline-harness';
import { RESET_LINK, requestApprovedRemoval, resetMailArrives } from '../support/runner-rig';

let h: MemoryHarness;
afterEach(async () => h?.close());

const unreachable = () =>
  new AwsCallError('Invoking sandbox-teardown-pipeline failed: ServiceException: down');

it('keeps a request whose hand-off failed, says so, and lets the sweeper start it', async () => {
  h = createMemoryHarness();
  const id = h.accounts.sandbox1;
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
  h = createMemoryHarness();
  const id = h.accounts.sandbox1;
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
  h = createMemoryHarness({ handlers: { 'allow-password-recovery': done } });
  const id = h.accounts.sandbox1;
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

const done = (note: string): StepHandler => ({ run: async () => ({ type: 'done', note }) });

/** Stand-ins for the remove path's steps later work provides; remove-from-org removes from the organization. */
function standIns(
  overrides: Partial<Record<StepName, StepHandler>> = {},
): Partial<Record<StepName, StepHandler>> {
  return {
    'allow-password-recovery': done('root password recovery allowed'),
    'request-reset': done('reset requested'),
    'set-password': done('password set'),
    'sign-in': done('signed in'),
    'complete-signup': done('sign-up complete'),
    'verify-phone': done('phone verified'),
    'remove-from-org': {
      run: async (ctx) => {
        h.ports.orgs.accounts.delete(ctx.teardown.accountId);
        return { type: 'done', note: 'removed from the organization' };
      },
    },
    'close-as-root': done('closed as root'),
    ...overrides,
  };
}

const requestApproved = (id: string) => requestApprovedRemoval(h, id);
const mailArrives = (id: string) => resetMailArrives(h, id);

describe('waits of the remove path', () => {
  it('asks for another reset when the mail never comes, twice, then asks a person', async () => {
    let resets = 0;
    h = createMemoryHarness({
      handlers: standIns({
        'request-reset': {
          run: async () => {
            resets++;
            return { type: 'done', note: 'reset requested' };
          },
        },
      }),
    });
    const id = h.accounts.sandbox1;
    await requestApproved(id);
    // Three mail deadlines pass without a mail: two more requests, then a person decides.
    for (let round = 0; round < 3; round++) {
      h.advanceClock(h.config.deadlines.mailMs);
      await h.runUntilQuiet();
    }
    expect(resets).toBe(3);
    const stuck = await h.runner.get(id as never);
    expect(stuck).toMatchObject({
      step: 'await-reset-mail',
      stepStatus: 'waiting',
      backSteps: { 'request-reset': 2 },
      wait: {
        signal: 'human',
        reason:
          'no reset mail came within 15m; asking for another; went back to request a root password reset 2 times already',
      },
    });
    expect(stuck?.wait?.until).toBe(h.now() + h.config.deadlines.humanMs);
    const events = await h.runner.events(stuck!);
    expect(events.filter((e) => e.action === 'went-back').map((e) => [e.step, e.outcome])).toEqual([
      ['await-reset-mail', 'request-reset'],
      ['await-reset-mail', 'request-reset'],
    ]);

    // A person's Retry asks for another reset; this time the mail comes, and the teardown goes on.
    await h.runner.resume(id, { name: 'human', actor: APPROVER, payload: { choice: 'retry' } });
    await h.runUntilQuiet();
    expect(resets).toBe(4);
    expect(await h.runner.get(id as never)).toMatchObject({
      step: 'await-reset-mail',
      wait: { signal: 'reset-link' },
    });
    await mailArrives(id);
    await h.runUntilQuiet();
    expect(await h.runner.get(id as never)).toMatchObject({ status: 'succeeded' });
  });

  // Regression: the prompt's deadline was decided by the mail step's own rule, which went back again and asked
  // again, every day, for ever.
  it('fails when nobody answers the prompt in time, instead of asking again', async () => {
    h = createMemoryHarness({ handlers: standIns() });
    const id = h.accounts.sandbox1;
    await requestApproved(id);
    for (let round = 0; round < 3; round++) {
      h.advanceClock(h.config.deadlines.mailMs);
      await h.runUntilQuiet();
    }
    expect(await h.runner.get(id as never)).toMatchObject({ wait: { signal: 'human' } });
    h.advanceClock(h.config.deadlines.humanMs);
    await h.runUntilQuiet();
    expect(await h.runner.get(id as never)).toMatchObject({
      status: 'failed',
      outcome: 'No one gave an answer from a person within 1d.',
    });
  });

  // Regression: a value handed over (a reset link) stayed on the record of a teardown that was cancelled.
  it('drops what signals handed over when the teardown ends early', async () => {
    h = createMemoryHarness({
      handlers: standIns({
        'set-password': { run: async () => ({ type: 'await', signal: 'human', reason: 'odd page' }) },
      }),
    });
    const id = h.accounts.sandbox1;
    await requestApproved(id);
    await mailArrives(id);
    await h.runUntilQuiet();
    expect((await h.runner.get(id as never))?.handoff).toEqual({ resetLink: RESET_LINK });
    await h.runner.cancel(id, REQUESTER);
    expect(h.ports.teardowns.dump()).not.toContain('s3cr3t');
  });

  it('takes a signal only for the wait it answers, once', async () => {
    h = createMemoryHarness({ handlers: standIns() });
    const id = h.accounts.sandbox1;
    await requestApproved(id);
    await expect(
      h.runner.resume(id, { name: 'sign-in-code', actor: 'mail', payload: { code: '123456' } }),
    ).rejects.toThrow(
      'is not waiting for the sign-in code mail (it is at “Wait for the password reset mail”, waiting)',
    );
    await mailArrives(id);
    await expect(mailArrives(id)).rejects.toThrow('is not waiting for the password reset mail');
  });
});
