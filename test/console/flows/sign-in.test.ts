// The sign-in step on real Chromium against the console simulator: what comes after the password, by meaning,
// and the root session kept between invocations.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AfterPassword } from '../../../sim/console';
import type { AccountId } from '../../../src/common/account-id';
import { browserStepHandlers } from '../../../src/console/browser-steps';
import type { Teardown } from '../../../src/pipeline/model';
import type { StepOutcome } from '../../../src/pipeline/step-handler';
import {
  accountSeries,
  type ConsoleRig,
  signInCodeFrom,
  startConsoleRig,
  teardownAtBrowserStep,
} from '../../support/console-rig';
import { MemoryCaptchaChallenges, stepContext } from '../../support/fakes';

let rig: ConsoleRig;
beforeAll(async () => {
  rig = await startConsoleRig({ challenges: new MemoryCaptchaChallenges(), sim: { captcha: 'never' } });
});
afterAll(async () => rig?.close());

const nextAccount = accountSeries('root', '1111');
let n = 0;
let account: { id: AccountId; email: string };
beforeEach(() => {
  ({ n, ...account } = nextAccount());
  rig.sim.setFaults({ interstitial: false, cookieBanner: false, layout: 'usual', captcha: 'never' });
});

/** An account whose root password is set (as set-password leaves it), with `afterPassword` behaviour. */
async function accountWithPassword(afterPassword: AfterPassword = 'straight-in') {
  const password = await rig.credentials.newPassword(account.id);
  rig.sim.addAccount({ accountId: account.id, email: account.email, password, afterPassword });
}

function atSignIn(changes: Partial<Teardown> = {}): Teardown {
  return teardownAtBrowserStep('sign-in', account, { teardownId: `t-sign-in-${n}`, ...changes });
}

const signIn = (teardown: Teardown): Promise<StepOutcome> =>
  browserStepHandlers(rig.ports)['sign-in']!.run(stepContext(teardown));

const passwordPosts = () =>
  rig.sim.requests().filter((r) => r.method === 'POST' && r.path.startsWith('/signin/password')).length;

it('signs in straight to the console, keeps the session, and reuses it on the next invocation', async () => {
  await accountWithPassword('straight-in');
  const first = await signIn(atSignIn());
  expect(first).toMatchObject({ type: 'done', note: expect.stringMatching(/^signed in as root/) });
  expect(first.type === 'done' && first.screenshot?.png.byteLength).toBeGreaterThan(1000);
  const posts = passwordPosts();

  // The next browser invocation of this teardown: no password typed again.
  const second = await signIn(atSignIn());
  expect(second).toMatchObject({ type: 'done', note: expect.stringContaining('saved session') });
  expect(passwordPosts()).toBe(posts);

  // Once AWS ends the session, the worker signs in again by itself.
  rig.sim.expireSessions();
  const third = await signIn(atSignIn());
  expect(third).toMatchObject({ type: 'done', note: expect.not.stringContaining('saved session') });
  expect(passwordPosts()).toBe(posts + 1);
});

it('skips MFA registration while AWS offers to', async () => {
  await accountWithPassword('mfa-register-skippable');
  const outcome = await signIn(atSignIn());
  expect(outcome).toMatchObject({ type: 'done', note: expect.stringContaining('MFA registration skipped') });
  expect(rig.sim.account(account.id)?.mfaKey).toBeUndefined();
  expect(await rig.credentials.mfaKey(account.id)).toBeUndefined();
});

it('registers a virtual MFA device when it must, keeps its key, and uses it on a later sign-in', async () => {
  await accountWithPassword('mfa-register-forced');
  const outcome = await signIn(atSignIn());
  expect(outcome).toMatchObject({
    type: 'done',
    note: expect.stringContaining('virtual MFA device was registered'),
  });
  const kept = await rig.credentials.mfaKey(account.id);
  expect(kept).toMatch(/^[A-Z2-7]{16,}/);
  expect(rig.sim.account(account.id)?.mfaKey).toBe(kept);

  // A later sign-in (another teardown, no saved session) is asked for a code and answers from the stored key.
  const later = await signIn(atSignIn({ teardownId: `t-later-${n}` }));
  expect(later).toMatchObject({ type: 'done', note: expect.stringMatching(/^signed in as root/) });
  expect(
    rig.sim
      .requests()
      .some((r) => r.method === 'POST' && r.path.startsWith('/signin/mfa') && !r.path.includes('assign')),
  ).toBe(true);
});

it('waits for a code AWS mails to the root address, then types it into the page that asked', async () => {
  await accountWithPassword('mailed-code');
  const first = await signIn(atSignIn());
  expect(first).toMatchObject({ type: 'await', signal: 'sign-in-code' });
  const data = first.type === 'await' ? first.data : undefined;
  expect(data?.signInCodePage).toMatch(/^https:\/\/signin\.aws\.amazon\.com\//);

  const code = signInCodeFrom(rig.sim, account.email);
  const second = await signIn(atSignIn({ data: { ...data }, handoff: { signInCode: code } }));
  expect(second).toMatchObject({ type: 'done', note: expect.stringContaining('code AWS mailed') });
});

it('passes a layout it has never seen, under a cookie banner', async () => {
  await accountWithPassword('mfa-register-skippable');
  rig.sim.setFaults({ layout: 'novel', cookieBanner: true });
  const outcome = await signIn(atSignIn());
  expect(outcome).toMatchObject({ type: 'done' });
});

it('hands an unknown page to a person with a masked screenshot and the scrubbed HTML kept', async () => {
  await accountWithPassword('straight-in');
  rig.sim.setFaults({ interstitial: true });
  const rigShort = browserStepHandlers({ ...rig.ports, settings: { pageTimeoutMs: 3_000 } });
  const outcome = await rigShort['sign-in']!.run(stepContext(atSignIn()));
  expect(outcome).toMatchObject({
    type: 'await',
    signal: 'human',
    reason: expect.stringMatching(/not one I know/),
  });
  // What Done, Retry and Abort do is the prompt's to say, under its buttons: the reason does not repeat it.
  expect(outcome.type === 'await' && outcome.reason).not.toMatch(/Retry/);
  expect(outcome.type === 'await' && outcome.screenshot?.png.byteLength).toBeGreaterThan(1000);
  const html = await rig.artifactsOf(`t-sign-in-${n}`, '.html');
  expect(html).toHaveLength(1);
  expect(html[0]).toContain('Help us keep your account secure');
  expect(html[0]).not.toContain((await rig.credentials.password(account.id)) as string);
});

it('signs in afresh when the page that asked for a mailed code is gone, dropping the code it can no longer use', async () => {
  await accountWithPassword('mailed-code');
  // No saved session for this teardown: the page the code belonged to cannot be reached any more.
  const outcome = await signIn(
    atSignIn({
      data: { signInCodePage: 'https://signin.aws.amazon.com/signin/verify' },
      handoff: { signInCode: '123456' },
    }),
  );
  expect(outcome).toEqual({
    type: 'rerun',
    reason: 'the sign-in that asked for the mailed code expired; signing in again',
    handoff: { signInCode: null },
  });
});

it('asks for a new code when AWS refuses the mailed one', async () => {
  await accountWithPassword('mailed-code');
  const first = await signIn(atSignIn());
  const data = first.type === 'await' ? first.data : undefined;
  const refused = await signIn(atSignIn({ data: { ...data }, handoff: { signInCode: '000000' } }));
  expect(refused).toMatchObject({
    type: 'await',
    signal: 'sign-in-code',
    reason: expect.stringContaining('refused'),
  });
});
