// The sign-up wizard and closing as root, step by step on real Chromium against the console simulator (root
// session handed over as the sign-in step leaves it): both id generations, a never-seen layout, the customer
// agreement page, the card masked on the screenshot, every close layout, and a session that ended meanwhile.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountOptions, CloseLayout, Generation } from '../../../sim/console';
import type { AccountId } from '../../../src/common/account-id';
import { browserStepHandlers } from '../../../src/console/browser-steps';
import type { StepName } from '../../../src/pipeline/catalogue';
import type { StepOutcome } from '../../../src/pipeline/step-handler';
import {
  accountSeries,
  type ConsoleRig,
  startConsoleRig,
  teardownAtBrowserStep,
} from '../../support/console-rig';
import { MemoryCaptchaChallenges, MemoryPhoneLineLeases, stepContext } from '../../support/fakes';
import { ocr } from '../../support/ocr';

let rig: ConsoleRig;
beforeAll(async () => {
  rig = await startConsoleRig({
    challenges: new MemoryCaptchaChallenges(),
    sim: { captcha: 'never' },
    leases: new MemoryPhoneLineLeases(),
  });
});
afterAll(async () => rig?.close());

const nextAccount = accountSeries('billing', '2222');
let n = 0;
let account: { id: AccountId; email: string };
beforeEach(() => {
  ({ n, ...account } = nextAccount());
  rig.sim.setFaults({ layout: 'usual', cookieBanner: false, captcha: 'never' });
});

/** An account signed in as root in generation `generation`, its session saved as the sign-in step saves it. */
async function signedIn(generation: Generation, options: Partial<AccountOptions> = {}) {
  const password = await rig.credentials.newPassword(account.id);
  rig.sim.addAccount({ accountId: account.id, email: account.email, password, joinedAt: 0, ...options });
  const cookie = rig.sim.openRootSession(account.id, { generation });
  await rig.sessions.save(`t-billing-${n}`, account.id, [
    { ...cookie, path: '/', expires: -1, httpOnly: true, secure: true },
  ]);
}

const run = (step: StepName): Promise<StepOutcome> =>
  browserStepHandlers(rig.ports)[step]!.run(
    stepContext(teardownAtBrowserStep(step, account, { teardownId: `t-billing-${n}` })),
  );

describe.each<Generation>(['old', 'new'])('the sign-up wizard, %s generation of ids', (generation) => {
  it('gives the contact details and the card, then stops at the phone verification', async () => {
    await signedIn(generation);
    const outcome = await run('complete-signup');
    expect(outcome).toMatchObject({
      type: 'done',
      note: 'contact details given; payment card added; phone verification next',
      data: { signupReached: 'identity' },
    });
    expect(rig.sim.account(account.id)).toMatchObject({
      cardLast4: '1111',
      // Regression: the newer page's month list has values month − 1 and names as texts; August was once
      // chosen as September by its value.
      cardExpiry: '08/2031',
      signup: { contact: true, payment: true, phone: false, support: false },
    });
    // The billing page as filled in: OCR reads the page, and no digit of the card, the CVV or the expiry.
    const shot = outcome.type === 'done' ? outcome.screenshot : undefined;
    expect(shot?.filename).toMatch(/complete-signup-payment\.png$/);
    const read = await ocr(shot?.png ?? new Uint8Array());
    expect(read).toMatch(/Billinginformation/i);
    for (const secret of ['4111', '1111', '737', '2031']) expect(read).not.toContain(secret);
  });
});

it('fills a layout it has never seen (other ids, other order) by labels alone, under a cookie banner', async () => {
  rig.sim.setFaults({ layout: 'novel', cookieBanner: true });
  await signedIn('new');
  expect(await run('complete-signup')).toMatchObject({ type: 'done', data: { signupReached: 'identity' } });
  expect(rig.sim.account(account.id)).toMatchObject({
    cardExpiry: '08/2031',
    signup: { contact: true, payment: true },
  });
});

it('accepts the customer agreement when AWS sends the account to it, and finishes what is left', async () => {
  await signedIn('old', { needsAgreement: true, signupDone: true });
  const outcome = await run('complete-signup');
  expect(outcome).toMatchObject({
    type: 'done',
    note: expect.stringMatching(/^customer agreement accepted/),
  });
  expect(rig.sim.account(account.id)?.signup.agreement).toBe(true);
});

it('signs in again when the saved session has ended, then goes on with the wizard', async () => {
  await signedIn('new');
  rig.sim.expireSessions();
  expect(await run('complete-signup')).toMatchObject({ type: 'done', data: { signupReached: 'identity' } });
});

const LAYOUTS: CloseLayout[] = [
  'checkboxes',
  'checkboxes-modal-testid',
  'typed-id',
  'typed-id-confirm-modal',
];

describe.each(LAYOUTS)('closing as root, %s layout', (closeLayout) => {
  it.each<Generation>(['old', 'new'])(
    'closes the account and sees it closed (%s ids)',
    async (generation) => {
      await signedIn(generation, { signupDone: true, closeLayout });
      const outcome = await run('close-as-root');
      expect(outcome).toMatchObject({ type: 'done', data: { closedState: 'SUSPENDED' } });
      expect(outcome.type === 'done' && outcome.screenshot?.filename).toMatch(/close-as-root-closed\.png$/);
      expect(rig.sim.account(account.id)?.closed).toBe(true);
    },
  );
});

it('closes nothing when the console is signed in to another account than the teardown', async () => {
  const other = nextAccount();
  rig.sim.addAccount({
    accountId: other.id,
    email: other.email,
    signupDone: true,
    closeLayout: 'checkboxes',
  });
  await signedIn('old', { signupDone: true, closeLayout: 'checkboxes' });
  // The saved session is the other account's (a mix-up the flow must catch before it ticks anything).
  const cookie = rig.sim.openRootSession(other.id, { generation: 'old' });
  await rig.sessions.save(`t-billing-${n}`, account.id, [
    { ...cookie, path: '/', expires: -1, httpOnly: true, secure: true },
  ]);
  const outcome = await run('close-as-root');
  expect(outcome).toMatchObject({ type: 'await', signal: 'human' });
  expect(outcome.type === 'await' && outcome.reason).toContain(`signed in to ${other.id}, not ${account.id}`);
  expect(rig.sim.account(other.id)?.closed).toBe(false);
  expect(rig.sim.account(account.id)?.closed).toBe(false);
});
