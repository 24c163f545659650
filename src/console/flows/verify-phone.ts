import type { Page } from 'puppeteer-core';
import { PageNotRecognisedError, PersonNeededError } from '../../common/errors';
import type { PhoneLine } from '../../common/phone-lines';
import type { LineHolder, LineLease, PhoneLineLeases } from '../../pipeline/ports/phone-line-leases';
import { SIGNAL } from '../../pipeline/signals';
import type { StepOutcome } from '../../pipeline/step-handler';
import type { ConsoleSession } from '../browser-session';
import { findCaptcha } from '../captcha/captcha-widget';
import { solveCaptcha } from '../captcha/solve-captcha';
import { afterActingOn, findNow, recognise } from '../page-kit';
import type { PaymentCards, PhonePrompter } from '../ports';
import { IDENTITY_PAGES, type IdentityPage, VERIFY, WIZARD_PAGES } from './billing-pages';
import { openWizard, runWizard } from './billing-wizard';
import { type FlowContext, handedOver, usedUp } from './flow-context';
import { alertText, chooseOption, pressButton, setField } from './form-fields';
import { captchaOwner, solvedBy } from './root-sign-in';

export interface PhoneSettings {
  /** How long a teardown holds a line; renewed while it uses it. */
  leaseTtlMs: number;
  /** How long the page may take to say the call worked (AWS calls, speaks, listens for the PIN). */
  callWaitMs: number;
  /** How long a code sent to one of our lines may take to arrive. */
  codeWaitMs: number;
  /** How long a person whose own phone is the line may take. */
  personWaitMs: number;
  /** How often the line's lease is read for a code. */
  codePollMs: number;
  /** How soon a teardown waiting for a free line looks again. */
  queuePollMs: number;
}

export interface PhoneVerificationDeps {
  /** The pool (PHONE_LINES): our own lines and people's own phones. */
  lines: readonly PhoneLine[];
  leases: PhoneLineLeases;
  prompter?: PhonePrompter;
  cards: PaymentCards;
  settings: PhoneSettings;
}

/** Where the teardown keeps the line it leased (a number, no secret): cleanup releases it if it is still held. */
const LINE = 'phoneLine';
/** The lines a teardown waiting for one wants (numbers, no secret): its next run looks at the queue first. */
const LINES_WANTED = 'phoneLinesWanted';
/** When the step first waited for a texted code beyond its run (no secret). */
const CODE_AWAITED_SINCE = 'phoneCodeAwaitedSince';
/** How often AWS is asked to call again after a call that did not verify the phone. */
const CALLS_AGAIN = 2;

/**
 * Verifies the account's phone on the wizard's identity page with a leased line, in whichever direction the page
 * goes: the page shows a PIN and AWS calls the line (the contact flow keys the PIN in), or AWS sends a code to the
 * line (SMS to our two-way number, or a person's own phone) that is typed in. Then the rest of the wizard.
 */
export async function verifyPhone(
  session: ConsoleSession,
  flow: FlowContext,
  deps: PhoneVerificationDeps,
): Promise<StepOutcome> {
  const first = await openWizard(session, flow);
  const card = () => deps.cards.card();
  if (first !== 'identity') {
    // Verified before (an earlier run, or by hand): the wizard goes on from where it is.
    const progress = await runWizard(session, flow, card, first, { stopAt: 'finished' });
    return finished(session, flow, ['the phone number was verified already', ...progress.notes], {});
  }
  if (deps.lines.length === 0) {
    throw new PersonNeededError(
      'No phone line is configured (PHONE_LINES), so I cannot verify the phone number. Verify it by hand in the console, then press Done.',
    );
  }
  const holder: LineHolder = { accountId: flow.teardown.accountId, teardownId: flow.teardown.teardownId };
  const pool = await linesFor(session, flow, deps, holder);
  const verification = new Verification(session, flow, deps, pool, holder);
  let how: string;
  try {
    how = await verification.run();
  } catch (error) {
    if (error instanceof NoLineYet)
      return waitForLine(error.place, pool, flow.now(), deps.settings.queuePollMs);
    const lease = verification.lease;
    // The code comes after this invocation: the line stays leased, the phone Lambda signals the teardown.
    if (error instanceof CodeComesLater && lease) return codeLaterOutcome(error, lease.line, flow);
    // A person takes over (or the step runs again): the line is free for the next teardown meanwhile.
    if (lease) await deps.leases.release(lease.line, holder);
    await verification.closePrompt('expired');
    throw error;
  }
  const line = verification.lease?.line;
  if (line) await deps.leases.release(line, holder);
  await verification.closePrompt('verified');
  const next = await recognise(session.page, afterActingOn(WIZARD_PAGES, 'identity'), {
    timeoutMs: flow.settings.pageTimeoutMs,
    expecting: 'the page after the phone verification',
  });
  const progress = await runWizard(session, flow, card, next, { stopAt: 'finished' });
  const solved = solvedBy(flow.solvers);
  return finished(session, flow, [how, ...(solved ? [solved] : []), ...progress.notes], {
    ...(line ? { [LINE]: line } : {}),
    phoneVerifiedAt: flow.now(),
  });
}

/**
 * Every run that finds no line for it says where it stands, and keeps the lines it wants for the next look. It
 * looks again after one `queuePollMs` for each release it still needs before it is near the front: a teardown
 * far back does not run every poll for nothing.
 */
function waitForLine(place: number, pool: readonly string[], now: number, queuePollMs: number): StepOutcome {
  const releasesNeeded = Math.max(1, place - readyAhead(pool));
  return {
    type: 'wait',
    until: now + queuePollMs * releasesNeeded,
    reason: `waiting for a free phone line${place > 0 ? ` (number ${place} in the queue)` : ''}`,
    data: { [LINES_WANTED]: pool.join(',') },
  };
}

/**
 * Before a browser opens for a teardown waiting for a line: the wait again, without Chromium, while more
 * teardowns stand ahead of it than the lines it wants; undefined when its turn is near (the page is opened then,
 * and made ready while the lines' holders finish).
 */
export async function stillWaitingForLine(
  flow: Pick<FlowContext, 'teardown' | 'now'>,
  deps: Pick<PhoneVerificationDeps, 'lines' | 'leases' | 'settings'>,
): Promise<StepOutcome | undefined> {
  const wanted = flow.teardown.data[LINES_WANTED];
  if (typeof wanted !== 'string') return undefined;
  // Lines taken out of PHONE_LINES since are not waited for.
  const pool = wanted.split(',').filter((number) => deps.lines.some((line) => line.number === number));
  if (pool.length === 0) return undefined;
  const holder: LineHolder = { accountId: flow.teardown.accountId, teardownId: flow.teardown.teardownId };
  const place = await deps.leases.place(pool, holder, flow.now(), deps.settings.leaseTtlMs);
  return nearTheFront(place, pool)
    ? undefined
    : waitForLine(place, pool, flow.now(), deps.settings.queuePollMs);
}

/**
 * Close enough to a line to get the page ready: no more waiters ahead than twice the pool's lines. A texted code
 * frees its line within seconds, sooner than a waiter's page and CAPTCHA are ready (some 20 s), so a pool with only
 * one ready waiter per line stood idle after every text.
 */
function nearTheFront(place: number, pool: readonly string[]): boolean {
  return place <= readyAhead(pool);
}

/** How many teardowns of a pool's queue keep their page ready for its lines. */
const readyAhead = (pool: readonly string[]) => 2 * new Set(pool).size;

/**
 * The lines this verification may lease: the one an earlier run of the step still holds (a code on its way to
 * it), else those that can take what the page will do: texts where it offers SMS, calls where it shows a PIN or
 * only offers a voice call.
 */
async function linesFor(
  session: ConsoleSession,
  flow: FlowContext,
  deps: PhoneVerificationDeps,
  holder: LineHolder,
): Promise<string[]> {
  const held = flow.teardown.data[LINE];
  if (typeof held === 'string') {
    const lease = await deps.leases.holderOf(held, flow.now());
    if (lease?.teardownId === holder.teardownId) return [held];
  }
  const kind = await recognise(session.page, IDENTITY_PAGES, {
    timeoutMs: flow.settings.pageTimeoutMs,
    expecting: 'the identity verification page',
  });
  const frame = session.page.mainFrame();
  const needs =
    kind === 'phone-form' && (await findNow(frame, VERIFY.smsChoice))
      ? 'texts'
      : kind === 'phone-form' || kind === 'pin-shown'
        ? 'calls'
        : undefined;
  const pool = deps.lines
    .filter((line) => !needs || !line.takes || line.takes === needs)
    .map((l) => l.number);
  if (pool.length === 0) {
    throw new PersonNeededError(
      `AWS will verify the phone by ${needs === 'texts' ? 'text message' : 'a call'}, and no line in PHONE_LINES takes ${needs}. Verify it by hand, then press Done.`,
    );
  }
  return pool;
}

async function finished(
  session: ConsoleSession,
  flow: FlowContext,
  notes: string[],
  data: Record<string, string | number>,
): Promise<StepOutcome> {
  await session.saveSession();
  const screenshot = await session.screenshot('Sign-up complete', 'signup-complete');
  return {
    type: 'done',
    note: notes.join('; '),
    screenshot,
    data: { ...data, signupCompletedAt: flow.now() },
  };
}

/**
 * One verification, from the phone form to "verified", on a line of `pool` leased only once the form is ready to
 * go (its CAPTCHA answered): the line is not held while the CAPTCHA is solved.
 */
class Verification {
  private prompted = false;
  /** The line's lease, once taken. */
  lease: LineLease | undefined;

  constructor(
    private readonly session: ConsoleSession,
    private readonly flow: FlowContext,
    private readonly deps: PhoneVerificationDeps,
    private pool: readonly string[],
    private readonly holder: LineHolder,
  ) {}

  private get page(): Page {
    return this.session.page;
  }

  private get line(): PhoneLine {
    const number = this.lease?.line;
    if (!number) throw new Error('No phone line is leased yet.');
    return this.deps.lines.find((l) => l.number === number) ?? { number };
  }

  /**
   * A line for this verification: the one it holds, a free one, or the first freed within `waitMs` while the
   * page stays ready (looked at every PHONE_CODE_POLL). NoLineYet when none came.
   */
  private async takeLine(waitMs: number): Promise<LineLease> {
    if (this.lease) return this.lease;
    const deadline = this.flow.now() + waitMs;
    for (;;) {
      const now = this.flow.now();
      this.lease = await this.deps.leases.lease(this.pool, this.holder, now, this.deps.settings.leaseTtlMs);
      if (this.lease) return this.lease;
      if (now >= deadline) throw new NoLineYet((await this.deps.leases.position(this.holder, now)) ?? 0);
      await new Promise((resolve) => setTimeout(resolve, this.deps.settings.codePollMs));
    }
  }

  /** Shown to people: the last digits only (the line is ours, but a person's own number is theirs). */
  private get lineName(): string {
    return `the line ending ${this.line.number.slice(-4)}`;
  }

  /** Returns how the phone was verified, for the step's note. */
  async run(): Promise<string> {
    const timeoutMs = this.flow.settings.pageTimeoutMs;
    let last: IdentityPage | undefined;
    let calls = 0;
    for (let round = 0; round < 10; round++) {
      const kind = await recognise(this.page, IDENTITY_PAGES, {
        timeoutMs,
        expecting: 'the identity verification page',
        unless: last,
      });
      // The phone form leases its line once it is ready to go; any other state goes on with the line held.
      if (kind !== 'phone-form' && kind !== 'verified' && kind !== 'moved-on') await this.takeLine(0);
      switch (kind) {
        case 'verified':
          await pressButton(this.page, VERIFY.verified, { timeoutMs, what: 'the "Continue" button' });
          return this.verifiedOn();
        case 'moved-on':
          return this.verifiedOn();
        case 'number-refused':
          throw new PersonNeededError(
            `AWS will not verify ${this.lineName}: "${await alertText(this.page)}". Check PHONE_LINES, or verify by hand and press Done.`,
          );
        case 'call-failed': {
          if (++calls > CALLS_AGAIN) {
            throw new PersonNeededError(
              `AWS's calls to ${this.lineName} did not verify the phone (${calls} tries): "${await alertText(this.page)}".`,
            );
          }
          const again = await findNow(this.page.mainFrame(), VERIFY.callAgain);
          if (!again) throw new PageNotRecognisedError('The failed call offers no way to call again.');
          await again.click();
          break;
        }
        case 'code-refused':
          throw new PersonNeededError(
            `AWS did not take the code sent to ${this.lineName}: "${await alertText(this.page)}".`,
          );
        case 'pin-shown':
          await this.keyInPin();
          break;
        case 'code-asked':
          await this.typeCode();
          break;
        case 'phone-form':
          await this.askForVerification();
          break;
      }
      last = kind;
    }
    throw new PageNotRecognisedError('The identity verification did not come to an end.');
  }

  private verifiedOn(): string {
    if (!this.lease) return 'the phone number was verified';
    return this.line.person
      ? `phone verified on <@${this.line.person}>'s phone`
      : `phone verified on ${this.lineName}`;
  }

  /** The phone form: how to reach us, the CAPTCHA, and the button that starts AWS's call or message. */
  private async askForVerification(): Promise<void> {
    const timeoutMs = this.flow.settings.pageTimeoutMs;
    const sms = await findNow(this.page.mainFrame(), VERIFY.smsChoice);
    const voice = await findNow(this.page.mainFrame(), VERIFY.voiceChoice);
    if (sms) {
      await sms.click();
    } else if (voice) {
      // A spoken code: our contact flow plays tones, it does not listen. Only a person's own phone can take it.
      const people = this.pool.filter((number) =>
        this.deps.lines.some((l) => l.number === number && l.person),
      );
      if (people.length === 0) {
        throw new PersonNeededError(
          `AWS offers only a voice call that speaks a code, which ${this.lease ? this.lineName : 'our lines'} cannot take. Configure a person's own phone in PHONE_LINES (+1…=U…) or verify by hand, then press Done.`,
        );
      }
      this.pool = people;
      await voice.click();
    }
    // Far back in the queue, the CAPTCHA is not solved yet: the page would not wait that long.
    const place = await this.deps.leases.place(
      this.pool,
      this.holder,
      this.flow.now(),
      this.deps.settings.leaseTtlMs,
    );
    if (!nearTheFront(place, this.pool)) throw new NoLineYet(place);
    // The line is leased and its number typed only once the CAPTCHA's answer is in hand.
    const lineReady = async () => {
      await this.takeLine(this.timeLeft(this.deps.settings.callWaitMs));
      await this.fillNumber(timeoutMs);
    };
    if (await findCaptcha(this.page)) {
      // The older page sends the answer with the form itself; the newer one passes its frame first.
      this.flow.solvers.push(
        await solveCaptcha(this.page, captchaOwner(this.flow), this.flow.captcha, {
          beforeAnswer: lineReady,
        }),
      );
      if (!(await findNow(this.page.mainFrame(), VERIFY.phoneNumber))) return;
    } else {
      await lineReady();
    }
    const send =
      (await findNow(this.page.mainFrame(), VERIFY.sendSms)) ??
      (await findNow(this.page.mainFrame(), VERIFY.callMe));
    if (!send) throw new PageNotRecognisedError('The identity page has no button to call or send a code.');
    await send.click();
  }

  /** The country code list and the national number, from the line's E.164 number. */
  private async fillNumber(timeoutMs: number): Promise<void> {
    const number = this.line.number;
    const select = await findNow(this.page.mainFrame(), VERIFY.countryCode);
    let national = number.slice(1);
    if (select) {
      const codes = await select.evaluate((el) =>
        Array.from((el as unknown as { options: ArrayLike<{ text: string }> }).options).map((o) => o.text),
      );
      // The longest calling code the number starts with; +1 is the United States first (Canada shares it).
      const code = codes
        .map((text) => /\(\+(\d{1,4})\)/.exec(text)?.[1])
        .filter((c): c is string => c !== undefined && number.startsWith(`+${c}`))
        .sort((a, b) => b.length - a.length)[0];
      if (!code)
        throw new PersonNeededError(
          `The identity page cannot call ${this.lineName}: its country is not offered.`,
        );
      await chooseOption(select, [`^United States.*\\(\\+${code}\\)`, `\\(\\+${code}\\)`]);
      national = number.slice(code.length + 1);
    }
    await setField(this.page, VERIFY.phoneNumber, select ? national : number, {
      timeoutMs,
      what: 'the phone number field',
    });
  }

  /** The PIN on the page goes onto the lease, where the contact flow reads it when AWS calls the line. */
  private async keyInPin(): Promise<void> {
    const element = await findNow(this.page.mainFrame(), VERIFY.pin);
    const pin = ((await element?.evaluate((el) => el.textContent ?? '')) ?? '').replace(/\D/g, '');
    if (!/^\d{4,8}$/.test(pin)) throw new PageNotRecognisedError('The page shows no PIN I can read.');
    const now = this.flow.now();
    const waitMs = this.line.person ? this.deps.settings.personWaitMs : this.deps.settings.callWaitMs;
    await this.deps.leases.renew(this.line.number, this.holder, now, waitMs + this.deps.settings.leaseTtlMs);
    if (!(await this.deps.leases.setPin(this.line.number, this.holder, pin, now))) {
      throw new PersonNeededError(`${this.lineName} was taken by another teardown before AWS called.`);
    }
    await this.askPerson('pin', now + waitMs);
    // AWS calls now; the page says when it heard the PIN.
    await recognise(
      this.page,
      IDENTITY_PAGES.filter((k) => k.kind === 'verified' || k.kind === 'call-failed'),
      {
        timeoutMs: this.timeLeft(waitMs),
        expecting: `AWS's call to ${this.lineName} to succeed`,
      },
    ).catch((error: unknown) => {
      if (error instanceof PageNotRecognisedError) {
        throw new PersonNeededError(`AWS's call to ${this.lineName} did not verify the phone in time.`);
      }
      throw error;
    });
  }

  /** A code sent to the line: from the phone Lambda (SMS) or a person, on the lease; or handed over by a signal. */
  private async typeCode(): Promise<void> {
    const timeoutMs = this.flow.settings.pageTimeoutMs;
    const waitMs = this.line.person ? this.deps.settings.personWaitMs : this.deps.settings.codeWaitMs;
    const now = this.flow.now();
    await this.deps.leases.renew(this.line.number, this.holder, now, waitMs + this.deps.settings.leaseTtlMs);
    await this.askPerson('code', now + waitMs);
    const handed = this.flow.teardown.handoff?.phoneCode;
    const code = (await handedOver(this.flow, handed)) ?? (await this.codeOnLease(this.timeLeft(waitMs)));
    await usedUp(this.flow, handed);
    if (!code) {
      const since = this.flow.teardown.data[CODE_AWAITED_SINCE];
      const waitedEnough = typeof since === 'number' && this.flow.now() - since >= waitMs;
      const stopBy = this.flow.captcha.stopBy?.();
      if (!waitedEnough && stopBy !== undefined && stopBy - this.flow.now() < waitMs && !this.line.person) {
        // This run is out of time, not the code: the phone Lambda hands it to the next run.
        throw new CodeComesLater(this.lineName);
      }
      throw new PersonNeededError(`No verification code reached ${this.lineName} within the wait.`);
    }
    await setField(this.page, VERIFY.code, code, { timeoutMs, what: 'the verification code field' });
    await pressButton(this.page, VERIFY.verifyCode, { timeoutMs, what: 'the button that sends the code' });
  }

  private async codeOnLease(waitMs: number): Promise<string | undefined> {
    const deadline = this.flow.now() + waitMs;
    for (;;) {
      const lease = await this.deps.leases.holderOf(this.line.number, this.flow.now());
      if (lease?.teardownId === this.holder.teardownId && lease.code) return lease.code;
      if (this.flow.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, this.deps.settings.codePollMs));
    }
  }

  /** What is left of `waitMs` within this invocation (Lambda's limit, less a margin kept by `stopBy`). */
  private timeLeft(waitMs: number): number {
    const stopBy = this.flow.captcha.stopBy?.();
    const limit = stopBy === undefined ? waitMs : Math.min(waitMs, stopBy - this.flow.now());
    return Math.max(1_000, limit);
  }

  private async askPerson(direction: 'pin' | 'code', until: number): Promise<void> {
    const person = this.line.person;
    if (!person || !this.deps.prompter || this.prompted) return;
    this.prompted = true;
    const t = this.flow.teardown;
    await this.deps.prompter.ask({
      accountId: t.accountId,
      teardownId: t.teardownId,
      line: this.line.number,
      person,
      direction,
      until,
      ...(t.slack ? { slack: t.slack } : {}),
      stepTitle: this.flow.stepTitle,
    });
  }

  async closePrompt(outcome: 'verified' | 'expired'): Promise<void> {
    if (!this.prompted || !this.deps.prompter) return;
    await this.deps.prompter.finished({
      teardownId: this.holder.teardownId,
      line: this.line.number,
      outcome,
    });
  }
}

/** No line came for this teardown while its page could wait: it waits in the queue (`place`, 0: not queued). */
class NoLineYet extends Error {
  constructor(readonly place: number) {
    super('waiting for a free phone line');
  }
}

/** The code will come, but not within this invocation: the step waits for the phone Lambda's signal. */
class CodeComesLater extends Error {
  constructor(readonly lineName: string) {
    super(`waiting for the verification code sent to ${lineName}`);
  }
}

/** The outcome for CodeComesLater: a wait for `phone-code`, which the phone Lambda sends when the SMS comes. */
function codeLaterOutcome(signal: CodeComesLater, line: string, flow: FlowContext): StepOutcome {
  const since = flow.teardown.data[CODE_AWAITED_SINCE];
  return {
    type: 'await',
    signal: SIGNAL.phoneCode,
    reason: signal.message,
    // The first wait's start: however many runs it takes, the code is waited for `PHONE_CODE_WAIT` in all.
    data: { [LINE]: line, [CODE_AWAITED_SINCE]: typeof since === 'number' ? since : flow.now() },
  };
}
