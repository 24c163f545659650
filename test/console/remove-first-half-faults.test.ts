// The remove path's first half when the console misbehaves: a layout never seen, a cookie banner, a page no flow
// knows (a person decides), an expired reset link (another reset is requested). Real Chromium, moto.
import { afterEach, expect, it } from 'vitest';
import { signInCodeFrom } from '../support/console-rig';
import { type BrowserWorld, browserWorld, deliverMails, resetMailArrives, startRemoval } from './support';

let w: BrowserWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

it('passes every page in a layout it has never seen, under a cookie banner', async () => {
  w = await browserWorld({ sim: { layout: 'novel', cookieBanner: true, captcha: 'sometimes' } });
  await startRemoval(w);
  expect(await w.teardown()).toMatchObject({ step: 'await-reset-mail' });
  await resetMailArrives(w);
  expect(await w.teardown()).toMatchObject({ step: 'complete-signup' });
  expect(w.rig.sim.account(w.id)?.password).toBe(await w.rig.credentials.password(w.id));
});

it('hands a page it does not know to the people in the thread; Done goes on from there', async () => {
  w = await browserWorld({ sim: { captcha: 'never' }, pageTimeoutMs: 3_000 });
  await startRemoval(w);
  w.rig.sim.setFaults({ interstitial: true });
  await resetMailArrives(w);

  const waiting = await w.teardown();
  expect(waiting).toMatchObject({ step: 'sign-in', stepStatus: 'waiting', wait: { signal: 'human' } });
  expect(waiting.wait?.reason).toMatch(/not one I know/);
  const prompt = w.h.notices.at(-1);
  expect(prompt?.event.action).toBe('waiting');
  expect(prompt?.screenshot?.png.byteLength).toBeGreaterThan(1000);
  expect(await w.rig.artifactsOf(waiting.teardownId, '.html')).toEqual([
    expect.stringContaining('Help us keep your account secure'),
  ]);

  // A person finished the page by hand and says so.
  await w.h.runner.resume(w.id, { name: 'human', actor: 'UAPPROVER1', payload: { choice: 'done' } });
  await w.h.runUntilQuiet();
  expect(await w.teardown()).toMatchObject({ step: 'complete-signup' });
});

it('asks for another reset when the mailed link has expired', async () => {
  w = await browserWorld({ sim: { captcha: 'never' } });
  await startRemoval(w);
  w.rig.sim.setFaults({ expiredTokens: true });
  await resetMailArrives(w);
  const t = await w.teardown();
  // Back to request-reset, which ran again: a second mail is on its way.
  expect(t).toMatchObject({ step: 'await-reset-mail', backSteps: { 'request-reset': 1 } });
  expect(w.rig.sim.mails().filter((m) => m.kind === 'reset')).toHaveLength(2);
  w.rig.sim.setFaults({ expiredTokens: false });
  await resetMailArrives(w);
  expect(await w.teardown()).toMatchObject({ step: 'complete-signup' });
});

it('waits for the sign-in code AWS mails to the root address, and signs in with it once the signal brings it', async () => {
  w = await browserWorld({ sim: { captcha: 'never' }, account: { afterPassword: 'mailed-code' } });
  await startRemoval(w);
  await resetMailArrives(w);
  const waiting = await w.teardown();
  expect(waiting).toMatchObject({ step: 'sign-in', stepStatus: 'waiting', wait: { signal: 'sign-in-code' } });

  // The code mail comes the way the reset mail did: SES → S3 → the mail intake → the typed signal.
  const code = signInCodeFrom(w.rig.sim, w.email);
  await deliverMails(w);
  expect(await w.teardown()).toMatchObject({ step: 'complete-signup' });
  const signedIn = w.h.notices.find((n) => n.event.step === 'sign-in' && n.event.action === 'step-succeeded');
  expect(signedIn?.event.detail).toContain('code AWS mailed');
  // The code itself is nowhere in what was shown.
  expect(JSON.stringify(w.h.notices.map((n) => n.event))).not.toContain(code);
  expect(JSON.stringify(await w.h.scanTable())).not.toContain(code);
});
