import type { ElementSpec, PageKind } from '../page-kit';

// The billing sign-up wizard, identity verification and the account page as the flows know them: what each element
// is called, AWS's ids of both generations as hints, and how each page is recognised. Data only: when AWS changes
// a page, this is the file to change.

/** Where the wizard starts for a member account; the newer documented address first, the older one second. */
export const SIGNUP_ENTRIES = [
  'https://portal.aws.amazon.com/billing/signup?client=organizations&enforcePI=True',
  'https://portal.aws.amazon.com/gp/aws/developer/registration/index.html?client=organizations&enforcePI=True',
] as const;

/** The root user's account page, where it closes the account. */
export const ACCOUNT_PAGE = 'https://console.aws.amazon.com/billing/home#/account';

export const SIGNUP = {
  // Contact information
  fullName: {
    role: 'field',
    name: '^(full name|contact name)',
    hints: ['#fullName', '#full-name', 'input[name=fullName]'],
  },
  company: { role: 'field', name: '^(company|organization) name', hints: ['#company', '#companyName'] },
  contactPhone: { role: 'field', name: '^phone( number)?$', hints: ['#contactPhone', '#phone'] },
  country: { role: 'field', name: '^country( or region)?$', hints: ['#country', 'select[name=country]'] },
  addressLine1: {
    role: 'field',
    name: '^(address|address line 1|street address)$',
    hints: ['#addressLine1', '#address-line1', 'input[name=addressLine1]'],
  },
  addressLine2: {
    role: 'field',
    name: '^(apartment|address line 2)',
    hints: ['#addressLine2', '#address-line2'],
  },
  city: { role: 'field', name: '^city', hints: ['#city', 'input[name=city]'] },
  state: { role: 'field', name: '^state', hints: ['#state', 'select[name=state]', 'input[name=state]'] },
  postalCode: {
    role: 'field',
    name: '^(postal|zip) code',
    hints: ['#postalCode', '#postal-code', 'input[name=postalCode]'],
  },
  agreement: { role: 'choice', name: 'customer agreement', hints: ['#agreement', 'input[name=agreement]'] },
  continue: {
    role: 'button',
    name: '^(continue|agree and continue|next)( \\(step \\d of \\d\\))?$',
    hints: ['.form-submit-click-box > button', 'button[type=submit]'],
  },
  // Payment information
  cardNumber: {
    role: 'field',
    name: '^(credit (or|/) debit )?card number',
    hints: ['#credit-card-number', '#creditCardNumber', 'input[name=cardNumber]'],
  },
  expiryMonth: {
    role: 'field',
    name: '^(expiration|expiry) (date|month)|^month$',
    hints: ['#expirationMonth', 'select[name=expirationMonth]'],
  },
  expiryYear: {
    role: 'field',
    name: '^(expiration|expiry) year|^year$',
    hints: ["select[name='expirationYear']", '#expirationYear'],
  },
  cardHolder: {
    role: 'field',
    name: "^(cardholder'?s? name|name on card)",
    hints: ['#accountHolderName', 'input[name=accountHolderName]'],
  },
  cvv: {
    role: 'field',
    name: '^(security code|cvv|cvc)',
    hints: ['#cvv', '#securityCode', 'input[name=cvv]'],
  },
  useContactAddress: { role: 'choice', name: 'use my contact address', hints: ['#useContactAddress'] },
  verifyCard: {
    role: 'button',
    name: '^(verify and (continue|add)|continue)',
    hints: ['.form-submit-click-box > button', 'button[type=submit]'],
  },
  // Support plan and the end
  basicSupport: { role: 'choice', name: '^basic( support)?', hints: ['input[value=basic]', '#basic'] },
  completeSignup: {
    role: 'button',
    name: '^(complete sign ?up|continue|finish)',
    hints: ['.form-submit-click-box > button', 'button[type=submit]'],
  },
} as const satisfies Record<string, ElementSpec>;

export const VERIFY = {
  smsChoice: {
    role: 'choice',
    name: '^(text message|sms)',
    hints: ['input[name=divaMethod][value=SMS]', 'input[name=divaMethod][value=Sms]'],
  },
  voiceChoice: {
    role: 'choice',
    name: '^voice call',
    hints: ['input[name=divaMethod][value=Voice]', 'input[name=divaMethod][value=Phone]'],
  },
  countryCode: {
    role: 'field',
    name: '^country (or region )?code',
    hints: ['#countryCode', 'select[name=countryCode]'],
  },
  phoneNumber: {
    role: 'field',
    name: '^(mobile |cell )?phone number',
    hints: ['#phoneNumber', 'input[name=phoneNumber]'],
  },
  callMe: { role: 'button', name: '^call me( now)?$', hints: ['#btnCall'] },
  sendSms: { role: 'button', name: '^send (sms|text message|code)', hints: ['#btnSendSms'] },
  pin: { role: 'any', name: '', hints: ['#phonePin', '.phone-pin-number > span'] },
  code: {
    role: 'field',
    name: '^(verification )?code$',
    hints: ['#verificationCode', 'input[name=verificationCode]'],
  },
  verifyCode: { role: 'button', name: '^(verify( code)?|continue)$', hints: ['#btnVerifyCode'] },
  verified: {
    role: 'button',
    name: '^continue',
    hints: ['#verification-complete-button', '#verificationCompleteButton'],
  },
  callAgain: { role: 'button', name: '^call me again', hints: ['#btnCallAgain'] },
} as const satisfies Record<string, ElementSpec>;

const PORTAL = '^https://portal\\.aws\\.amazon\\.com/';
const SIGN_IN_HOST = '^https://([a-z0-9-]+\\.)?signin\\.aws\\.amazon\\.com/';

/** The wizard's pages; alerts first (they sit on the page they complain about), then by heading or address. */
export const WIZARD_PAGES = [
  { kind: 'signed-out', signs: { url: SIGN_IN_HOST } },
  {
    kind: 'card-refused',
    // Only on the billing page, and only a complaint ("Verifying your payment information…" is not one).
    signs: {
      heading: '^(billing|payment) information',
      alert:
        'problem with your payment|card (was )?declined|card number is not valid|card has expired|could not (verify|be verified) your card',
    },
  },
  { kind: 'agreement', signs: { heading: 'customer agreement' } },
  { kind: 'agreement', signs: { url: `${PORTAL}.*#/resubscribed` } },
  { kind: 'contact', signs: { heading: '^contact information' } },
  { kind: 'payment', signs: { heading: '^(billing|payment) information' } },
  { kind: 'payment', signs: { url: `${PORTAL}.*#/paymentinformation` } },
  {
    kind: 'identity',
    signs: {
      heading: 'confirm your identity|identity verification|verify your (phone|identity)|verify code',
    },
  },
  { kind: 'identity', signs: { url: `${PORTAL}.*#/identityverification` } },
  { kind: 'support', signs: { heading: 'support plan' } },
  { kind: 'support', signs: { url: `${PORTAL}.*#/support` } },
  { kind: 'finished', signs: { heading: '^congratulations|thank you for (signing up|creating)' } },
  { kind: 'finished', signs: { url: `${PORTAL}.*#/confirmation` } },
] as const satisfies readonly PageKind[];

export type WizardPage = (typeof WIZARD_PAGES)[number]['kind'];

/** The identity page's states, in the order they are told apart. */
export const IDENTITY_PAGES = [
  { kind: 'verified', signs: { text: 'identity has been verified|phone number (has been |was )?verified' } },
  {
    kind: 'number-refused',
    signs: { alert: 'unable to verify this (phone )?number|number (is not|isn.t) valid|cannot be used' },
  },
  {
    kind: 'call-failed',
    signs: { alert: 'could not verify your phone|did not (receive|get) the (pin|right)' },
  },
  {
    kind: 'code-refused',
    signs: { alert: 'code (you entered )?(is )?(not valid|invalid|incorrect|expired)|wrong code' },
  },
  { kind: 'pin-shown', signs: { element: VERIFY.pin } },
  { kind: 'code-asked', signs: { element: VERIFY.code } },
  { kind: 'phone-form', signs: { element: VERIFY.phoneNumber } },
  // A code taken may lead straight to the next part of the wizard, without a "verified" page between.
  { kind: 'moved-on', signs: { heading: 'support plan|^congratulations' } },
  { kind: 'moved-on', signs: { url: `${PORTAL}.*#/(support|confirmation)` } },
] as const satisfies readonly PageKind[];

export type IdentityPage = (typeof IDENTITY_PAGES)[number]['kind'];

/** The 2021–2023 layout's four acknowledgements (then a button, then a confirmation dialog). */
export const CLOSE_ACKNOWLEDGEMENTS = [
  'input[data-testid="aws-billing-account-form-input-is-closing-account"]',
  'input[data-testid="aws-billing-account-form-input-is-second-closing-account"]',
  'input[data-testid="aws-billing-account-form-input-is-third-closing-account"]',
  'input[data-testid="aws-billing-account-form-input-is-fourth-closing-account"]',
];

export const CLOSE = {
  closeAccount: {
    role: 'button',
    name: '^close (my )?account$',
    hints: [
      '[data-testid=close-account-button-root]',
      '[data-testid=closeAccountButtonRoot]',
      '[data-testid=aws-billing-account-form-button-close-account]',
    ],
  },
  // The dialog: typing the account id (2024–), then its own Close button, and sometimes one more confirmation.
  typedId: {
    role: 'field',
    name: 'account id',
    hints: ['[data-testid=closeAccountInput] > input', '[data-testid=closeAccountInput] input'],
  },
  confirm: {
    role: 'button',
    name: '^(close (my )?account|confirm|yes, close)',
    hints: [
      '[role=dialog] [data-testid=close-account-button]',
      '[role=dialog] [data-testid=closeAccountButton]',
      '[data-testid=close-account-modal-confirm]',
      '[data-testid=aws-billing-account-form-modal-button-close-account]',
      '.modal-footer > button.btn-danger',
    ],
  },
} as const satisfies Record<string, ElementSpec>;

export const ACCOUNT_PAGES = [
  { kind: 'signed-out', signs: { url: SIGN_IN_HOST } },
  // Only a heading says so: the acknowledgements' own words talk about closing and suspending too.
  { kind: 'closed', signs: { heading: '^(account closed|your account (is|has been) closed)' } },
  {
    kind: 'confirm-dialog',
    signs: { element: { role: 'any', hints: ['[role=dialog]', '.modal-dialog', '.modal'] } },
  },
  { kind: 'account', signs: { element: CLOSE.closeAccount } },
  { kind: 'account', signs: { heading: '^close (your )?account' } },
] as const satisfies readonly PageKind[];

export type AccountPage = (typeof ACCOUNT_PAGES)[number]['kind'];
