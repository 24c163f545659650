import { randomInt } from 'node:crypto';
import { CAPTCHA_IMAGE_ORIGIN, CAPTCHA_ORIGIN, PORTAL_ORIGIN, SIGNIN_ORIGIN } from './hosts';
import { notFoundDocument, PageIds } from './html';
import { htmlResponse, plainResponse, redirectResponse, type SimRequest, type SimResponse } from './http';
import {
  COUNTRIES,
  type ContactValues,
  confirmationPage,
  contactPage,
  type IdentityCaptcha,
  identityCodePage,
  identityFormPage,
  identityPinPage,
  type PaymentValues,
  paymentPage,
  pinOutcome,
  resubscribePage,
  supportPage,
  type WizardContext,
  type WizardPart,
} from './portal-pages';
import { BANNER_COOKIE, SESSION_COOKIE } from './signin-app';
import { type PhoneAttempt, type SimState, sameText, sessionKey } from './state';
import type { Generation, SimAccount } from './types';

// The billing portal (portal.aws.amazon.com): the sign-up wizard that makes a member account standalone. Every
// page needs the root session. The page shown is the account's first unfinished part, whatever the URL hash says.

/** AWS's sender number for verification codes by text message. */
export const AWS_SMS_SENDER = '+18889990000';
export const WIZARD_URL = `${PORTAL_ORIGIN}/billing/signup?client=organizations&enforcePI=True`;
export const REGISTRATION_URL = `${PORTAL_ORIGIN}/gp/aws/developer/registration/index.html?client=organizations&enforcePI=True`;
export const RESUBSCRIBE_URL = `${PORTAL_ORIGIN}/billing/signup?type=resubscribe`;
const ENTRY_PATHS = new Set(['/billing/signup', '/gp/aws/developer/registration/index.html']);
const STATUS_PATH = '/billing/signup/identity-status';
/** How much longer than it listens AWS's call may take before the simulator gives up on the phone network. */
const CALL_GRACE_MS = 5_000;
const SUPPORT_PLANS = new Set(['basic', 'developer', 'business']);
/** Countries whose addresses need a state or province. */
const STATE_REQUIRED = new Set(['US', 'CA', 'AU', 'IN']);

const TEXT = {
  missing: 'Fill in the required fields:',
  contactPhone: 'Enter a valid phone number.',
  agreement: 'To continue, you must agree to the AWS Customer Agreement.',
  payment: 'There was a problem with your payment information.',
  cardNumber: 'The card number is not valid.',
  expired: 'The card has expired.',
  declined: 'Verify your card details and try again.',
  holder: "Enter the cardholder's name.",
  securityCode: 'The security code is not valid.',
  billingAddress: 'Enter the billing address.',
  captcha: "The characters you entered don't match the security check. Try again.",
  chooseCountry: 'Choose a country or region code.',
  phoneNumber: 'Enter a valid phone number.',
  refused: 'We are unable to verify this phone number. Use a different phone number.',
  wrongCode: 'The verification code you entered is not valid. Try again.',
  supportPlan: 'Choose a support plan.',
};

/** The part the wizard shows next: the resubscribe page, the first unfinished part, or the confirmation. */
export function wizardPartOf(account: SimAccount): WizardPart | 'resubscribed' {
  const { signup } = account;
  if (!signup.agreement && (account.needsAgreement || signup.contact)) return 'resubscribed';
  if (!signup.contact) return 'contactinformation';
  if (!signup.payment) return 'paymentinformation';
  if (!signup.phone) return 'identityverification';
  if (!signup.support) return 'support';
  return 'confirmation';
}

/** Luhn's check digit test, as every card number passes it. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** The E.164 form of a number typed with a country chosen, or undefined when it cannot be one. */
export function phoneNumberOf(countryIso: string, typed: string): string | undefined {
  const country = COUNTRIES.find((candidate) => candidate.iso === countryIso);
  if (!country) return undefined;
  let digits = typed.replace(/[\s().-]/g, '');
  if (digits.startsWith('+')) {
    if (!digits.startsWith(`+${country.dial}`)) return undefined;
    digits = digits.slice(country.dial.length + 1);
  }
  return /^\d{4,14}$/.test(digits) ? `+${country.dial}${digits}` : undefined;
}

function json(status: number, value: unknown): SimResponse {
  return plainResponse(status, 'application/json', JSON.stringify(value));
}

function signInUrl(target: string): string {
  return `${SIGNIN_ORIGIN}/signin?redirect_uri=${encodeURIComponent(target)}`;
}

function field(form: URLSearchParams, name: string): string {
  return (form.get(name) ?? '').trim();
}

class PortalApp {
  private readonly context: WizardContext;

  constructor(
    private readonly state: SimState,
    private readonly req: SimRequest,
    private readonly sessionId: string,
    private readonly account: SimAccount,
    generation: Generation,
  ) {
    this.context = {
      ids: new PageIds(generation, state.faults.layout),
      generation,
      cookieBanner: state.faults.cookieBanner && !req.cookies.has(BANNER_COOKIE),
      action: req.path,
    };
  }

  private page(body: string): SimResponse {
    return htmlResponse(body);
  }

  /** Back to the wizard's own URL with the hash of the part it shows now (or to the resubscribe page). */
  private onward(): SimResponse {
    const part = wizardPartOf(this.account);
    if (part === 'resubscribed') return redirectResponse(`${RESUBSCRIBE_URL}#/resubscribed`);
    const resubscribing = this.req.url.searchParams.get('type') === 'resubscribe';
    const base = resubscribing ? WIZARD_URL : `${PORTAL_ORIGIN}${this.req.path}`;
    return redirectResponse(`${base}#/${part}`);
  }

  handle(): SimResponse {
    const part = wizardPartOf(this.account);
    const resubscribing = this.req.url.searchParams.get('type') === 'resubscribe';
    if (resubscribing !== (part === 'resubscribed')) return this.onward();
    if (this.req.method === 'GET') return this.show(part);
    if (field(this.req.form, 'part') !== part) return this.onward();
    switch (part) {
      case 'resubscribed':
        return this.agree();
      case 'contactinformation':
        return this.saveContact();
      case 'paymentinformation':
        return this.savePayment();
      case 'identityverification':
        return this.verifyIdentity();
      case 'support':
        return this.saveSupportPlan();
      case 'confirmation':
        return this.onward();
    }
  }

  private show(part: WizardPart | 'resubscribed'): SimResponse {
    switch (part) {
      case 'resubscribed':
        return this.page(resubscribePage(this.context, {}));
      case 'contactinformation':
        return this.page(contactPage(this.context, { values: {} }));
      case 'paymentinformation':
        return this.showPayment({ address: {} });
      case 'identityverification':
        return this.showIdentity();
      case 'support':
        return this.page(supportPage(this.context, {}));
      case 'confirmation':
        return this.page(confirmationPage(this.context));
    }
  }

  // Customer agreement

  private agree(): SimResponse {
    if (field(this.req.form, 'agreement') !== 'yes') {
      return this.page(resubscribePage(this.context, { error: TEXT.agreement }));
    }
    this.account.signup.agreement = true;
    return this.onward();
  }

  // Contact information

  private saveContact(): SimResponse {
    const { form } = this.req;
    const values: ContactValues = {
      fullName: field(form, 'fullName'),
      phone: field(form, 'phone'),
      country: field(form, 'country'),
      address: field(form, 'address'),
      city: field(form, 'city'),
      state: field(form, 'state'),
      postalCode: field(form, 'postalCode'),
    };
    const missing = this.missingAddress(values, [['fullName', 'Full name']]);
    if (!values.phone) missing.unshift('Phone number');
    let error: string | undefined;
    if (missing.length > 0) error = `${TEXT.missing} ${missing.join(', ')}.`;
    else if ((values.phone ?? '').replace(/\D/g, '').length < 7) error = TEXT.contactPhone;
    else if (field(form, 'agreement') !== 'yes') error = TEXT.agreement;
    if (error) return this.page(contactPage(this.context, { values, error }));
    this.state.contactDetails.set(this.account.accountId, {
      fullName: values.fullName ?? '',
      address: values.address ?? '',
      city: values.city ?? '',
      state: values.state ?? '',
      postalCode: values.postalCode ?? '',
      country: values.country ?? '',
    });
    Object.assign(this.account.signup, { contact: true, agreement: true });
    return this.onward();
  }

  /** The labels of the address fields left empty (state only where the country has states). */
  private missingAddress(values: ContactValues, extra: Array<[keyof ContactValues, string]> = []): string[] {
    const required: Array<[keyof ContactValues, string]> = [
      ...extra,
      ['country', 'Country or Region'],
      ['address', 'Address'],
      ['city', 'City'],
      ['state', 'State, Province, or Region'],
      ['postalCode', 'Postal code'],
    ];
    return required
      .filter(([key]) => key !== 'state' || STATE_REQUIRED.has(values.country ?? ''))
      .filter(([key]) => !values[key])
      .map(([, label]) => label);
  }

  // Billing information

  private currentMonth(): { year: number; month: number } {
    const now = new Date(this.state.now());
    return { year: now.getUTCFullYear(), month: now.getUTCMonth() };
  }

  private showPayment(values: PaymentValues, error?: string): SimResponse {
    const contact = this.state.contactDetails.get(this.account.accountId);
    const contactSummary = contact
      ? [contact.address, contact.city, contact.state, contact.postalCode, contact.country]
          .filter(Boolean)
          .join(', ')
      : 'The address of your contact information';
    return this.page(
      paymentPage(this.context, { values, currentYear: this.currentMonth().year, contactSummary, error }),
    );
  }

  private savePayment(): SimResponse {
    const { form } = this.req;
    const newGeneration = this.context.generation === 'new';
    const values: PaymentValues = {
      expirationMonth: field(form, 'expirationMonth'),
      expirationYear: field(form, 'expirationYear'),
      holder: field(form, 'accountHolderName'),
      billingAddress: field(form, 'billingAddress') === 'new' ? 'new' : 'contact',
      address: {
        country: field(form, 'billing-country'),
        address: field(form, 'billing-address'),
        city: field(form, 'billing-city'),
        state: field(form, 'billing-state'),
        postalCode: field(form, 'billing-postalCode'),
      },
    };
    const problem = this.cardProblem(values, newGeneration);
    if (problem) return this.showPayment(values, `${TEXT.payment} ${problem}`);
    const digits = field(form, 'cardNumber').replace(/[\s-]/g, '');
    // Only the last four digits are kept, as a receipt would show them.
    this.account.cardLast4 = digits.slice(-4);
    // The expiry chosen in the lists, as MM/YYYY (a flow that picks the wrong option shows here).
    this.account.cardExpiry = `${String(Number(values.expirationMonth) + 1).padStart(2, '0')}/${this.currentMonth().year + Number(values.expirationYear)}`;
    this.account.signup.payment = true;
    return this.onward();
  }

  /** Why the card is refused (the second sentence of the page's alert), if it is. */
  private cardProblem(values: PaymentValues, newGeneration: boolean): string | undefined {
    const { form } = this.req;
    const digits = field(form, 'cardNumber').replace(/[\s-]/g, '');
    if (!/^\d{12,19}$/.test(digits) || !luhnValid(digits)) return TEXT.cardNumber;
    const month = Number(values.expirationMonth);
    const offset = Number(values.expirationYear);
    if (!Number.isInteger(month) || month < 0 || month > 11 || !Number.isInteger(offset)) return TEXT.expired;
    const current = this.currentMonth();
    const year = current.year + offset;
    if (year < current.year || (year === current.year && month < current.month)) return TEXT.expired;
    if (!values.holder) return TEXT.holder;
    if (newGeneration) {
      if (!/^\d{3,4}$/.test(field(form, 'securityCode'))) return TEXT.securityCode;
      if (values.billingAddress === 'new' && this.missingAddress(values.address).length > 0) {
        return TEXT.billingAddress;
      }
    }
    if (this.state.faults.declinedCards.some((declined) => declined.replace(/\D/g, '') === digits)) {
      return TEXT.declined;
    }
    return undefined;
  }

  // Identity verification

  private showIdentity(
    form: { country?: string; number?: string; method?: 'SMS' | 'Phone'; error?: string } = {},
  ): SimResponse {
    const attempt = this.state.phoneAttempts.get(this.account.accountId);
    if (attempt?.kind === 'pin') {
      const statusUrl = `${STATUS_PATH}?from=${encodeURIComponent(this.req.path)}`;
      return this.page(
        identityPinPage(this.context, {
          pin: attempt.pin,
          number: attempt.number,
          status: attempt.status,
          statusUrl,
        }),
      );
    }
    if (attempt?.kind === 'code') {
      return this.page(
        identityCodePage(this.context, {
          channel: attempt.channel,
          number: attempt.number,
          error: form.error,
        }),
      );
    }
    return this.page(
      identityFormPage(this.context, {
        verification: this.account.verification,
        captcha: this.newCaptcha(),
        ...form,
      }),
    );
  }

  private newCaptcha(): IdentityCaptcha {
    if (this.state.faults.captcha === 'never') return { kind: 'none' };
    const challenge = this.state.newChallenge(sessionKey(this.sessionId), 'identity', PORTAL_ORIGIN);
    if (this.context.generation === 'new') {
      return {
        kind: 'frame',
        src: `${CAPTCHA_ORIGIN}/captcha/challenge?c=${encodeURIComponent(challenge.id)}`,
      };
    }
    this.state.showChallenge(challenge);
    const imageUrl = `${CAPTCHA_IMAGE_ORIGIN}/captcha/${encodeURIComponent(challenge.id)}.svg?sig=${this.state.imageSignature(challenge)}`;
    return { kind: 'in-page', challengeId: challenge.id, imageUrl };
  }

  /** Whether the form's CAPTCHA answer (older page) or pass token (newer page) is right. Either is spent. */
  private captchaPassed(): boolean {
    if (this.state.faults.captcha === 'never') return true;
    const { form } = this.req;
    const owner = sessionKey(this.sessionId);
    if (this.context.generation === 'new') {
      return this.state.redeemPassToken(field(form, 'captchaToken'), owner, 'identity');
    }
    const challenge = this.state.challenges.get(field(form, 'captchaId'));
    if (!challenge || challenge.flowId !== owner || challenge.purpose !== 'identity') return false;
    if (challenge.state !== 'open') return false;
    const refused = this.state.settings.random() < this.state.faults.wrongAnswerRate;
    const right = sameText(field(form, 'guess'), challenge.answer) && !refused;
    challenge.state = right ? 'solved' : 'failed';
    return right;
  }

  private verifyIdentity(): SimResponse {
    const action = field(this.req.form, 'action');
    const attempt = this.state.phoneAttempts.get(this.account.accountId);
    switch (action) {
      case 'send':
        return attempt ? this.onward() : this.startVerification();
      case 'complete':
        if (attempt?.kind === 'pin' && attempt.status === 'verified') return this.phoneVerified(attempt);
        return this.onward();
      case 'code':
        return attempt?.kind === 'code' ? this.checkCode(attempt) : this.onward();
      case 'retry':
        this.state.phoneAttempts.delete(this.account.accountId);
        return this.onward();
      default:
        return this.onward();
    }
  }

  private startVerification(): SimResponse {
    const { form } = this.req;
    const { verification } = this.account;
    const country = field(form, 'countryCode');
    const typed = field(form, 'phoneNumber');
    const method: 'SMS' | 'Phone' =
      verification === 'code-sms' && field(form, 'divaMethod') !== 'Phone' ? 'SMS' : 'Phone';
    const again = (error: string) => this.showIdentity({ country, number: typed, method, error });
    if (!this.captchaPassed()) return again(TEXT.captcha);
    if (!country) return again(TEXT.chooseCountry);
    const number = phoneNumberOf(country, typed);
    if (!number) return again(TEXT.phoneNumber);
    if (this.state.faults.refusedNumbers.includes(number)) return again(TEXT.refused);
    if (verification === 'pin') this.callWithPin(number);
    else this.sendCode(number, method === 'SMS' ? 'sms' : 'voice');
    return this.onward();
  }

  /** Shows a PIN and has the phone network call the number; the outcome lands on the attempt when it is over. */
  private callWithPin(number: string): void {
    const accountId = this.account.accountId;
    const attempt: PhoneAttempt = {
      kind: 'pin',
      number,
      pin: String(randomInt(0, 10_000)).padStart(4, '0'),
      status: 'calling',
    };
    this.state.phoneAttempts.set(accountId, attempt);
    const network = this.state.phoneNetwork;
    const listenMs = this.state.settings.phoneListenMs;
    const heard = network
      ? withDeadline(network.call(number, { listenMs }), listenMs + CALL_GRACE_MS).then(
          (answer) => answer.digits,
        )
      : Promise.reject(new Error('no phone network: nobody answers'));
    heard
      .catch((error: unknown) => {
        console.error(`console sim: the verification call to ${number} failed:`, errorText(error));
        return '';
      })
      .then((digits) => {
        // A newer attempt (Call me again) has its own call.
        if (this.state.phoneAttempts.get(accountId) !== attempt || attempt.kind !== 'pin') return;
        attempt.status = sameText(digits, attempt.pin) ? 'verified' : 'failed';
      });
  }

  /** Sends a code by text message (through the phone network) or reads it out in a call (recorded, no network). */
  private sendCode(number: string, channel: 'sms' | 'voice'): void {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.state.phoneAttempts.set(this.account.accountId, { kind: 'code', channel, number, code });
    const at = this.state.now();
    if (channel === 'voice') {
      this.state.spokenCodes.push({ to: number, code, at });
      return;
    }
    const message = {
      to: number,
      from: AWS_SMS_SENDER,
      body: `Your Amazon Web Services verification code is: ${code}`,
    };
    this.state.textMessages.push({ ...message, at });
    this.state.phoneNetwork?.sms(message).catch((error: unknown) => {
      console.error(`console sim: the text message to ${number} was not delivered:`, errorText(error));
    });
  }

  private checkCode(attempt: Extract<PhoneAttempt, { kind: 'code' }>): SimResponse {
    const typed = field(this.req.form, 'verificationCode');
    if (!sameText(typed, attempt.code)) return this.showIdentity({ error: TEXT.wrongCode });
    return this.phoneVerified(attempt);
  }

  private phoneVerified(attempt: PhoneAttempt): SimResponse {
    this.state.phoneAttempts.delete(this.account.accountId);
    this.account.signup.phone = true;
    this.account.verifiedPhone = attempt.number;
    return this.onward();
  }

  // Support plan

  private saveSupportPlan(): SimResponse {
    const plan = field(this.req.form, 'supportPlan');
    if (!SUPPORT_PLANS.has(plan)) return this.page(supportPage(this.context, { error: TEXT.supportPlan }));
    this.account.supportPlan = plan;
    this.account.signup.support = true;
    return this.onward();
  }

  // The PIN page's question while AWS calls

  callStatus(): SimResponse {
    const attempt = this.state.phoneAttempts.get(this.account.accountId);
    if (attempt?.kind !== 'pin') return json(200, { status: 'none' });
    if (attempt.status === 'calling') return json(200, { status: 'calling' });
    // The outcome's forms post where the page itself came from (one of the wizard's entry URLs).
    const from = this.req.url.searchParams.get('from') ?? '';
    const ownPath = from.startsWith('/') && !from.startsWith('//');
    const action =
      ownPath && ENTRY_PATHS.has(new URL(from, PORTAL_ORIGIN).pathname) ? from : '/billing/signup';
    return json(200, {
      status: attempt.status,
      outcome: pinOutcome({ ...this.context, action }, attempt.status).text,
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The promise's value, or a rejection once `ms` have passed without one. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export function handlePortal(state: SimState, req: SimRequest): SimResponse {
  const path = req.url.pathname;
  const isStatus = req.method === 'GET' && path === STATUS_PATH;
  const isWizard = ENTRY_PATHS.has(path) && (req.method === 'GET' || req.method === 'POST');
  if (!isStatus && !isWizard) return htmlResponse(notFoundDocument(), { status: 404 });
  const sessionId = req.cookies.get(SESSION_COOKIE) ?? '';
  const session = state.liveSession(sessionId);
  if (!session) {
    if (isStatus) return json(401, { message: 'Sign in again.' });
    return redirectResponse(signInUrl(`${PORTAL_ORIGIN}${req.path}`));
  }
  const app = new PortalApp(state, req, sessionId, session.account, session.generation);
  return isStatus ? app.callStatus() : app.handle();
}
