import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids';
import { type BotHarness, CHANNEL, createBotHarness, PEOPLE } from './support/bot-harness';
import { answersTo, requestMessage } from './support/slack-record';

let h: BotHarness;
afterEach(async () => h?.close());

describe('exactly one decision counts', () => {
  it('turns 20 approve clicks from two approvers at once into one approval and one close', async () => {
    h = await createBotHarness();
    const { id } = h.org.accounts.sandbox1;
    await h.command(`delete ${id}`);
    await h.settle();
    const root = requestMessage(h.sim)!;
    const approvers = [PEOPLE.approver, PEOPLE.groupApprover];
    const clicks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => h.click(approvers[i % 2]!, root.ts, ACTION.approve)),
    );
    expect(clicks.map((c) => c.status)).toEqual(clicks.map(() => 200));
    await h.settle();

    const teardown = await h.teardown(id);
    expect(teardown?.status).toBe('succeeded');
    const events = await h.bot.runner.events(teardown!);
    const approvals = events.filter((e) => e.step === 'approval' && e.action === 'step-succeeded');
    expect(approvals).toHaveLength(1);
    expect(approvers).toContain(approvals[0]?.actor);
    expect(teardown?.approver).toBe(approvals[0]?.actor);
    expect(await h.ports.ledger.closesSince(0)).toHaveLength(1);
    // The 19 others were told, each in private, that their click changed nothing.
    const told = approvers
      .flatMap((u) => answersTo(h.sim, u))
      .filter((e) => e.text.includes('your click changed nothing'));
    expect(told).toHaveLength(19);
    const approvedReplies = h.sim.thread(CHANNEL, root.ts).filter((m) => m.text.includes('Step 2 of 5'));
    expect(approvedReplies).toHaveLength(1);
    expect((await h.scanTable()).filter((i) => i.sk === 'TEARDOWN')).toHaveLength(1);
  });

  it('treats a repeated delivery of the same command (a Slack retry) as one request', async () => {
    h = await createBotHarness();
    const first = await h.command(`delete ${h.org.accounts.sandbox2.id}`);
    const again = await h.sim.sendRaw(first.request);
    expect(again.status).toBe(200);
    expect(again.body).toBe('');
    await h.settle();
    expect(h.sim.messages(CHANNEL)).toHaveLength(1);
    expect((await h.scanTable()).filter((i) => i.sk === 'TEARDOWN')).toHaveLength(1);
    expect(answersTo(h.sim, PEOPLE.requester)).toHaveLength(1);
  });
});
