import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AccountOptions, type ConsoleSim, type Generation, startConsoleSim } from '../../../sim/console';
import {
  alertText,
  attribute,
  buttonTexts,
  CONSOLE_HOME,
  captchaFrameUrl,
  elementById,
  enterEmail,
  FakePhoneNetwork,
  giveRootSession,
  heading,
  hiddenValue,
  labelTarget,
  manualClock,
  REGISTRATION,
  SIGNIN,
  solveCaptcha,
  TestBrowser,
  textOf,
  WIZARD,
} from './helpers';

// The sign-up wizard over plain HTTPS: what each page asks, what it refuses, and where it goes next.

// June: a card that expired in March of this year is refused, one that expires in December is not.
const clock = manualClock(Date.UTC(2026, 5, 15, 12, 0, 0));
const DECLINED = '5555 5555 5555 4444';
const REFUSED = '+12065550199';
const PORTAL = 'https://portal.aws.amazon.com';
const STATUS = `${PORTAL}/billing/signup/identity-status`;

let sim: ConsoleSim;
let network: FakePhoneNetwork;
let made = 0;

beforeAll(async () => {
  sim = await startConsoleSim({
    captcha: 'never',
    clock: clock.now,
    declinedCards: [DECLINED],
    refusedNumbers: [REFUSED],
    phoneListenMs: 30_000,
  });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  network = new FakePhoneNetwork();
  sim.setPhoneNetwork(network);
  sim.setFaults({ captcha: 'never', layout: 'usual', wrongAnswerRate: 0 });
});

/** A new account signed in as root in a browser of its own, with some sign-up parts already done. */
function signedInRoot(generation: Generation, options: Partial<AccountOptions> = {}, done: string[] = []) {
  made += 1;
  const accountId = `20000000${String(made).padStart(4, '0')}`;
  sim.addAccount({ accountId, email: `signup-${made}@example.com`, ...options });
  sim.updateAccount(accountId, { signup: Object.fromEntries(done.map((part) => [part, true])) });
  const browser = new TestBrowser(sim);
  giveRootSession(browser, sim, accountId, generation);
  return { accountId, browser };
}

const BEFORE_PAYMENT = ['contact', 'agreement'];
const BEFORE_PHONE = [...BEFORE_PAYMENT, 'payment'];
const BEFORE_SUPPORT = [...BEFORE_PHONE, 'phone'];

const CONTACT = {
  part: 'contactinformation',
  fullName: 'Pat Doe',
  phone: '+1 206 555 0100',
  country: 'US',
  address: '410 Terry Ave N',
  city: 'Seattle',
  state: 'WA',
  postalCode: '98109',
  agreement: 'yes',
};

function card(generation: Generation, changes: Record<string, string> = {}): Record<string, string> {
  return {
    part: 'paymentinformation',
    cardNumber: '4111 1111 1111 1111',
    expirationMonth: '11',
    expirationYear: '2',
    accountHolderName: 'Pat Doe',
    ...(generation === 'new' ? { securityCode: '123', billingAddress: 'contact' } : {}),
    ...changes,
  };
}

function pinOf(body: string): string | undefined {
  return (
    /<div class="phone-pin-number"><span>(\d{4})<\/span>/.exec(body)?.[1] ??
    /<strong id="phonePin">(\d{4})<\/strong>/.exec(body)?.[1]
  );
}

async function callStatus(browser: TestBrowser): Promise<{ status: string; outcome?: string }> {
  return JSON.parse((await browser.get(`${STATUS}?from=${encodeURIComponent('/billing/signup')}`)).body);
}

describe('sign-up wizard: the root session', () => {
  it('sends a browser without one to sign in, and back to the entry URL it asked for', async () => {
    sim.addAccount({
      accountId: '200000009999',
      email: 'signin-first@example.com',
      password: 'Correct-Horse-9',
    });
    const browser = new TestBrowser(sim);
    for (const entry of [WIZARD, REGISTRATION]) {
      const answer = await browser.get(entry);
      expect(answer.status).toBe(302);
      expect(answer.location).toBe(`${SIGNIN}/signin?redirect_uri=${encodeURIComponent(entry)}`);
    }
    expect((await browser.post(WIZARD, CONTACT)).location).toMatch(
      /^https:\/\/signin\.aws\.amazon\.com\/signin\?/,
    );
    const status = await browser.get(STATUS);
    expect(status.status).toBe(401);

    await enterEmail(browser, sim, 'signin-first@example.com', REGISTRATION);
    const landed = await browser.submit(`${SIGNIN}/signin/password`, { password: 'Correct-Horse-9' });
    expect(landed.url).toBe(REGISTRATION);
    expect(heading(landed.body)).toBe('Contact information');
  });
});

describe.each<Generation>(['old', 'new'])('sign-up wizard, %s generation', (generation) => {
  const old = generation === 'old';

  it('asks for contact information first and refuses it incomplete or without the agreement', async () => {
    const { accountId, browser } = signedInRoot(generation);
    const page = await browser.open(WIZARD);
    expect(heading(page.body)).toBe('Contact information');
    expect(page.body).toContain('"#/contactinformation"');
    const fields: Array<[string, string, string]> = [
      ['Full name', 'full-name', 'fullName'],
      ['Phone number', 'contact-phone-number', 'contactPhoneNumber'],
      ['Country or Region', 'contact-country', 'contactCountry'],
      ['Address', 'address-line-1', 'addressLine1'],
      ['City', 'city', 'addressCity'],
      ['State, Province, or Region', 'state', 'addressState'],
      ['Postal code', 'postal-code', 'addressPostalCode'],
      [
        'I have read and agree to the terms of the AWS Customer Agreement',
        'customer-agreement',
        'customerAgreement',
      ],
    ];
    for (const [label, oldId, newId] of fields)
      expect(labelTarget(page.body, label)).toBe(old ? oldId : newId);
    expect(page.body).toContain('<option value="US">United States</option>');
    expect(buttonTexts(page.body)).toEqual(['Continue']);

    const incomplete = await browser.submit(WIZARD, { ...CONTACT, city: '', postalCode: '' });
    expect(alertText(incomplete.body)).toBe('Fill in the required fields: City, Postal code.');
    expect(incomplete.body).toContain('value="Pat Doe"');
    const unagreed = await browser.submit(WIZARD, { ...CONTACT, agreement: '' });
    expect(alertText(unagreed.body)).toBe('To continue, you must agree to the AWS Customer Agreement.');
    expect(sim.account(accountId)?.signup.contact).toBe(false);

    const done = await browser.post(WIZARD, CONTACT);
    expect(done.location).toBe(`${WIZARD}#/paymentinformation`);
    expect(sim.account(accountId)?.signup).toMatchObject({ contact: true, agreement: true, payment: false });
  });

  it('refuses bad cards with the alert and keeps only the last four digits of the one it takes', async () => {
    const { accountId, browser } = signedInRoot(generation, {}, BEFORE_PAYMENT);
    const page = await browser.open(WIZARD);
    expect(heading(page.body)).toBe('Billing information');
    expect(labelTarget(page.body, 'Credit or debit card number')).toBe(
      old ? 'credit-card-number' : 'creditCardNumber',
    );
    expect(labelTarget(page.body, 'Month')).toBe(old ? 'expirationMonth' : 'expirationDateMonth');
    expect(labelTarget(page.body, "Cardholder's name")).toBe('accountHolderName');
    expect(textOf(page.body, 'legend')).toBe('Expiration date');
    expect(page.body).toContain(`<select id="${labelTarget(page.body, 'Year')}" name="expirationYear">`);
    expect(page.body).toContain('<option value="0">2026</option>');
    expect(page.body).toContain(old ? '<option value="5">06</option>' : '<option value="5">June</option>');
    if (old) {
      expect(page.body).toMatch(
        /<div class="form-submit-click-box"><button type="submit"[^>]*>Verify and continue/,
      );
      expect(labelTarget(page.body, 'Security code (CVV)')).toBeUndefined();
    } else {
      expect(labelTarget(page.body, 'Security code (CVV)')).toBe('securityCode');
      expect(labelTarget(page.body, 'Use my contact address')).toBe('useContactAddress');
      expect(labelTarget(page.body, 'Use a new address')).toBe('useNewAddress');
      expect(page.body).toContain('<p class="contact-address">The address of your contact information</p>');
    }

    const refusals: Array<[Record<string, string>, string]> = [
      [{ cardNumber: '4111 1111 1111 1112' }, 'The card number is not valid.'],
      [{ expirationMonth: '2', expirationYear: '0' }, 'The card has expired.'],
      [{ accountHolderName: '' }, "Enter the cardholder's name."],
      [{ cardNumber: DECLINED }, 'Verify your card details and try again.'],
    ];
    if (!old) {
      refusals.push([{ securityCode: '12' }, 'The security code is not valid.']);
      refusals.push([{ billingAddress: 'new' }, 'Enter the billing address.']);
    }
    for (const [changes, reason] of refusals) {
      const refused = await browser.submit(WIZARD, card(generation, changes));
      expect(heading(refused.body)).toBe('Billing information');
      expect(alertText(refused.body)).toBe(`There was a problem with your payment information. ${reason}`);
      // The card number is never written back into the page.
      expect(refused.body).not.toMatch(/4111|5555/);
    }
    expect(sim.account(accountId)).toMatchObject({ cardLast4: undefined, signup: { payment: false } });

    const changes: Record<string, string> = old
      ? {}
      : {
          billingAddress: 'new',
          'billing-country': 'GB',
          'billing-address': '1 Principal Place',
          'billing-city': 'London',
          'billing-postalCode': 'E1 6QL',
        };
    const accepted = await browser.post(WIZARD, card(generation, { expirationMonth: '5', ...changes }));
    expect(accepted.location).toBe(`${WIZARD}#/identityverification`);
    const account = sim.account(accountId);
    expect(account).toMatchObject({ cardLast4: '1111', signup: { payment: true } });
    expect(JSON.stringify(account)).not.toContain('4111111111111111');
  });

  it('verifies the phone with a PIN that AWS calls for, after a call that heard the wrong digits', async () => {
    const { accountId, browser } = signedInRoot(generation, { verification: 'pin' }, BEFORE_PHONE);
    const form = await browser.open(WIZARD);
    expect(heading(form.body)).toBe('Confirm your identity');
    expect(labelTarget(form.body, 'Country or region code')).toBe(old ? 'countryCode' : 'divaCountryCode');
    expect(labelTarget(form.body, 'Phone number')).toBe(old ? 'phoneNumber' : 'divaPhoneNumber');
    expect(form.body).toContain('<option value="US">United States (+1)</option>');
    expect(form.body).toContain(
      `<button type="submit" id="${old ? 'btnCall' : 'divaSubmitButton'}">Call me now</button>`,
    );
    expect(form.body).not.toContain('name="divaMethod"');

    const send = {
      part: 'identityverification',
      action: 'send',
      countryCode: 'US',
      phoneNumber: '(206) 555-0100',
    };
    expect((await browser.post(WIZARD, send)).location).toBe(`${WIZARD}#/identityverification`);
    expect(network.calls).toEqual([{ to: '+12065550100', listenMs: 30_000 }]);
    let page = await browser.open(WIZARD);
    const firstPin = pinOf(page.body);
    expect(firstPin).toMatch(/^\d{4}$/);
    expect(page.body).toContain('<h2>PIN</h2>');
    if (!old) expect(page.body).toContain('<strong id="phonePin">');
    expect(await callStatus(browser)).toEqual({ status: 'calling' });
    // The outcome is not in the page until the call is over.
    expect(page.body).not.toContain('We could not verify');

    network.keyIn(firstPin === '0000' ? '1111' : '0000');
    await vi.waitFor(async () => expect((await callStatus(browser)).status).toBe('failed'));
    const failed = await callStatus(browser);
    expect(failed.outcome).toContain(
      '<div role="alert">We could not verify your phone number. Try again.</div>',
    );
    expect(failed.outcome).toContain('Call me again</button>');
    page = await browser.open(WIZARD);
    expect(alertText(page.body)).toBe('We could not verify your phone number. Try again.');
    expect(buttonTexts(page.body)).toEqual(['Call me again']);

    page = await browser.submit(WIZARD, { part: 'identityverification', action: 'retry' });
    expect(buttonTexts(page.body)).toEqual(['Call me now']);
    await browser.post(WIZARD, { ...send, phoneNumber: '+12065550100' });
    page = await browser.open(WIZARD);
    const pin = pinOf(page.body) ?? '';
    network.keyIn(pin);
    await vi.waitFor(async () => expect((await callStatus(browser)).status).toBe('verified'));
    const verified = await callStatus(browser);
    expect(verified.outcome).toContain(
      '<div role="status">Your identity has been verified successfully.</div>',
    );
    expect(verified.outcome).toContain(
      `id="${old ? 'verification-complete-button' : 'verificationCompleteButton'}">Continue</button>`,
    );
    expect(verified.outcome).toContain('action="/billing/signup"');

    const onward = await browser.post(WIZARD, { part: 'identityverification', action: 'complete' });
    expect(onward.location).toBe(`${WIZARD}#/support`);
    expect(sim.account(accountId)).toMatchObject({ signup: { phone: true }, verifiedPhone: '+12065550100' });
  });

  it('fails the PIN call when no phone network answers', async () => {
    sim.setPhoneNetwork(undefined);
    const { accountId, browser } = signedInRoot(generation, { verification: 'pin' }, BEFORE_PHONE);
    await browser.post(WIZARD, {
      part: 'identityverification',
      action: 'send',
      countryCode: 'US',
      phoneNumber: '2065550100',
    });
    await vi.waitFor(async () => expect((await callStatus(browser)).status).toBe('failed'));
    // Continue is not taken for a call that failed.
    await browser.post(WIZARD, { part: 'identityverification', action: 'complete' });
    expect(sim.account(accountId)?.signup.phone).toBe(false);
  });

  it('texts a code from AWS’s number and takes it on the Verify code page', async () => {
    const { accountId, browser } = signedInRoot(generation, { verification: 'code-sms' }, BEFORE_PHONE);
    const spokenBefore = sim.spokenCodes().length;
    const form = await browser.open(WIZARD);
    expect(labelTarget(form.body, 'Text message (SMS)')).toBe(old ? 'diva-method-sms' : 'divaMethodSms');
    expect(labelTarget(form.body, 'Voice call')).toBe(old ? 'diva-method-phone' : 'divaMethodPhone');
    expect(form.body).toMatch(/name="divaMethod" value="SMS" checked>/);
    expect(buttonTexts(form.body)).toEqual(['Send SMS']);

    await browser.post(WIZARD, {
      part: 'identityverification',
      action: 'send',
      divaMethod: 'SMS',
      countryCode: 'US',
      phoneNumber: '2065550100',
    });
    expect(network.texts).toEqual([
      {
        to: '+12065550100',
        from: '+18889990000',
        body: expect.stringMatching(/^Your Amazon Web Services verification code is: \d{6}$/),
      },
    ]);
    expect(sim.textMessages().at(-1)).toMatchObject({ to: '+12065550100', from: '+18889990000' });
    const page = await browser.open(WIZARD);
    expect(heading(page.body)).toBe('Verify code');
    expect(labelTarget(page.body, 'Verification code')).toBe(
      old ? 'phone-verification-code' : 'phoneVerificationCode',
    );
    expect(buttonTexts(page.body)).toEqual(['Continue', 'Try again']);

    const code = network.lastCode();
    const wrong = await browser.submit(WIZARD, {
      part: 'identityverification',
      action: 'code',
      verificationCode: code === '000000' ? '111111' : '000000',
    });
    expect(heading(wrong.body)).toBe('Verify code');
    expect(alertText(wrong.body)).toBe('The verification code you entered is not valid. Try again.');
    const right = await browser.post(WIZARD, {
      part: 'identityverification',
      action: 'code',
      verificationCode: code,
    });
    expect(right.location).toBe(`${WIZARD}#/support`);
    expect(sim.account(accountId)?.signup.phone).toBe(true);
    expect(sim.spokenCodes()).toHaveLength(spokenBefore);
  });

  it('reads the code out in a call when only a voice call is offered', async () => {
    const { accountId, browser } = signedInRoot(
      generation,
      { verification: 'code-voice-only' },
      BEFORE_PHONE,
    );
    const form = await browser.open(WIZARD);
    expect(labelTarget(form.body, 'Text message (SMS)')).toBeUndefined();
    expect(form.body).toMatch(/name="divaMethod" value="Phone" checked>/);
    expect(buttonTexts(form.body)).toEqual(['Call me now']);
    // Asking for a text message anyway gets a call.
    await browser.post(WIZARD, {
      part: 'identityverification',
      action: 'send',
      divaMethod: 'SMS',
      countryCode: 'US',
      phoneNumber: '2065550100',
    });
    expect(network.texts).toEqual([]);
    expect(network.calls).toEqual([]);
    const spoken = sim.spokenCodes().at(-1);
    expect(spoken).toMatchObject({
      to: '+12065550100',
      code: expect.stringMatching(/^\d{6}$/),
      at: clock.now(),
    });
    const page = await browser.open(WIZARD);
    expect(heading(page.body)).toBe('Verify code');
    const right = await browser.post(WIZARD, {
      part: 'identityverification',
      action: 'code',
      verificationCode: spoken?.code ?? '',
    });
    expect(right.location).toBe(`${WIZARD}#/support`);
    expect(sim.account(accountId)?.signup.phone).toBe(true);
  });

  it('refuses a number it will not verify, and one that is not a number', async () => {
    const { browser } = signedInRoot(generation, { verification: 'code-sms' }, BEFORE_PHONE);
    const send = { part: 'identityverification', action: 'send', divaMethod: 'SMS', countryCode: 'US' };
    const refused = await browser.submit(WIZARD, { ...send, phoneNumber: REFUSED });
    expect(alertText(refused.body)).toBe(
      'We are unable to verify this phone number. Use a different phone number.',
    );
    expect(refused.body).toContain(`value="${REFUSED}"`);
    const malformed = await browser.submit(WIZARD, { ...send, phoneNumber: 'call me' });
    expect(alertText(malformed.body)).toBe('Enter a valid phone number.');
    const noCountry = await browser.submit(WIZARD, { ...send, countryCode: '', phoneNumber: '2065550100' });
    expect(alertText(noCountry.body)).toBe('Choose a country or region code.');
    expect(network.texts).toEqual([]);
  });

  it('asks for a support plan, then congratulates', async () => {
    const { accountId, browser } = signedInRoot(generation, {}, BEFORE_SUPPORT);
    const page = await browser.open(WIZARD);
    expect(heading(page.body)).toBe('Select a support plan');
    expect(labelTarget(page.body, 'Basic support - Free')).toBe(
      old ? 'support-plan-basic' : 'supportPlanBasic',
    );
    expect(labelTarget(page.body, 'Developer support')).toBeDefined();
    expect(labelTarget(page.body, 'Business support+')).toBeDefined();
    expect(buttonTexts(page.body)).toEqual(['Complete sign up']);
    const unchosen = await browser.submit(WIZARD, { part: 'support' });
    expect(alertText(unchosen.body)).toBe('Choose a support plan.');

    const done = await browser.post(WIZARD, { part: 'support', supportPlan: 'basic' });
    expect(done.location).toBe(`${WIZARD}#/confirmation`);
    const confirmation = await browser.open(WIZARD);
    expect(heading(confirmation.body)).toBe('Congratulations');
    expect(confirmation.body).toContain('Thank you for signing up for AWS.');
    const link = elementById(confirmation.body, old ? 'go-to-console-link' : 'goToConsoleLink') ?? '';
    expect(attribute(link, 'href')).toBe(CONSOLE_HOME);
    expect(textOf(confirmation.body, 'a')).toBe('Go to the AWS Management Console');
    expect(sim.account(accountId)).toMatchObject({
      supportPlan: 'basic',
      signup: { contact: true, payment: true, phone: true, support: true, agreement: true },
    });
  });

  it('sends an account that must accept the customer agreement to the resubscribe page first', async () => {
    const { accountId, browser } = signedInRoot(generation, { needsAgreement: true, signupDone: true });
    expect(sim.account(accountId)?.signup).toEqual({
      contact: true,
      payment: true,
      phone: true,
      support: true,
      agreement: false,
    });
    for (const entry of [WIZARD, REGISTRATION]) {
      expect((await browser.get(entry)).location).toBe(
        `${PORTAL}/billing/signup?type=resubscribe#/resubscribed`,
      );
    }
    const page = await browser.open(`${PORTAL}/billing/signup?type=resubscribe`);
    expect(heading(page.body)).toBe('AWS Customer Agreement');
    expect(labelTarget(page.body, 'I have read and agree to the terms of the AWS Customer Agreement')).toBe(
      old ? 'customer-agreement' : 'customerAgreement',
    );
    expect(buttonTexts(page.body)).toEqual(['Agree and continue']);
    const unticked = await browser.submit(`${PORTAL}/billing/signup?type=resubscribe`, {
      part: 'resubscribed',
    });
    expect(alertText(unticked.body)).toBe('To continue, you must agree to the AWS Customer Agreement.');
    const agreed = await browser.post(`${PORTAL}/billing/signup?type=resubscribe`, {
      part: 'resubscribed',
      agreement: 'yes',
    });
    expect(agreed.location).toBe(`${WIZARD}#/confirmation`);
    expect(sim.account(accountId)?.signup.agreement).toBe(true);
    // Once agreed, the resubscribe address leads back into the wizard.
    expect((await browser.get(`${PORTAL}/billing/signup?type=resubscribe`)).location).toBe(
      `${WIZARD}#/confirmation`,
    );
  });
});

describe('sign-up wizard: order and layout', () => {
  it('shows the first unfinished part whatever part a form names', async () => {
    const { accountId, browser } = signedInRoot('new', {}, BEFORE_PHONE);
    const stale = await browser.post(REGISTRATION, { ...CONTACT, fullName: 'Someone Else' });
    expect(stale.location).toBe(`${REGISTRATION}#/identityverification`);
    const page = await browser.open(`${REGISTRATION}#/contactinformation`);
    expect(heading(page.body)).toBe('Confirm your identity');
    expect(sim.account(accountId)?.signup.phone).toBe(false);
  });

  it('keeps labels and texts in the novel layout, with ids of its own', async () => {
    sim.setFaults({ layout: 'novel' });
    const { browser } = signedInRoot('old');
    const page = await browser.open(WIZARD);
    const id = labelTarget(page.body, 'Full name') ?? '';
    expect(id).toMatch(/^x[0-9a-f]{10}$/);
    // The button comes first in the novel arrangement.
    expect(page.body.indexOf('>Continue</button>')).toBeLessThan(page.body.indexOf('Full name'));
    const done = await browser.post(WIZARD, CONTACT);
    expect(done.location).toBe(`${WIZARD}#/paymentinformation`);
  });
});

describe('sign-up wizard: the identity step’s security check', () => {
  const send = { part: 'identityverification', action: 'send', countryCode: 'US', phoneNumber: '2065550100' };

  it('older page: a picture from AWS’s CAPTCHA bucket in the page, answered with the form', async () => {
    sim.setFaults({ captcha: 'always' });
    const { browser } = signedInRoot('old', { verification: 'pin' }, BEFORE_PHONE);
    const form = await browser.open(WIZARD);
    expect(labelTarget(form.body, 'Security check')).toBe('guess');
    const image = elementById(form.body, 'imageCaptcha') ?? '';
    expect(attribute(image, 'alt')).toBe('captcha');
    const src = attribute(image, 'src') ?? '';
    expect(src).toMatch(/^https:\/\/opfcaptcha-prod\.s3\.amazonaws\.com\/captcha\/[\w-]+\.svg\?sig=[\w-]+$/);
    const picture = await browser.get(src);
    expect(picture.status).toBe(200);
    expect(picture.contentType).toBe('image/svg+xml');
    expect((await browser.get(src.replace(/sig=[\w-]+/, 'sig=forged'))).status).toBe(403);

    const captchaId = hiddenValue(form.body, 'captchaId') ?? '';
    const answer = sim.latestCaptchaAnswer() ?? '';
    const wrong = await browser.submit(WIZARD, { ...send, captchaId, guess: `${answer}x` });
    expect(alertText(wrong.body)).toBe(
      "The characters you entered don't match the security check. Try again.",
    );
    expect(network.calls).toEqual([]);
    // The answer of a challenge that was answered wrong once is spent.
    const replay = await browser.submit(WIZARD, { ...send, captchaId, guess: answer });
    expect(alertText(replay.body)).toBe(
      "The characters you entered don't match the security check. Try again.",
    );

    const fresh = hiddenValue(replay.body, 'captchaId') ?? '';
    expect(fresh).not.toBe(captchaId);
    await browser.post(WIZARD, { ...send, captchaId: fresh, guess: sim.latestCaptchaAnswer() ?? '' });
    expect(network.calls).toHaveLength(1);
  });

  it('newer page: the cross-origin security check hands the form a pass token', async () => {
    sim.setFaults({ captcha: 'always' });
    const { browser } = signedInRoot('new', { verification: 'code-sms' }, BEFORE_PHONE);
    const form = await browser.open(WIZARD);
    const frameUrl = captchaFrameUrl(form.body) ?? '';
    expect(frameUrl).toMatch(/^https:\/\/us-east-1\.signin\.aws\.amazon\.com\/captcha\/challenge\?c=[\w-]+$/);
    expect(form.body).toContain('<iframe id="core-container"');

    const without = await browser.submit(WIZARD, { ...send, divaMethod: 'SMS', captchaToken: '' });
    expect(alertText(without.body)).toBe(
      "The characters you entered don't match the security check. Try again.",
    );
    const captchaToken = await solveCaptcha(browser, sim, captchaFrameUrl(without.body) ?? '');
    await browser.post(WIZARD, { ...send, divaMethod: 'SMS', captchaToken });
    expect(network.texts).toHaveLength(1);
    // A pass token works once.
    await browser.post(WIZARD, { part: 'identityverification', action: 'retry' });
    const replay = await browser.submit(WIZARD, { ...send, divaMethod: 'SMS', captchaToken });
    expect(alertText(replay.body)).toBe(
      "The characters you entered don't match the security check. Try again.",
    );
  });

  it('does not let another browser’s session use the frame', async () => {
    sim.setFaults({ captcha: 'always' });
    const { browser } = signedInRoot('new', { verification: 'pin' }, BEFORE_PHONE);
    const frameUrl = captchaFrameUrl((await browser.open(WIZARD)).body) ?? '';
    const stranger = signedInRoot('new', { verification: 'pin' }, BEFORE_PHONE).browser;
    expect((await stranger.get(frameUrl)).status).toBe(403);
    expect((await browser.get(frameUrl)).status).toBe(200);
  });
});
