import { describe, expect, it } from 'vitest';
import type { LocalDemoAccount } from '../../src/local/demo-organization';
import {
  approveAsBob,
  askAsAlice,
  describeInOrganization,
  e2eWorldPerFile,
  freeSandbox,
} from './support/e2e-stack';

// When a machine cannot go on, the thread asks the people in it: a CAPTCHA 2captcha gave up on, answered in the
// modal, and a console page the bot does not know, answered with Done. The knobs that make that happen are
// turned on the page's realism panel, as a person trying the playground would turn them.

const GIVE_UP = '2captcha gives up (share)';
const UNKNOWN_PAGE = 'unknown page after sign-in (share)';

const world = e2eWorldPerFile();

/** alice asks for `--remove` of the account and bob approves it; returns the request's ts. */
async function requestAndApprove(account: LocalDemoAccount): Promise<string> {
  const { page } = world();
  const request = await askAsAlice(page, account.id, '--remove workshop ended');
  await approveAsBob(page, request);
  return request;
}

describe('people answering in the thread', { timeout: 240_000 }, () => {
  it('takes the CAPTCHA bob reads and types into the modal, and the teardown goes on', async () => {
    const { page, stack, organizations } = world();
    await page.setKnob(GIVE_UP, 1);
    expect(stack.realism.get().captchaGiveUpRate).toBe(1);
    const account = await freeSandbox(stack, 'pin');
    const request = await requestAndApprove(account);

    await page.waitForText(request, 'A CAPTCHA needs a person', 'thread', { timeoutMs: 60_000 });
    const pictures = await page.threadImages(request);
    expect(
      pictures.filter((p) => p.loaded && p.alt === 'CAPTCHA'),
      'the CAPTCHA picture shows in the thread',
    ).toHaveLength(1);
    // Later CAPTCHAs (the phone verification has one) are 2captcha's again.
    await page.setKnob(GIVE_UP, 0);

    await page.clickButton(request, 'Solve', { inThread: true });
    const modal = await page.waitForModal('Solve the CAPTCHA');
    expect(modal).toContain(account.id);
    // The person's eyes: what the picture says.
    const characters = stack.world.console.latestCaptchaAnswer();
    expect(characters, 'a CAPTCHA is open on the console').toBeTruthy();
    await page.fillAndSubmitModal('Characters in the picture', characters ?? '');
    await page.waitForModalClosed();

    await page.waitForText(request, /CAPTCHA answered by @bob/, 'thread');
    const thread = await page.waitForText(
      request,
      /Request a root password reset[^✅]*CAPTCHA solved by @bob/,
      'thread',
      { timeoutMs: 60_000 },
    );
    expect(thread).toContain('AWS sent the reset mail');
    await page.waitForText(request, 'Succeeded', 'message', { timeoutMs: 150_000 });
    expect(await describeInOrganization(organizations, account.id)).toBe('gone');
  });

  it('goes on with the next step after bob answers an unknown page at sign-in with Done', async () => {
    const { page, stack, organizations } = world();
    await page.setKnob(UNKNOWN_PAGE, 1);
    const account = await freeSandbox(stack, 'code-sms');
    const request = await requestAndApprove(account);

    const prompt = await page.waitForText(request, /Sign in as root\) needs a person/, 'thread', {
      timeoutMs: 90_000,
    });
    expect(prompt).toMatch(/Done.*Retry.*Abort/s);
    const shots = await page.threadImages(request);
    expect(
      shots.filter((s) => s.loaded && s.alt.includes('signin/interstitial')),
      'the screenshot of the unknown page, shown in the thread',
    ).toHaveLength(1);

    // Done: the person signed in by hand. The next step finds no saved session and signs in with the kept
    // password itself; by then the page no longer shows.
    await page.setKnob(UNKNOWN_PAGE, 0);
    const question = await page.clickAndConfirm(request, 'Done', { inThread: true });
    expect(question).toContain('Step done by hand?');

    await page.waitForText(request, /Step marked done by @bob/, 'thread');
    await page.waitForText(request, /Sign in as root — done by hand by @bob/, 'thread');
    await page.waitForText(request, 'Complete the billing sign-up', 'thread', { timeoutMs: 60_000 });
    await page.waitForText(request, 'Succeeded', 'message', { timeoutMs: 150_000 });
    expect(await describeInOrganization(organizations, account.id)).toBe('gone');
    expect(stack.world.console.account(account.id)).toMatchObject({ removed: true, closed: true });
  });
});
