// The verify-phone step on real Chromium against the console simulator, the phone network played by the test:
// a call that did not verify is made again, a code AWS refuses goes to a person, and a code that comes after
// this run's time is handed to the next run by the phone Lambda's signal, on the line the step kept. The line is
// leased only once the form's CAPTCHA is answered, and a teardown far back in the queue starts no browser.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountOptions, Generation, PhoneNetwork } from '../../../sim/console';
import type { AccountId } from '../../../src/common/account-id';
import { browserStepHandlers } from '../../../src/console/browser-steps';
import type { Teardown } from '../../../src/pipeline/model';
import type { LineHolder } from '../../../src/pipeline/ports/phone-line-leases';
import type { StepOutcome } from '../../../src/pipeline/step-handler';
import {
  accountSeries,
  type ConsoleRig,
  startConsoleRig,
  teardownAtBrowserStep,
} from '../../support/console-rig';
import { MemoryCaptchaChallenges, MemoryPhoneLineLeases, stepContext } from '../../support/fakes';

const LINE = '+15550100';
const leases = new MemoryPhoneLineLeases();
let rig: ConsoleRig;
beforeAll(async () => {
  rig = await startConsoleRig({
    challenges: new MemoryCaptchaChallenges(),
    sim: { captcha: 'never' },
    leases,
    phoneLines: [{ number: LINE }],
  });
});
afterAll(async () => rig?.close());

const nextAccount = accountSeries('phone', '3333');
let n = 0;
let account: { id: AccountId; email: string };
beforeEach(() => {
  ({ n, ...account } = nextAccount());
});

/** An account signed in as root whose sign-up waits for the phone verification. */
async function atIdentityPage(options: Partial<AccountOptions>, generation: Generation = 'new') {
  const password = await rig.credentials.newPassword(account.id);
  rig.sim.addAccount({ accountId: account.id, email: account.email, password, signupDone: true, ...options });
  rig.sim.updateAccount(account.id, { signup: { phone: false } });
  const cookie = rig.sim.openRootSession(account.id, { generation });
  await rig.sessions.save(`t-phone-${n}`, account.id, [
    { ...cookie, path: '/', expires: -1, httpOnly: true, secure: true },
  ]);
}

const holder = () => ({ accountId: account.id, teardownId: `t-phone-${n}` });
const teardown = (changes: Partial<Teardown> = {}) =>
  teardownAtBrowserStep('verify-phone', account, { teardownId: `t-phone-${n}`, ...changes });
const run = (t: Teardown, ports = rig.ports): Promise<StepOutcome> =>
  browserStepHandlers(ports)['verify-phone']!.run(stepContext(t));

/**
 * What the line hears: the PIN its lease holds once the page has shown a new one (our contact flow waits for AWS's
 * instructions first, then asks), after `wrongFirst` calls answered with wrong digits.
 */
function keyingPhone(wrongFirst: number): PhoneNetwork & { calls: number } {
  const keyed: string[] = [];
  const phone = {
    calls: 0,
    async call(to: string) {
      phone.calls++;
      const deadline = Date.now() + 10_000;
      let pin = (await leases.holderOf(to, Date.now()))?.pin;
      while ((!pin || keyed.includes(pin)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        pin = (await leases.holderOf(to, Date.now()))?.pin;
      }
      keyed.push(pin ?? '');
      return { digits: phone.calls <= wrongFirst ? '0000' : (pin ?? '') };
    },
    async sms() {},
  };
  return phone;
}

it('asks AWS to call again when a call did not verify the phone, then goes on', async () => {
  await atIdentityPage({ verification: 'pin' });
  const phone = keyingPhone(1);
  rig.sim.setPhoneNetwork(phone);
  const outcome = await run(teardown());
  expect(outcome).toMatchObject({
    type: 'done',
    note: expect.stringMatching(/^phone verified on the line ending 0100/),
  });
  expect(phone.calls).toBe(2);
  expect(rig.sim.account(account.id)).toMatchObject({
    verifiedPhone: LINE,
    signup: { phone: true, support: true },
  });
  expect(await leases.holderOf(LINE, Date.now())).toBeUndefined();
});

it('hands a code AWS refuses to a person, the line free again', async () => {
  await atIdentityPage({ verification: 'code-sms' });
  rig.sim.setPhoneNetwork({
    call: async () => ({ digits: '' }),
    // A wrong code reaches the line (say, an old message).
    sms: async ({ to }) => void (await leases.setCode(to, holder(), '000000', Date.now())),
  });
  const outcome = await run(teardown());
  expect(outcome).toMatchObject({ type: 'await', signal: 'human' });
  expect(outcome.type === 'await' && outcome.reason).toMatch(
    /AWS did not take the code sent to the line ending 0100/,
  );
  expect(rig.sim.account(account.id)?.signup.phone).toBe(false);
  expect(await leases.holderOf(LINE, Date.now())).toBeUndefined();
});

it('keeps the line and waits for the phone Lambda when the code comes after this run, then types it in', async () => {
  await atIdentityPage({ verification: 'code-sms' });
  const texts: string[] = [];
  rig.sim.setPhoneNetwork({
    call: async () => ({ digits: '' }),
    sms: async ({ body }) => void texts.push(body),
  });
  // This invocation has two seconds left: too little to wait for a text.
  const hurried = { ...rig.ports, stopBy: () => Date.now() + 2_000 };
  const first = await run(teardown(), hurried);
  expect(first).toMatchObject({ type: 'await', signal: 'phone-code', data: { phoneLine: LINE } });
  expect((await leases.holderOf(LINE, Date.now()))?.teardownId).toBe(holder().teardownId);

  // The text arrives; the phone Lambda signals the teardown, whose next run gets the code handed over.
  const code = /(\d{6})/.exec(texts[0] ?? '')?.[1];
  expect(code).toBeDefined();
  const second = await run(teardown({ data: { phoneLine: LINE }, handoff: { phoneCode: code ?? '' } }));
  expect(second).toMatchObject({ type: 'done' });
  expect(rig.sim.account(account.id)).toMatchObject({ verifiedPhone: LINE, signup: { phone: true } });
  expect(await leases.holderOf(LINE, Date.now())).toBeUndefined();
});

describe('the line and its queue', () => {
  afterEach(() => rig.sim.setFaults({ captcha: 'never' }));

  /** The rig's ports, with 2captcha's answers and Chromium's starts seen by the test. */
  function watchedPorts(onSolve: () => Promise<void> = async () => {}) {
    const seen = { solves: 0, launches: 0 };
    const solver = rig.ports.captcha.solver;
    if (!solver) throw new Error('the rig has no 2captcha stand-in');
    const ports = {
      ...rig.ports,
      launch: () => {
        seen.launches++;
        return rig.ports.launch();
      },
      captcha: {
        ...rig.ports.captcha,
        solver: {
          ...solver,
          async solve(png: Uint8Array, options: Parameters<typeof solver.solve>[1]) {
            seen.solves++;
            await onSolve();
            return solver.solve(png, options);
          },
          reportCorrect: (taskId: string) => solver.reportCorrect(taskId),
          reportIncorrect: (taskId: string) => solver.reportIncorrect(taskId),
        },
      },
    };
    return { ports, seen };
  }

  /** At the identity page (a PIN) with a CAPTCHA on the phone form; the line keys in the PIN it is given. */
  async function atPhoneFormWithCaptcha(generation: Generation = 'new') {
    await atIdentityPage({ verification: 'pin' }, generation);
    rig.sim.setFaults({ captcha: 'always' });
    rig.sim.setPhoneNetwork(keyingPhone(0));
  }

  /** Another teardown asking for the line: it gets it when it is free, else it queues. */
  async function otherTeardownAsks(teardownId: string): Promise<LineHolder> {
    const other = { accountId: '999999999990' as AccountId, teardownId };
    await leases.lease([LINE], other, Date.now(), 60_000);
    return other;
  }

  it.each(['new', 'old'] as const)(
    "solves the phone form's CAPTCHA before it takes the line: the line is free while 2captcha reads (%s page)",
    async (generation) => {
      await atPhoneFormWithCaptcha(generation);
      const heldWhileSolving: unknown[] = [];
      const { ports, seen } = watchedPorts(async () => {
        heldWhileSolving.push(await leases.holderOf(LINE, Date.now()));
      });
      const outcome = await run(teardown(), ports);
      expect(outcome).toMatchObject({ type: 'done', note: expect.stringMatching(/line ending 0100/) });
      expect(seen.solves).toBeGreaterThanOrEqual(1);
      expect(heldWhileSolving.every((lease) => lease === undefined)).toBe(true);
      expect(rig.sim.account(account.id)).toMatchObject({ verifiedPhone: LINE, signup: { phone: true } });
    },
  );

  it('lets a teardown far back in the queue wait without Chromium, and goes on once its turn comes', async () => {
    await atPhoneFormWithCaptcha();
    // Another teardown holds the only line and two more wait for it.
    const other = await otherTeardownAsks('t-other');
    const waiters = [await otherTeardownAsks('t-next-1'), await otherTeardownAsks('t-next-2')];
    expect((await leases.holderOf(LINE, Date.now()))?.teardownId).toBe('t-other');
    const { ports, seen } = watchedPorts();
    const { queuePollMs } = rig.ports.phone.settings;

    // The first run finds the queue on the identity page and leaves before the CAPTCHA. Twice the pool (two) may
    // get ready ahead of their turn; it is third, so one release must come first: it looks again after one poll.
    const before = Date.now();
    const first = await run(teardown(), ports);
    expect(first).toMatchObject({
      type: 'wait',
      reason: 'waiting for a free phone line (number 3 in the queue)',
      data: { phoneLinesWanted: LINE },
    });
    const until = first.type === 'wait' ? first.until : 0;
    expect(until).toBeGreaterThanOrEqual(before + queuePollMs);
    expect(until).toBeLessThanOrEqual(Date.now() + queuePollMs);
    expect(seen).toEqual({ solves: 0, launches: 1 });

    // Its next run looks at the queue only.
    const waiting = teardown({ data: { phoneLinesWanted: LINE } });
    const second = await run(waiting, ports);
    expect(second).toMatchObject({
      type: 'wait',
      reason: 'waiting for a free phone line (number 3 in the queue)',
    });
    expect(seen).toEqual({ solves: 0, launches: 1 });

    // The line is freed and the teardowns ahead give up their places: the page opens and the phone is verified.
    await leases.release(LINE, other);
    for (const waiter of waiters) await leases.leaveQueue(waiter);
    const third = await run(waiting, ports);
    expect(third).toMatchObject({ type: 'done' });
    expect(seen.launches).toBe(2);
    expect(rig.sim.account(account.id)).toMatchObject({ verifiedPhone: LINE, signup: { phone: true } });
  });

  // Regression: with one ready waiter per line, a line freed by a texted code (seconds) stood idle while the next
  // waiter's page and CAPTCHA got ready (some 20 s).
  it('gets a teardown second in the queue for one line ready too, ahead of its turn', async () => {
    await atPhoneFormWithCaptcha();
    const holder = await otherTeardownAsks('t-holder');
    const ahead = await otherTeardownAsks('t-ahead');
    const { ports, seen } = watchedPorts(async () => {
      // While this teardown's CAPTCHA is read, the holder hangs up and the one ahead takes and frees the line.
      setTimeout(() => {
        void (async () => {
          await leases.release(LINE, holder);
          await leases.lease([LINE], ahead, Date.now(), 60_000);
          await leases.release(LINE, ahead);
        })();
      }, 500);
    });
    const outcome = await run(teardown(), ports);
    expect(outcome).toMatchObject({ type: 'done' });
    // One run: the page was made ready (its CAPTCHA solved) while two stood ahead of it.
    expect(seen).toEqual({ solves: 1, launches: 1 });
    expect(rig.sim.account(account.id)).toMatchObject({ verifiedPhone: LINE });
  });

  it('gets a teardown next in the queue ready, and takes the line the moment it is freed', async () => {
    await atPhoneFormWithCaptcha();
    const other = await otherTeardownAsks('t-other-2');
    expect((await leases.holderOf(LINE, Date.now()))?.teardownId).toBe('t-other-2');
    let freedAt = Number.POSITIVE_INFINITY;
    const { ports, seen } = watchedPorts(async () => {
      // The holder hangs up while this teardown's CAPTCHA is read.
      setTimeout(() => {
        freedAt = Date.now();
        void leases.release(LINE, other);
      }, 1_000);
    });
    const outcome = await run(teardown(), ports);
    expect(outcome).toMatchObject({ type: 'done' });
    expect(seen.solves).toBe(1);
    expect(Date.now()).toBeGreaterThan(freedAt);
    expect(rig.sim.account(account.id)).toMatchObject({ verifiedPhone: LINE });
  });
});
