import type { Page } from 'puppeteer-core';
import { PageNotRecognisedError, PersonNeededError } from '../../common/errors';
import type { Screenshot } from '../../pipeline/step-handler';
import type { ConsoleSession } from '../browser-session';
import { afterActingOn, findNow, recognise } from '../page-kit';
import type { PaymentCard } from '../ports';
import { SIGNUP, SIGNUP_ENTRIES, WIZARD_PAGES, type WizardPage } from './billing-pages';
import type { FlowContext } from './flow-context';
import { alertText, literal, pressButton, setField, tick } from './form-fields';
import { signIn } from './sign-in';

/** Where the wizard stopped for the caller, and what people should see of it. */
export interface WizardProgress {
  reached: 'identity' | 'finished';
  notes: string[];
  /** The billing page with the card typed in (masked), when this run filled it. */
  paymentShot?: Screenshot;
}

/**
 * Opens the sign-up wizard at its entry address (the other known one when the first shows nothing the flow
 * knows), signing in again first when the saved root session has ended. Returns the page it shows.
 */
export async function openWizard(session: ConsoleSession, flow: FlowContext): Promise<WizardPage> {
  let lastError: unknown;
  for (const entry of SIGNUP_ENTRIES) {
    for (let attempt = 0; attempt < 2; attempt++) {
      await session.goto(entry);
      try {
        const kind = await recognise(session.page, WIZARD_PAGES, {
          timeoutMs: flow.settings.pageTimeoutMs,
          expecting: 'the billing sign-up wizard',
        });
        if (kind !== 'signed-out') return kind;
        await signInAgain(session, flow);
      } catch (error) {
        if (!(error instanceof PageNotRecognisedError)) throw error;
        lastError = error;
        break;
      }
    }
  }
  throw lastError ?? new PageNotRecognisedError('The billing sign-up wizard did not open.');
}

/** The saved session ended (AWS signs root sessions out after some hours): sign in as the sign-in step does. */
export async function signInAgain(session: ConsoleSession, flow: FlowContext): Promise<void> {
  const outcome = await signIn(session, flow);
  if (outcome.type !== 'done') {
    throw new PersonNeededError(
      `The root session had ended, and signing in again needs more than the password (${outcome.type === 'await' ? outcome.reason : outcome.type}).`,
    );
  }
}

/**
 * Acts on each wizard page until the identity verification page (or the end, for an account that has verified
 * its phone before): contact details, the card, the customer agreement, the Basic support plan. Which page comes
 * is read from the page each time, never assumed from an order.
 */
export async function runWizard(
  session: ConsoleSession,
  flow: FlowContext,
  card: () => Promise<PaymentCard>,
  first: WizardPage,
  options: { stopAt: 'identity' | 'finished' },
): Promise<WizardProgress> {
  const { page } = session;
  const timeoutMs = flow.settings.pageTimeoutMs;
  const progress: WizardProgress = { reached: 'finished', notes: [] };
  let kind: WizardPage = first;
  let last: WizardPage | undefined;
  for (let round = 0; round < 12; round++) {
    switch (kind) {
      case 'signed-out':
        await signInAgain(session, flow);
        kind = await openWizard(session, flow);
        last = undefined;
        continue;
      case 'finished':
        progress.reached = 'finished';
        return progress;
      case 'identity':
        if (options.stopAt === 'identity') {
          progress.reached = 'identity';
          return progress;
        }
        throw new PageNotRecognisedError('The wizard asks to verify the phone number again.');
      case 'card-refused':
        throw new PersonNeededError(
          `AWS did not take the payment card: "${(await alertText(page)) || 'no reason shown'}". Check the card in PAYMENT_CARD_SECRET or finish the billing page by hand.`,
        );
      case 'contact':
        await fillContact(page, await card(), timeoutMs);
        progress.notes.push('contact details given');
        break;
      case 'payment':
        await fillPayment(page, await card(), timeoutMs, flow.now());
        progress.paymentShot = await session.screenshot('Billing information entered', 'payment');
        await pressButton(page, SIGNUP.verifyCard, { timeoutMs, what: 'the "Verify and continue" button' });
        progress.notes.push('payment card added');
        break;
      case 'agreement':
        if (!(await tick(page, SIGNUP.agreement))) {
          throw new PageNotRecognisedError('The customer agreement page has no box to accept it.');
        }
        await pressButton(page, SIGNUP.continue, {
          timeoutMs,
          what: 'the button that accepts the agreement',
        });
        progress.notes.push('customer agreement accepted');
        break;
      case 'support':
        if (!(await tick(page, SIGNUP.basicSupport))) {
          throw new PageNotRecognisedError('The support plan page offers no Basic (free) plan.');
        }
        await pressButton(page, SIGNUP.completeSignup, { timeoutMs, what: 'the "Complete sign up" button' });
        progress.notes.push('Basic support plan chosen');
        break;
    }
    last = kind;
    kind = await recognise(page, afterActingOn(WIZARD_PAGES, last), {
      timeoutMs,
      expecting: 'the next page of the billing sign-up wizard',
    });
  }
  throw new PageNotRecognisedError('The billing sign-up wizard did not come to an end.');
}

/** The country's English name (US → United States), for lists that show names. */
function countryName(code: string): string {
  return new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
}

async function fillContact(page: Page, card: PaymentCard, timeoutMs: number): Promise<void> {
  const { address } = card;
  const country = countryName(address.country);
  const set = (spec: Parameters<typeof setField>[1], value: string, what: string, extra = {}) =>
    setField(page, spec, value, { timeoutMs, what, ...extra });
  // The country first: it may change which address fields the page shows.
  await set(SIGNUP.country, address.country, 'the country list', {
    choices: [`^${literal(country)}$`, `^${literal(address.country)}$`],
  });
  await set(SIGNUP.fullName, card.holder, 'the full name field');
  if (card.company) await set(SIGNUP.company, card.company, 'the company field', { optional: true });
  await set(SIGNUP.contactPhone, card.phone, 'the phone number field');
  await fillAddress(page, card, timeoutMs);
  await tick(page, SIGNUP.agreement);
  await pressButton(page, SIGNUP.continue, { timeoutMs, what: 'the "Continue" button' });
}

/** The card's postal address into the fields that ask for it (`optional`: only if the page shows them). */
async function fillAddress(
  page: Page,
  card: PaymentCard,
  timeoutMs: number,
  options: { optional?: boolean } = {},
): Promise<void> {
  const { address } = card;
  if (options.optional && !(await findNow(page.mainFrame(), SIGNUP.addressLine1))) return;
  const set = (spec: Parameters<typeof setField>[1], value: string, what: string, extra = {}) =>
    setField(page, spec, value, { timeoutMs, what, ...extra });
  await set(SIGNUP.addressLine1, address.line1, 'the address field');
  if (address.line2)
    await set(SIGNUP.addressLine2, address.line2, 'the second address line', { optional: true });
  await set(SIGNUP.city, address.city, 'the city field');
  await set(SIGNUP.state, address.state, 'the state field', {
    choices: [`^${literal(address.state)}$`, `^${literal(address.state)}\\b`],
  });
  await set(SIGNUP.postalCode, address.postalCode, 'the postal code field');
}

async function fillPayment(page: Page, card: PaymentCard, timeoutMs: number, now: number): Promise<void> {
  const month = card.expiryMonth;
  const year = card.expiryYear;
  if (new Date(now).getUTCFullYear() * 12 + new Date(now).getUTCMonth() + 1 > year * 12 + month) {
    throw new PersonNeededError(
      'The payment card in PAYMENT_CARD_SECRET has expired; put a current one there.',
    );
  }
  const set = (spec: Parameters<typeof setField>[1], value: string, what: string, extra = {}) =>
    setField(page, spec, value, { timeoutMs, what, ...extra });
  await set(SIGNUP.cardNumber, card.number, 'the card number field');
  const name = new Intl.DateTimeFormat('en', { month: 'long', timeZone: 'UTC' }).format(
    Date.UTC(2000, month - 1),
  );
  await set(SIGNUP.expiryMonth, String(month).padStart(2, '0'), 'the expiry month', {
    choices: [`^0?${month}$`, `^0?${month}\\b`, `^${name}`, `^${name.slice(0, 3)}\\b`],
  });
  await set(SIGNUP.expiryYear, String(year), 'the expiry year', {
    choices: [`^${year}$`, `\\b${year}\\b`, `^${String(year).slice(2)}$`],
  });
  await set(SIGNUP.cardHolder, card.holder, "the cardholder's name field");
  if (card.cvv) await set(SIGNUP.cvv, card.cvv, 'the security code field', { optional: true });
  // The billing address: the contact address where the page offers it, else the card's address when it asks.
  if (!(await tick(page, SIGNUP.useContactAddress)))
    await fillAddress(page, card, timeoutMs, { optional: true });
}
