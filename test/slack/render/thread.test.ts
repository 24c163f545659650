import { describe, expect, it } from 'vitest';
import type { Strategy } from '../../../src/common/config';
import { STRATEGY_STEPS } from '../../../src/pipeline/catalogue';
import type { TeardownEvent } from '../../../src/pipeline/model';
import { cleanupStep } from '../../../src/pipeline/steps/cleanup';
import { endedReply, stepReply, wentBackReply } from '../../../src/slack/render/thread';
import { stepContext } from '../../support/fakes';
import { NOW, summary, teardown } from '../support/teardown-fixture';

describe('thread replies', () => {
  it('has one reply per finished step with its note, e-mail addresses masked', () => {
    const event: TeardownEvent = {
      accountId: summary.accountId,
      teardownId: 't-1',
      version: 3,
      at: NOW,
      actor: 'worker',
      action: 'step-succeeded',
      step: 'preflight',
      attempt: 1,
      outcome: 'succeeded',
      detail: 'sandbox-alice <sandbox-alice@sandboxes.example.com> in Root / Sandbox',
    };
    expect(stepReply(teardown(), event, NOW - 2000)).toBe(
      ':white_check_mark: Step 1 of 5 · Check the account may be torn down — sandbox-alice &lt;s***-alice@sandboxes.example.com&gt; in Root / Sandbox (2s)',
    );
  });

  it('says where the teardown went back to, and why', () => {
    const event: TeardownEvent = {
      accountId: summary.accountId,
      teardownId: 't-1',
      version: 9,
      at: NOW,
      actor: 'pipeline',
      action: 'went-back',
      step: 'await-reset-mail',
      attempt: 1,
      outcome: 'request-reset',
      detail: 'no reset mail came within 15m; asking for another',
    };
    const back = teardown({ strategy: 'remove', step: 'request-reset', stepStatus: 'pending' });
    expect(wentBackReply(back, event)).toBe(
      ':leftwards_arrow_with_hook: Back to step 4 of 12 · Request a root password reset — no reset mail came within 15m; asking for another',
    );
  });
});

// Regression: the cleanup step's reply and the "Succeeded" reply after it said the same sentence ("sandbox-alice
// closed through Organizations (state SUSPENDED); step times: …") one under the other.
describe('the last two replies of a finished teardown', () => {
  const event = (
    step: TeardownEvent['step'],
    version: number,
    at: number,
    detail?: string,
  ): TeardownEvent => ({
    accountId: summary.accountId,
    teardownId: 't-1',
    version,
    at,
    actor: 'pipeline',
    action: 'step-succeeded',
    step,
    attempt: 1,
    outcome: 'succeeded',
    ...(detail ? { detail } : {}),
  });

  it.each<Strategy>(['close', 'remove'])('say different things for a %s teardown', async (strategy) => {
    const steps = STRATEGY_STEPS[strategy];
    const createdAt = NOW - 20 * 60_000;
    const finishing = teardown({
      strategy,
      step: 'cleanup',
      stepStatus: 'running',
      wait: undefined,
      createdAt,
      data: { closedState: 'SUSPENDED' },
    });
    // The cleanup note as the step writes it, from an event log of every step before it.
    const history = steps.slice(0, -1).map((step, i) => event(step, i + 2, createdAt + (i + 1) * 60_000));
    const outcome = await cleanupStep({ cleaners: [], history: { events: async () => history } }).run(
      stepContext(finishing, { now: NOW }),
    );
    if (outcome.type !== 'done' || !outcome.note) throw new Error('cleanup gave no note');
    const finished = {
      ...finishing,
      status: 'succeeded' as const,
      stepStatus: 'succeeded' as const,
      endedAt: NOW,
      outcome: outcome.note,
    };
    const lastStep = stepReply(finished, event('cleanup', 30, NOW, outcome.note), NOW - 1000);
    const ending = endedReply(finished, NOW);
    expect(lastStep).toContain('step times: preflight 1m');
    expect(ending).toBe(
      `:white_check_mark: *Succeeded*: sandbox-alice (\`012345678901\`) torn down in 20m, all ${steps.length} steps done.`,
    );
    // No clause of the step's reply comes again in the ending.
    for (const clause of outcome.note.split(/[;:,]/).map((c) => c.trim())) {
      if (clause.length > 8) expect(ending).not.toContain(clause);
    }
  });
});
