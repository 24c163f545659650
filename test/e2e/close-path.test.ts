import { describe, expect, it } from 'vitest';
import type { AccountId } from '../../src/common/account-id';
import { askAsAlice, describeInOrganization, e2eWorldPerFile, freeSandbox } from './support/e2e-stack';

// The close strategy and the approval rules, as people at the playground page meet them: alice asks, bob
// approves, the thread fills with the steps; asking people who may not approve to approve is refused on screen.

const world = e2eWorldPerFile();

describe('the close path through the playground', { timeout: 120_000 }, () => {
  it('closes the account alice asked for once bob approved it, step by step in the thread', async () => {
    const { page, stack, organizations } = world();
    const account = await freeSandbox(stack, 'pin');
    const before = await page.waitForAccount(account.id, (a) => a.deletable, 'deletable');
    expect(before.text).toContain('can be torn down');

    const request = await askAsAlice(page, account.id, 'sprint demo is over');
    expect(await page.messageText(request)).toContain('sprint demo is over');

    await page.actAs('bob');
    const question = await page.clickAndConfirm(request, 'Approve');
    expect(question).toContain(account.id);

    const status = await page.waitForText(request, 'Succeeded', 'message', { timeoutMs: 60_000 });
    expect(status).toContain('bob');
    // One reply per finished step, the last one saying it succeeded.
    const thread = await page.waitForText(request, 'Succeeded', 'thread');
    expect(thread).toContain('Wait for a second person to approve — approved by @bob');
    expect(thread).toContain('Close the account through Organizations');
    expect(thread).toContain('Wait until the account is no longer active');

    const described = await describeInOrganization(organizations, account.id);
    expect(described === 'gone' ? 'gone' : described.State).toMatch(/^(SUSPENDED|PENDING_CLOSURE)$/);
    const shown = await page.waitForAccount(
      account.id,
      (a) => !a.deletable && /SUSPENDED|PENDING_CLOSURE/.test(a.text),
      'closed and no longer deletable',
    );
    expect(shown.text).toContain('a request would be refused');
  });
});

describe('approvals by the wrong person', { timeout: 60_000 }, () => {
  it("refuses alice's approval of her own request on screen, and the request keeps waiting", async () => {
    const { page, stack, organizations } = world();
    const account = await freeSandbox(stack);

    const request = await askAsAlice(page, account.id, 'load test finished');
    await page.clickAndConfirm(request, 'Approve');

    await page.waitForNotice('Only configured approvers may approve');
    const teardown = await stack.runtime.teardowns.get(account.id as AccountId);
    expect(teardown).toMatchObject({ status: 'active', step: 'approval' });
    // Still the request, with its buttons for someone else to press.
    const message = await page.messageText(request);
    expect(message).not.toMatch(/Approved by/);
    expect(message).toMatch(/Approve\s*Deny/);
    expect(await page.threadText(request)).not.toContain('approved by');
    expect(await describeInOrganization(organizations, account.id)).toMatchObject({ State: 'ACTIVE' });
  });

  it("refuses carol's approval of her own request: she may approve, but not what she asked for", async () => {
    const { page, stack } = world();
    const account = await freeSandbox(stack);

    await page.actAs('carol');
    await page.send(`/sandbox delete ${account.id} team offsite over`);
    const request = await page.waitForMessage(['Teardown request', account.id]);
    await page.clickAndConfirm(request, 'Approve');

    await page.waitForNotice('You asked for this teardown; someone else has to approve or deny it.');
    expect(await stack.runtime.teardowns.get(account.id as AccountId)).toMatchObject({
      status: 'active',
      step: 'approval',
    });
    expect(await page.messageText(request)).not.toMatch(/Approved by/);
  });
});

describe('the request message', { timeout: 60_000 }, () => {
  it('shows how long the account has been a member, as AWS has it', async () => {
    const { page, stack } = world();
    const account = await freeSandbox(stack);

    const request = await askAsAlice(page, account.id, 'quarterly clean-up');
    const shown = await page.messageText(request);
    // The demo gives each account an age the simulated AWS enforces (the 4-day wait before it may leave).
    expect(
      shown,
      `the request shows the age AWS enforces (${account.ageDays} days), not the seconds since moto created the account`,
    ).toMatch(new RegExp(`Age\\s*${account.ageDays}d`));
  });
});
