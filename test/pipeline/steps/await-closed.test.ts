// Tests src/pipeline/steps/await-closed.ts: the polling, and the deadline rule the runner applies.
import { describe, expect, it } from 'vitest';
import { STEPS } from '../../../src/pipeline/catalogue';
import { awaitClosedStep } from '../../../src/pipeline/steps/await-closed';
import { FakeOrganizations, stepContext, teardownAt, testConfig } from '../../support/fakes';

describe('await-closed step', () => {
  it('keeps polling with growing pauses while the account is still ACTIVE', async () => {
    const orgs = new FakeOrganizations();
    const id = orgs.add('111111111111');
    const teardown = teardownAt('await-closed', id);
    const start = teardown.stepStartedAt;
    expect(await awaitClosedStep({ orgs }).run(stepContext(teardown))).toEqual({
      type: 'wait',
      until: start + 5_000,
      reason: 'account is ACTIVE; checking again',
      data: { closedPolls: 1, lastState: 'ACTIVE' },
    });
    teardown.data.closedPolls = 3;
    expect(await awaitClosedStep({ orgs }).run(stepContext(teardown, { now: start + 60_000 }))).toMatchObject(
      {
        until: start + 60_000 + 40_000,
      },
    );
  });

  it('is done once the account is SUSPENDED, or gone from the organization', async () => {
    const orgs = new FakeOrganizations();
    const id = orgs.add('111111111111', { state: 'SUSPENDED' });
    expect(await awaitClosedStep({ orgs }).run(stepContext(teardownAt('await-closed', id)))).toEqual({
      type: 'done',
      data: { closedState: 'SUSPENDED' },
      note: 'state SUSPENDED',
    });
    expect(
      await awaitClosedStep({ orgs }).run(stepContext(teardownAt('await-closed', '444444444444'))),
    ).toMatchObject({
      type: 'done',
      data: { closedState: 'CLOSED' },
    });
  });

  it('declares how long it may poll, and fails with the state it last saw once that has passed', () => {
    expect(STEPS['await-closed'].pollsFor).toBe('closeMs');
    const teardown = teardownAt('await-closed', '111111111111', { data: { lastState: 'PENDING_CLOSURE' } });
    const ctx = { teardown, now: teardown.stepStartedAt + 2 * 3_600_000, config: testConfig() };
    expect(STEPS['await-closed'].rules.onDeadline(ctx, undefined)).toEqual({
      type: 'end',
      status: 'failed',
      reason: '111111111111 is still PENDING_CLOSURE 2h after CloseAccount.',
    });
  });
});
