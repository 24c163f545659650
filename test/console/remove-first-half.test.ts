// The remove path's first half on real Chromium against the console simulator, AWS on moto: a reset is requested,
// the mailed link (handed over by the pipeline's typed signal, as the mail Lambda of the next issue will) sets the
// root password, and the worker signs in as root.
import { afterEach, describe, expect, it } from 'vitest';
import type { Generation } from '../../sim/console';
import { requestApprovedRemoval } from '../support/runner-rig';
import { type BrowserWorld, browserWorld, deliverMails, resetMailArrives, startRemoval } from './support';

let w: BrowserWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe.each<Generation>(['old', 'new'])('with the %s generation of ids', (generation) => {
  it('requests a reset, sets the root password from the mailed link and signs in as root', async () => {
    w = await browserWorld({ sim: { generation, captcha: 'always' } });
    await startRemoval(w);

    let t = await w.teardown();
    expect(t.step).toBe('await-reset-mail');
    expect(t.wait?.signal).toBe('reset-link');
    const resetNotice = w.h.notices.find(
      (n) => n.event.step === 'request-reset' && n.event.action === 'step-succeeded',
    );
    expect(resetNotice?.event.detail).toMatch(/sent the reset mail.*CAPTCHA solved by 2captcha/);
    expect(resetNotice?.screenshot?.png.byteLength).toBeGreaterThan(1000);
    // The answer 2captcha gave was taken, and reported so.
    expect(w.rig.captcha.reports().map((r) => r.kind)).toContain('correct');

    await resetMailArrives(w);
    t = await w.teardown();
    expect(t.step).toBe('complete-signup');
    const kept = await w.rig.credentials.password(w.id);
    expect(kept).toBeDefined();
    // The password in the secret is the one the console accepted.
    expect(w.rig.sim.account(w.id)?.password).toBe(kept);
    const steps = w.h.notices.filter((n) => n.event.action === 'step-succeeded').map((n) => n.event.step);
    expect(steps).toEqual([
      'preflight',
      'approval',
      'allow-password-recovery',
      'request-reset',
      'await-reset-mail',
      'set-password',
      'sign-in',
    ]);
    // The session is kept for the later browser steps.
    expect(await w.rig.sessions.load(t.teardownId, w.id)).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'sim-session' })]),
    );
  });
});

it('takes each reset link to its own teardown once, with two waiting and their mails crossed and delivered twice', async () => {
  w = await browserWorld({ sim: { captcha: 'never', promotionalMailFirst: true } });
  const other = w.h.org.accounts.sandbox2;
  await startRemoval(w);
  await requestApprovedRemoval(w.h, other.id);
  expect((await w.h.store.get(other.id))?.step).toBe('await-reset-mail');
  // Four mails so far: a promotion and a reset mail for each account; SES delivers them backwards, each twice.
  expect(w.mailQueue.map((m) => m.kind)).toEqual(['promotion', 'reset', 'promotion', 'reset']);
  const outcomes = JSON.stringify(await deliverMails(w, { reverse: true, twice: true }));
  // Each reset mail resumed its teardown once; its second copy found it no longer waiting.
  expect(outcomes.match(/"resumed"/g)).toHaveLength(2);
  expect(outcomes.match(/no teardown waits for a reset mail/g)).toHaveLength(2);

  for (const account of [w.h.org.accounts.sandbox1, other]) {
    expect(await w.h.store.get(account.id)).toMatchObject({ step: 'complete-signup' });
    expect(w.rig.sim.account(account.id)?.password).toBe(await w.rig.credentials.password(account.id));
    const events = await w.h.store.events(account.id, (await w.h.store.get(account.id))!.teardownId);
    expect(events.filter((e) => e.step === 'await-reset-mail' && e.action === 'step-succeeded')).toHaveLength(
      1,
    );
    expect(events.filter((e) => e.action === 'mail-received')).toEqual([
      expect.objectContaining({ detail: expect.stringContaining('Welcome to Amazon Web Services') }),
    ]);
  }
  // The thread says a mail came, never what it held.
  const replies = w.h.notices.map((n) => JSON.stringify(n.event)).join('\n');
  expect(replies).toContain('reset mail received');
  expect(replies).not.toMatch(/token=/);
});
