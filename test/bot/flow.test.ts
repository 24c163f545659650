import { DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids';
import { type BotHarness, CHANNEL, createBotHarness, PEOPLE } from './support/bot-harness';
import { buttons, lastAnswer, requestMessage, visible } from './support/slack-record';

let h: BotHarness;
afterEach(async () => h?.close());

async function accountState(id: string): Promise<string | undefined> {
  const client = new OrganizationsClient({});
  const { Account } = await client.send(new DescribeAccountCommand({ AccountId: id }));
  client.destroy();
  return Account?.State ?? Account?.Status;
}

const STEP_REPLIES = [
  /^:white_check_mark: Step 1 of 5 · Check the account may be torn down — sandbox-alice &lt;s\*\*\*-alice@sandboxes\.example\.com&gt; in Root \/ Sandbox/,
  /^:white_check_mark: Step 2 of 5 · Wait for a second person to approve — approved by <@UAPPROVER1>/,
  /^:white_check_mark: Step 3 of 5 · Close the account through Organizations — CloseAccount accepted/,
  /^:white_check_mark: Step 4 of 5 · Wait until the account is no longer active — state SUSPENDED/,
  /^:white_check_mark: Step 5 of 5 · Clean up and summarise — sandbox-alice closed through Organizations/,
  // The cleanup step's reply gives the outcome in detail; the ending does not say it again.
  /^:white_check_mark: \*Succeeded\*: sandbox-alice \(`\d{12}`\) torn down in \d[\dhms ]*, all 5 steps done\.$/,
];

describe('delete → approve → close (Lambda handler)', () => {
  it('posts the request, closes the account on approval and shows every step in the thread', async () => {
    h = await createBotHarness();
    const { id } = h.org.accounts.sandbox1;

    const command = await h.command(`delete ${id} sprint demo is over`);
    expect(command.status).toBe(200);
    expect(lastAnswer(h.sim, PEOPLE.requester)).toContain(
      'requested; an approver other than you has to approve it',
    );
    // The request message is the thread root; the teardown knows where it is.
    const root = requestMessage(h.sim);
    expect(h.sim.messages(CHANNEL)).toHaveLength(1);
    expect(await h.teardown(id)).toMatchObject({
      status: 'active',
      step: 'preflight',
      requester: PEOPLE.requester,
      reason: 'sprint demo is over',
      slack: { channel: CHANNEL, requestTs: root?.ts, threadTs: root?.ts, statusTs: root?.ts },
    });

    await h.settle();
    const waiting = requestMessage(h.sim);
    for (const part of [
      'Teardown request: sandbox-alice',
      id,
      's***-alice@sandboxes.example.com',
      'Root / Sandbox',
      '*Age*',
      'close quota: 0 used, 250 left of 250',
      'sprint demo is over',
      '<@UREQUESTER1>',
      'Any approver but <@UREQUESTER1> can approve or deny until',
    ]) {
      expect(visible(waiting)).toContain(part);
    }
    expect(visible(waiting)).not.toContain('sandbox-alice@sandboxes.example.com');
    expect(buttons(waiting)).toEqual([ACTION.approve, ACTION.deny]);
    expect(await accountState(id)).toBe('ACTIVE');

    const click = await h.click(PEOPLE.approver, waiting!.ts, ACTION.approve);
    expect(click.status).toBe(200);
    await h.settle();

    expect(await accountState(id)).toBe('SUSPENDED');
    expect(await h.teardown(id)).toMatchObject({ status: 'succeeded', approver: PEOPLE.approver });
    const replies = h.sim.thread(CHANNEL, waiting!.ts).map((m) => m.text);
    expect(replies).toHaveLength(STEP_REPLIES.length);
    STEP_REPLIES.forEach((pattern, i) => {
      expect(replies[i]).toMatch(pattern);
    });
    // The request message was rewritten in place: who decided and when, no buttons, the final state.
    const final = h.sim.message(CHANNEL, waiting!.ts);
    expect(buttons(final)).toEqual([]);
    expect(visible(final)).toMatch(/Approved by <@UAPPROVER1> on <!date\^\d+\^/);
    expect(visible(final)).toMatch(
      /\*Succeeded\* all 5 steps after .*: sandbox-alice closed through Organizations \(state SUSPENDED\); step times: preflight \d/,
    );
    expect(h.sim.callsTo('chat.update').length).toBeGreaterThan(0);
    expect(h.sim.calls.filter((c) => !c.ok)).toEqual([]);
    expect(h.sim.messages(CHANNEL)).toHaveLength(1);
  });

  it('ends a denied request without touching the account', async () => {
    h = await createBotHarness();
    const { id } = h.org.accounts.sandbox2;
    await h.command(`delete ${id}`);
    await h.settle();
    const root = requestMessage(h.sim)!;
    await h.click(PEOPLE.groupApprover, root.ts, ACTION.deny);
    await h.settle();
    expect(await h.teardown(id)).toMatchObject({ status: 'denied', approver: PEOPLE.groupApprover });
    expect(await accountState(id)).toBe('ACTIVE');
    const final = h.sim.message(CHANNEL, root.ts);
    expect(buttons(final)).toEqual([]);
    // Said once in the message, with who denied it; and once in the thread.
    expect(JSON.stringify(final?.blocks).match(/denied/gi)).toHaveLength(1);
    expect(visible(final)).toContain(':no_entry_sign: *Denied* by <@UAPPROVER2> at step 2 of 5');
    expect(h.sim.thread(CHANNEL, root.ts).at(-1)?.text).toMatch(
      /^:no_entry_sign: \*Denied\* by <@UAPPROVER2> at step 2 of 5 \(Wait for a second person to approve\) after \d[\dhms ]*$/,
    );
  });
});

describe('delete → approve → close (local HTTP receiver)', () => {
  it('answers at once and shows the same thread', async () => {
    h = await createBotHarness({ transport: 'http' });
    const { id } = h.org.accounts.teamA;
    const command = await h.command(`delete ${id}`);
    expect(command.status).toBe(200);
    const root = await h.sim.waitFor((s) => requestMessage(s));
    await h.settle();
    const waiting = await h.sim.waitFor((s) => {
      const m = s.message(CHANNEL, root.ts);
      return buttons(m).includes(ACTION.approve) && m;
    });
    await h.click(PEOPLE.approver, waiting.ts, ACTION.approve);
    // The answer left before the work; wait for its effect, then let the pipeline run.
    await h.sim.waitFor((s) =>
      s.thread(CHANNEL, root.ts).some((m) => m.text.includes('approved by <@UAPPROVER1>')),
    );
    await h.settle();
    await h.sim.waitFor((s) => s.thread(CHANNEL, root.ts).some((m) => m.text.includes('*Succeeded*: ')));
    expect(await accountState(id)).toBe('SUSPENDED');
    expect(buttons(h.sim.message(CHANNEL, root.ts))).toEqual([]);
  });
});
