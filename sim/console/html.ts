import { randomBytes } from 'node:crypto';
import type { Generation } from './types';

/** Markup that is already safe to put in a page. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function raw(text: string): Html {
  return new Html(text);
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function renderValue(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(renderValue).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/** Template tag that escapes every interpolated value unless it is `Html` already. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += renderValue(value) + (strings[index + 1] ?? '');
  });
  return new Html(out);
}

/** A JSON value placed inside an inline <script> without letting it close the script element. */
export function scriptJson(value: unknown): Html {
  return raw(JSON.stringify(value).replaceAll('<', '\\u003c'));
}

// Element ids per generation, from the references' table; elements without a known id got a name in the same
// style. `undefined`: the element has no id in that generation.
const ELEMENT_IDS = {
  rootChoice: ['root_account_signin', 'rootAccountSignin'],
  iamChoice: ['iam_user_signin', 'iamUserSignin'],
  email: ['resolving_input', 'resolvingInput'],
  nextButton: ['next_button', undefined],
  signinForm: ['signin_form', 'signinForm'],
  password: ['password', 'password'],
  signinButton: ['signin_button', 'signinButton'],
  forgotLink: ['root_forgot_password_link', 'rootForgotPasswordLink'],
  recoveryDialog: ['password_recovery_dialog', 'passwordRecoveryDialog'],
  recoveryHeading: ['password_recovery_heading', 'passwordRecoveryHeading'],
  recoveryForm: ['password_recovery_form', 'passwordRecoveryForm'],
  recoveryDone: ['password_recovery_done_button', 'passwordRecoveryDoneButton'],
  captchaDialog: ['captcha_dialog', 'captchaDialog'],
  captchaHeading: ['captcha_heading', 'captchaHeading'],
  captchaFrame: ['core-container', 'core-container'],
  newPassword: ['new_password', 'newPassword'],
  confirmPassword: ['confirm_password', 'confirmNewPassword'],
  resetSubmit: ['reset_password_submit', 'resetPasswordSubmit'],
  usernameMenu: ['nav-usernameMenu', 'nav-usernameMenu'],
  mfaCode: ['mfa_code', 'mfaCode'],
  mfaSubmit: ['mfa_submit_button', 'mfaSubmitButton'],
  mfaAuthenticator: ['mfa_type_authenticator', 'mfaTypeAuthenticator'],
  mfaPasskey: ['mfa_type_passkey', 'mfaTypePasskey'],
  mfaHardware: ['mfa_type_hardware', 'mfaTypeHardware'],
  deviceName: ['device_name', 'deviceName'],
  assignNext: ['assign_mfa_next_button', 'assignMfaNextButton'],
  skipMfa: ['skip_mfa_button', 'skipMfaButton'],
  showSecret: ['show_secret_key_button', 'showSecretKeyButton'],
  secretKey: ['secret_key', 'secretKey'],
  mfaCode1: ['mfa_code_1', 'mfaCode1'],
  mfaCode2: ['mfa_code_2', 'mfaCode2'],
  addMfa: ['add_mfa_button', 'addMfaButton'],
  verificationCode: ['verification_code', 'verificationCode'],
  verifyButton: ['verify_button', 'verifyButton'],
  continueButton: ['continue_button', 'continueButton'],
  // Sign-up wizard (portal.aws.amazon.com). The older page's ids are the references' where known.
  fullName: ['full-name', 'fullName'],
  contactPhone: ['contact-phone-number', 'contactPhoneNumber'],
  contactCountry: ['contact-country', 'contactCountry'],
  contactAddress: ['address-line-1', 'addressLine1'],
  contactCity: ['city', 'addressCity'],
  contactState: ['state', 'addressState'],
  contactPostalCode: ['postal-code', 'addressPostalCode'],
  agreement: ['customer-agreement', 'customerAgreement'],
  contactContinue: ['contact-continue-button', 'contactContinueButton'],
  cardNumber: ['credit-card-number', 'creditCardNumber'],
  expirationMonth: ['expirationMonth', 'expirationDateMonth'],
  expirationYear: [undefined, 'expirationDateYear'],
  cardHolder: ['accountHolderName', 'accountHolderName'],
  securityCode: [undefined, 'securityCode'],
  useContactAddress: [undefined, 'useContactAddress'],
  useNewAddress: [undefined, 'useNewAddress'],
  billingAddress: [undefined, 'billingAddressLine1'],
  billingCity: [undefined, 'billingAddressCity'],
  billingState: [undefined, 'billingAddressState'],
  billingPostalCode: [undefined, 'billingAddressPostalCode'],
  billingCountry: [undefined, 'billingAddressCountry'],
  paymentSubmit: ['verify-and-continue-button', 'verifyAndContinueButton'],
  methodSms: ['diva-method-sms', 'divaMethodSms'],
  methodVoice: ['diva-method-phone', 'divaMethodPhone'],
  countryCode: ['countryCode', 'divaCountryCode'],
  phoneNumber: ['phoneNumber', 'divaPhoneNumber'],
  imageCaptcha: ['imageCaptcha', 'imageCaptcha'],
  captchaAnswer: ['guess', 'guess'],
  identitySubmit: ['btnCall', 'divaSubmitButton'],
  phonePin: [undefined, 'phonePin'],
  verificationComplete: ['verification-complete-button', 'verificationCompleteButton'],
  callAgain: ['btnCallAgain', 'callAgainButton'],
  phoneCode: ['phone-verification-code', 'phoneVerificationCode'],
  phoneCodeContinue: ['verify-code-button', 'verifyCodeButton'],
  phoneCodeRetry: ['try-again-button', 'tryAgainButton'],
  supportBasic: ['support-plan-basic', 'supportPlanBasic'],
  supportDeveloper: ['support-plan-developer', 'supportPlanDeveloper'],
  supportBusiness: ['support-plan-business', 'supportPlanBusiness'],
  completeSignup: ['complete-signup-button', 'completeSignupButton'],
  goToConsole: ['go-to-console-link', 'goToConsoleLink'],
  agreeAndContinue: ['agree-and-continue-button', 'agreeAndContinueButton'],
  // Billing account page (console.aws.amazon.com/billing/home#/account): data-testid values.
  closeAccountButtonRoot: ['close-account-button-root', 'closeAccountButtonRoot'],
  closeAccountButton: ['close-account-button', 'closeAccountButton'],
  closeAccountInput: ['closeAccountInput', 'closeAccountInput'],
  closeAccountModalConfirm: ['close-account-modal-confirm', 'close-account-modal-confirm'],
  ackFirst: [
    'aws-billing-account-form-input-is-closing-account',
    'aws-billing-account-form-input-is-closing-account',
  ],
  ackSecond: [
    'aws-billing-account-form-input-is-second-closing-account',
    'aws-billing-account-form-input-is-second-closing-account',
  ],
  ackThird: [
    'aws-billing-account-form-input-is-third-closing-account',
    'aws-billing-account-form-input-is-third-closing-account',
  ],
  ackFourth: [
    'aws-billing-account-form-input-is-fourth-closing-account',
    'aws-billing-account-form-input-is-fourth-closing-account',
  ],
  formCloseAccount: [
    'aws-billing-account-form-button-close-account',
    'aws-billing-account-form-button-close-account',
  ],
  modalCloseAccount: [
    'aws-billing-account-form-modal-button-close-account',
    'aws-billing-account-form-modal-button-close-account',
  ],
} as const satisfies Record<string, readonly [string | undefined, string | undefined]>;

export type ElementKey = keyof typeof ELEMENT_IDS;

export type Layout = 'usual' | 'novel';

/** The ids of one rendered page: the generation's, or fresh random ones for the novel layout. */
export class PageIds {
  private readonly novelIds = new Map<ElementKey, string>();

  constructor(
    readonly generation: Generation,
    readonly layout: Layout,
  ) {}

  id(key: ElementKey): string | undefined {
    if (this.layout === 'novel') {
      let id = this.novelIds.get(key);
      if (!id) {
        id = `x${randomBytes(5).toString('hex')}`;
        this.novelIds.set(key, id);
      }
      return id;
    }
    const [oldId, newId] = ELEMENT_IDS[key];
    return this.generation === 'old' ? oldId : newId;
  }

  /** ` id="…"`, or nothing when the element has no id in this generation. */
  attr(key: ElementKey): Html {
    const id = this.id(key);
    return id === undefined ? raw('') : html` id="${id}"`;
  }

  /** An id that must exist (labels point at it): the generation's, or a stable fallback. */
  required(key: ElementKey): string {
    return this.id(key) ?? key;
  }

  /**
   * The parts of a form in their usual order, or, in the novel layout, the last part (the button) first and every
   * part inside extra wrappers: what a redesign does to a page that still reads the same.
   */
  arrange(parts: Html[]): Html {
    if (this.layout === 'usual') return html`${parts}`;
    const last = parts.at(-1);
    const reordered = last ? [last, ...parts.slice(0, -1)] : parts;
    return html`<div class="stack">${reordered.map((part) => html`<div class="cell"><div>${part}</div></div>`)}</div>`;
  }
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:"Amazon Ember",Arial,sans-serif;color:#16191f;background:#f2f3f3}
header.top{background:#232f3e;color:#fff;padding:12px 24px;font-weight:bold;height:48px}
main{max-width:480px;margin:24px auto;background:#fff;padding:24px;border:1px solid #d5dbdb;border-radius:4px}
main.wide{max-width:960px}
label{display:block;margin:12px 0 4px;font-weight:bold}
fieldset label{display:inline;font-weight:normal;margin:0 0 0 4px}
fieldset{border:0;padding:0;margin:12px 0}
input[type=email],input[type=password],input[type=text],input[type=tel],select{width:100%;padding:6px;font-size:14px}
label.inline{display:inline;font-weight:normal;margin:0 0 0 4px}
button:disabled{opacity:.5;cursor:not-allowed}
.modal-footer{display:flex;gap:8px;justify-content:flex-end}
[hidden]{display:none !important}
button{margin-top:16px;padding:8px 16px;background:#ec7211;color:#fff;border:0;border-radius:2px;font-weight:bold;cursor:pointer}
button.secondary{background:#fff;color:#16191f;border:1px solid #545b64}
[role=alert]{border:1px solid #d13212;background:#fdf3f1;color:#d13212;padding:8px;margin:12px 0}
[role=status]{border:1px solid #1d8102;background:#f2f8f0;padding:8px 16px;margin:12px 0}
.backdrop{position:fixed;inset:0;background:rgba(0,0,0,.4);z-index:100}
[role=dialog]{position:fixed;top:60px;left:50%;transform:translateX(-50%);width:460px;background:#fff;padding:20px;border-radius:4px;z-index:101}
[role=dialog] iframe,.security-check iframe{width:100%;height:330px;border:0}
.stack{display:flex;flex-direction:column}
.cell>div{margin:2px 0}
.links{margin-top:16px}
#awsccc-cb-content{position:fixed;left:0;right:0;top:40vh;bottom:0;background:#fff;border-top:2px solid #232f3e;z-index:1000;padding:24px;pointer-events:auto}
`;

/** A whole page of the simulated AWS site. */
export function pageDocument(options: {
  title: string;
  body: Html;
  cookieBanner: boolean;
  wide?: boolean;
  script?: Html;
}): string {
  const banner = options.cookieBanner
    ? html`<div id="awsccc-cb-content" role="region" aria-label="Cookie banner">
<h2>Select your cookie preferences</h2>
<p>We use essential cookies and similar tools that are necessary to provide our site and services.</p>
<div id="awsccc-cb-buttons">
<button type="button" data-id="awsccc-cb-btn-continue">Accept</button>
<button type="button" class="secondary" data-id="awsccc-cb-btn-decline">Decline</button>
</div>
<script>
for (const [selector, choice] of [['[data-id=awsccc-cb-btn-continue]', 'accepted'], ['[data-id=awsccc-cb-btn-decline]', 'declined']]) {
  document.querySelector(selector).addEventListener('click', () => {
    document.cookie = 'awsccc=' + choice + '; Domain=.aws.amazon.com; Path=/; Secure; Max-Age=31536000';
    document.getElementById('awsccc-cb-content').remove();
  });
}
</script>
</div>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header class="top">aws</header>
<main${options.wide ? raw(' class="wide"') : ''}>
${options.body}
</main>
${banner}
${options.script ? html`<script>${options.script}</script>` : ''}
</body>
</html>
`.text;
}

/** The plain page every unknown host or path gets. */
export function notFoundDocument(): string {
  return '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><h1>Not found</h1></body></html>\n';
}
