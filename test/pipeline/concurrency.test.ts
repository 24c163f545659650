import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  APPROVER,
  createPipelineHarness,
  type PipelineHarness,
  REQUESTER,
} from '../support/pipeline-harness';

let h: PipelineHarness;
beforeEach(async () => {
  h = await createPipelineHarness();
});
afterEach(async () => h.close());

it('runs a step exactly once when 50 workers advance the same teardown at once', async () => {
  const { id } = h.org.accounts.sandbox1;
  await h.runner.request({ accountId: id, requester: REQUESTER });
  await h.runUntilQuiet();
  h.dispatcher.hold();
  await h.runner.resume(id, { name: 'approval', actor: APPROVER, payload: { decision: 'approve' } });

  // Fifty containers, each with its own runner, all told to advance close-via-api now.
  const workers = Array.from({ length: 50 }, () => h.anotherRunner());
  const results = await Promise.all(workers.map((w) => w.advance(id)));

  expect(results.filter((r) => r.ran)).toHaveLength(1);
  expect(
    results
      .filter((r) => !r.ran)
      .every((r) => !r.ran && ['lost-claim', 'busy', 'handed-off'].includes(r.why)),
  ).toBe(true);
  expect(h.proxy.count('CloseAccount')).toBe(1);
  expect((await h.ports.ledger.closesSince(0)).length).toBe(1);

  h.dispatcher.release();
  await h.runUntilQuiet();
  const done = await h.runner.get(id as never);
  expect(done?.status).toBe('succeeded');
  const claims = (await h.runner.events(done!)).filter(
    (e) => e.step === 'close-via-api' && e.action === 'claimed',
  );
  expect(claims).toHaveLength(1);
});

it('counts exactly one approval when many approvers click at once', async () => {
  const { id } = h.org.accounts.sandbox2;
  await h.runner.request({ accountId: id, requester: REQUESTER });
  await h.runUntilQuiet();
  const clicks = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      h.runner.resume(id, {
        name: 'approval',
        actor: `UAPPROVER${i}`,
        payload: { decision: i % 2 ? 'deny' : 'approve' },
      }),
    ),
  );
  const winners = clicks.filter((c) => c.status === 'fulfilled');
  expect(winners).toHaveLength(1);
  await h.runUntilQuiet();
  const decided = (await h.runner.get(id as never))!;
  const winner = (winners[0] as PromiseFulfilledResult<{ approver?: string }>).value.approver;
  expect(decided.approver).toBe(winner);
  const decisions = (await h.runner.events(decided)).filter((e) => e.actor.startsWith('UAPPROVER'));
  expect(decisions).toHaveLength(1);
});
