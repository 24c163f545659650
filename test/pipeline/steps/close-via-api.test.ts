// Tests src/pipeline/steps/close-via-api.ts with an organization and a ledger in memory.
import { describe, expect, it } from 'vitest';
import { CLOSE_WINDOW_MS } from '../../../src/pipeline/ports/close-ledger';
import { closeViaApiStep } from '../../../src/pipeline/steps/close-via-api';
import {
  FakeOrganizations,
  MemoryCloseLedger,
  stepContext,
  teardownAt,
  testConfig,
} from '../../support/fakes';

function setUp() {
  const orgs = new FakeOrganizations();
  const ledger = new MemoryCloseLedger();
  const id = orgs.add('111111111111');
  const teardown = teardownAt('close-via-api', id);
  return { orgs, ledger, id, teardown, step: closeViaApiStep({ orgs, ledger }) };
}

describe('close-via-api step', () => {
  it('closes the account and records the close once in the quota ledger', async () => {
    const { orgs, ledger, id, teardown, step } = setUp();
    const outcome = await step.run(stepContext(teardown));
    expect(outcome).toEqual({
      type: 'done',
      data: { closeRequestedAt: teardown.stepStartedAt },
      note: 'CloseAccount accepted',
    });
    expect(orgs.accounts.get(id)?.state).toBe('SUSPENDED');
    // A retried run (its first worker died after AWS accepted) still leaves one ledger entry.
    orgs.closeAnswers.push({ kind: 'in-progress' });
    expect(await step.run(stepContext(teardown))).toMatchObject({
      type: 'done',
      note: 'a close of this account was already under way',
    });
    expect(ledger.records).toHaveLength(1);
  });

  it('treats an account closed meanwhile as done', async () => {
    const { orgs, ledger, teardown, step } = setUp();
    orgs.closeAnswers.push({ kind: 'already-closed' });
    expect(await step.run(stepContext(teardown))).toEqual({
      type: 'done',
      note: 'the account was already closed',
    });
    expect(ledger.records).toHaveLength(1);
  });

  it('waits for the oldest close of ours to leave the 30-day window when the quota is used up', async () => {
    const { orgs, ledger, teardown, step } = setUp();
    const oldest = teardown.stepStartedAt - 10 * 86_400_000;
    await ledger.recordClose({ accountId: '222222222222' as never, teardownId: 'earlier', closedAt: oldest });
    orgs.closeAnswers.push({ kind: 'quota-exceeded', message: 'quota' });
    expect(await step.run(stepContext(teardown))).toEqual({
      type: 'wait',
      until: oldest + CLOSE_WINDOW_MS,
      reason: 'the 30-day close quota is used up; trying again in 20d',
    });
  });

  it('switches to remove out of quota only where allowed and the remove path can run here', async () => {
    const { orgs, teardown, step } = setUp();
    const fallback = testConfig({ TEARDOWN_CLOSE_FALLBACK_TO_REMOVE: 'true' });
    orgs.closeAnswers.push({ kind: 'quota-exceeded', message: 'quota' });
    expect(await step.run(stepContext(teardown, { config: fallback, canRun: () => true }))).toEqual({
      type: 'switch-strategy',
      strategy: 'remove',
      reason: 'the 30-day close quota is used up',
    });
    orgs.closeAnswers.push({ kind: 'quota-exceeded', message: 'quota' });
    expect(await step.run(stepContext(teardown, { config: fallback, canRun: () => false }))).toMatchObject({
      type: 'wait',
    });
  });

  it('backs off for longer each time too many closes are in flight', async () => {
    const { orgs, teardown, step } = setUp();
    orgs.closeAnswers.push(
      { kind: 'too-many-at-once', message: 'busy' },
      { kind: 'too-many-at-once', message: 'busy' },
    );
    const first = await step.run(stepContext(teardown));
    expect(first).toEqual({
      type: 'wait',
      until: teardown.stepStartedAt + 60_000,
      reason: 'too many account closes in flight; trying again shortly',
      data: { closeLimitWaits: 1 },
    });
    teardown.data.closeLimitWaits = 1;
    expect(await step.run(stepContext(teardown))).toMatchObject({
      until: teardown.stepStartedAt + 120_000,
      data: { closeLimitWaits: 2 },
    });
  });
});
