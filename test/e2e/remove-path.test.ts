import { describe, expect, it } from 'vitest';
import type { LocalDemoAccount } from '../../src/local/demo-organization';
import {
  approveAsBob,
  askAsAlice,
  describeInOrganization,
  e2eWorldPerFile,
  freeSandbox,
} from './support/e2e-stack';

// The remove strategy from the command to the closed standalone account, in both directions AWS verifies a
// phone: it calls our line and hears the PIN our contact flow keys in, or it texts a code to our line. People
// see it in the thread (a reply and a screenshot per browser step) and in the outside-world panel.

const world = e2eWorldPerFile();

/** alice asks for `--remove`, bob approves, and the thread is followed to its end; returns the request's ts. */
async function removeThroughThePage(account: LocalDemoAccount): Promise<string> {
  const { page } = world();
  const request = await askAsAlice(page, account.id, '--remove hackathon is over');
  expect(await page.messageText(request)).toMatch(/remove/i);

  await approveAsBob(page, request);
  await page.waitForText(request, 'Succeeded', 'message', { timeoutMs: 150_000 });
  return request;
}

/** What people see of a finished remove-path teardown, and what AWS (moto and the simulated console) says. */
async function expectRemovedAndClosed(account: LocalDemoAccount, request: string): Promise<void> {
  const { page, stack, organizations } = world();
  const thread = await page.waitForText(request, 'Succeeded', 'thread');
  for (const step of [
    'Request a root password reset',
    'Set the root password',
    'Sign in as root',
    'Complete the billing sign-up',
    'Verify the phone number',
    'Remove the account from the organization',
    'Close the account as root',
  ]) {
    expect(thread, `the thread names the step "${step}"`).toContain(step);
  }
  const images = await page.threadImages(request);
  expect(images.length, 'step screenshots in the thread').toBeGreaterThanOrEqual(4);
  expect(
    images.filter((i) => !i.loaded),
    'screenshots that did not load',
  ).toEqual([]);

  expect(await describeInOrganization(organizations, account.id)).toBe('gone');
  const simulated = stack.world.console.account(account.id);
  expect(simulated).toMatchObject({ removed: true, closed: true, cardLast4: '1111' });
  expect(stack.lines).toContain(simulated?.verifiedPhone);
  await page.waitForAccount(
    account.id,
    (a) => !a.deletable && a.text.includes('REMOVED'),
    'removed and no longer deletable',
  );
}

describe('the remove path through the playground', { timeout: 240_000 }, () => {
  it('removes and closes an account whose phone AWS verifies by calling our line with a PIN', async () => {
    const account = await freeSandbox(world().stack, 'pin');
    const request = await removeThroughThePage(account);
    await expectRemovedAndClosed(account, request);

    const verified = world().stack.world.console.account(account.id)?.verifiedPhone ?? '';
    const call = await world().page.waitForActivity(
      new RegExp(`Call to ${escapeRegExp(verified)}: AWS heard \\d{4,}`),
    );
    expect(call).not.toContain('no digits');
  });

  it('removes and closes an account whose phone AWS verifies by texting a code to our line', async () => {
    const account = await freeSandbox(world().stack, 'code-sms');
    const request = await removeThroughThePage(account);
    await expectRemovedAndClosed(account, request);

    const verified = world().stack.world.console.account(account.id)?.verifiedPhone ?? '';
    const sent = world()
      .stack.world.console.textMessages()
      .filter((t) => t.to === verified);
    expect(sent.length, 'texts AWS sent to the verified line').toBeGreaterThan(0);
    const text = await world().page.waitForActivity(new RegExp(`Text to ${escapeRegExp(verified)} from `));
    expect(text).toContain(sent.at(-1)?.body);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
