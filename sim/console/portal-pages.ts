import { CAPTCHA_ORIGIN, CONSOLE_HOME_URL } from './hosts';
import { type ElementKey, type Html, html, type PageIds, pageDocument, raw, scriptJson } from './html';
import type { Generation, Verification } from './types';

// The billing sign-up wizard's pages (portal.aws.amazon.com). Headings, labels and button texts are a contract with
// the page flows (see the issue's contract): keep them; ids follow the page generation.

/** The wizard's parts as the URL hash names them, in the order AWS asks for them. */
export type WizardPart =
  | 'contactinformation'
  | 'paymentinformation'
  | 'identityverification'
  | 'support'
  | 'confirmation';

export interface WizardContext {
  ids: PageIds;
  generation: Generation;
  cookieBanner: boolean;
  /** Where the page's forms post: the URL the wizard was opened at (path and query). */
  action: string;
}

export interface Country {
  iso: string;
  name: string;
  dial: string;
}

export const COUNTRIES: readonly Country[] = [
  { iso: 'US', name: 'United States', dial: '1' },
  { iso: 'CA', name: 'Canada', dial: '1' },
  { iso: 'GB', name: 'United Kingdom', dial: '44' },
  { iso: 'DE', name: 'Germany', dial: '49' },
  { iso: 'FR', name: 'France', dial: '33' },
  { iso: 'IE', name: 'Ireland', dial: '353' },
  { iso: 'AU', name: 'Australia', dial: '61' },
  { iso: 'JP', name: 'Japan', dial: '81' },
  { iso: 'IN', name: 'India', dial: '91' },
];

export const TEXT = {
  agreementLabel: 'I have read and agree to the terms of the AWS Customer Agreement',
  pinVerified: 'Your identity has been verified successfully.',
  pinFailed: 'We could not verify your phone number. Try again.',
};

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function alertBox(message: string | undefined): Html {
  return message ? html`<div role="alert">${message}</div>` : raw('');
}

/** Puts the part's name in the URL hash, as the real single-page wizard does, without a navigation. */
function hashScript(hash: string): Html {
  return html`if (location.hash !== ${scriptJson(`#/${hash}`)}) history.replaceState(null, '', location.pathname + location.search + ${scriptJson(`#/${hash}`)});
`;
}

function wizardDocument(
  context: WizardContext,
  options: { hash: string; body: Html; script?: Html },
): string {
  return pageDocument({
    title: 'AWS Console - Signup',
    body: options.body,
    cookieBanner: context.cookieBanner,
    script: html`${hashScript(options.hash)}${options.script ?? ''}`,
  });
}

function textField(
  ids: PageIds,
  key: ElementKey,
  options: { label: string; name: string; type?: string; value?: string; autocomplete?: string },
): Html {
  const id = ids.required(key);
  return html`<div><label for="${id}">${options.label}</label>
<input type="${options.type ?? 'text'}" id="${id}" name="${options.name}" value="${options.value ?? ''}" autocomplete="${options.autocomplete ?? 'off'}"></div>`;
}

function select(
  ids: PageIds,
  key: ElementKey,
  options: {
    label: string;
    name: string;
    choices: ReadonlyArray<{ value: string; text: string }>;
    selected?: string;
    placeholder?: string;
  },
): Html {
  const id = ids.required(key);
  const placeholder = options.placeholder
    ? html`<option value=""${options.selected ? '' : raw(' selected')}>${options.placeholder}</option>`
    : '';
  return html`<div><label for="${id}">${options.label}</label>
<select id="${id}" name="${options.name}">${placeholder}${options.choices.map(
    (choice) =>
      html`<option value="${choice.value}"${choice.value === options.selected ? raw(' selected') : ''}>${choice.text}</option>`,
  )}</select></div>`;
}

function checkbox(ids: PageIds, key: ElementKey, options: { label: string; name: string }): Html {
  const id = ids.required(key);
  return html`<div><input type="checkbox" id="${id}" name="${options.name}" value="yes"><label class="inline" for="${id}">${options.label}</label></div>`;
}

function radio(
  ids: PageIds,
  key: ElementKey,
  options: { label: string; name: string; value: string; checked?: boolean },
): Html {
  const id = ids.required(key);
  return html`<div><input type="radio" id="${id}" name="${options.name}" value="${options.value}"${options.checked ? raw(' checked') : ''}><label class="inline" for="${id}">${options.label}</label></div>`;
}

function partField(part: string): Html {
  return html`<input type="hidden" name="part" value="${part}">`;
}

// Contact information

export interface ContactValues {
  fullName?: string;
  phone?: string;
  country?: string;
  address?: string;
  city?: string;
  state?: string;
  postalCode?: string;
}

function addressFields(
  ids: PageIds,
  keys: {
    country: ElementKey;
    address: ElementKey;
    city: ElementKey;
    state: ElementKey;
    postalCode: ElementKey;
  },
  prefix: string,
  values: ContactValues,
): Html[] {
  return [
    select(ids, keys.country, {
      label: 'Country or Region',
      name: `${prefix}country`,
      choices: COUNTRIES.map((country) => ({ value: country.iso, text: country.name })),
      selected: values.country,
      placeholder: 'Choose a country or region',
    }),
    textField(ids, keys.address, {
      label: 'Address',
      name: `${prefix}address`,
      value: values.address,
      autocomplete: 'address-line1',
    }),
    textField(ids, keys.city, { label: 'City', name: `${prefix}city`, value: values.city }),
    textField(ids, keys.state, {
      label: 'State, Province, or Region',
      name: `${prefix}state`,
      value: values.state,
    }),
    textField(ids, keys.postalCode, {
      label: 'Postal code',
      name: `${prefix}postalCode`,
      value: values.postalCode,
      autocomplete: 'postal-code',
    }),
  ];
}

export function contactPage(
  context: WizardContext,
  options: { values: ContactValues; error?: string },
): string {
  const { ids } = context;
  const { values } = options;
  const parts = [
    textField(ids, 'fullName', { label: 'Full name', name: 'fullName', value: values.fullName }),
    textField(ids, 'contactPhone', {
      label: 'Phone number',
      name: 'phone',
      type: 'tel',
      value: values.phone,
      autocomplete: 'tel',
    }),
    ...addressFields(
      ids,
      {
        country: 'contactCountry',
        address: 'contactAddress',
        city: 'contactCity',
        state: 'contactState',
        postalCode: 'contactPostalCode',
      },
      '',
      values,
    ),
    checkbox(ids, 'agreement', { label: TEXT.agreementLabel, name: 'agreement' }),
    html`<button type="submit"${ids.attr('contactContinue')}>Continue</button>`,
  ];
  const body = html`<h1>Contact information</h1>
<p>How do you plan to use AWS? Tell us how to reach you.</p>
${alertBox(options.error)}
<form method="post" action="${context.action}" novalidate>
${partField('contactinformation')}
${ids.arrange(parts)}
</form>`;
  return wizardDocument(context, { hash: 'contactinformation', body });
}

// Billing information

export interface PaymentValues {
  expirationMonth?: string;
  expirationYear?: string;
  holder?: string;
  billingAddress?: 'contact' | 'new';
  address: ContactValues;
}

export function paymentPage(
  context: WizardContext,
  options: { values: PaymentValues; currentYear: number; contactSummary: string; error?: string },
): string {
  const { ids, generation } = context;
  const { values } = options;
  const monthId = ids.required('expirationMonth');
  const yearId = ids.required('expirationYear');
  const months = MONTH_NAMES.map((name, index) => ({
    value: String(index),
    text: generation === 'old' ? String(index + 1).padStart(2, '0') : name,
  }));
  const years = Array.from({ length: 21 }, (_, offset) => ({
    value: String(offset),
    text: String(options.currentYear + offset),
  }));
  const optionList = (choices: Array<{ value: string; text: string }>, selected: string | undefined) =>
    choices.map(
      (choice) =>
        html`<option value="${choice.value}"${choice.value === selected ? raw(' selected') : ''}>${choice.text}</option>`,
    );
  const expiration = html`<fieldset><legend>Expiration date</legend>
<label class="inline" for="${monthId}">Month</label>
<select id="${monthId}" name="expirationMonth">${optionList(months, values.expirationMonth)}</select>
<label class="inline" for="${yearId}">Year</label>
<select id="${yearId}" name="expirationYear">${optionList(years, values.expirationYear)}</select>
</fieldset>`;
  const parts: Html[] = [
    textField(ids, 'cardNumber', {
      label: 'Credit or debit card number',
      name: 'cardNumber',
      autocomplete: 'cc-number',
    }),
    expiration,
    textField(ids, 'cardHolder', {
      label: "Cardholder's name",
      name: 'accountHolderName',
      value: values.holder,
      autocomplete: 'cc-name',
    }),
  ];
  let script: Html | undefined;
  if (generation === 'new') {
    parts.push(
      textField(ids, 'securityCode', {
        label: 'Security code (CVV)',
        name: 'securityCode',
        autocomplete: 'cc-csc',
      }),
    );
    const useNew = values.billingAddress === 'new';
    const newAddressId = 'new-billing-address';
    parts.push(html`<fieldset><legend>Billing address</legend>
${radio(ids, 'useContactAddress', { label: 'Use my contact address', name: 'billingAddress', value: 'contact', checked: !useNew })}
<p class="contact-address">${options.contactSummary}</p>
${radio(ids, 'useNewAddress', { label: 'Use a new address', name: 'billingAddress', value: 'new', checked: useNew })}
<div id="${newAddressId}"${useNew ? '' : raw(' hidden')}>
${addressFields(
  ids,
  {
    country: 'billingCountry',
    address: 'billingAddress',
    city: 'billingCity',
    state: 'billingState',
    postalCode: 'billingPostalCode',
  },
  'billing-',
  values.address,
)}
</div>
</fieldset>`);
    script = html`for (const choice of document.querySelectorAll('input[name=billingAddress]')) {
  choice.addEventListener('change', () => {
    document.getElementById(${scriptJson(newAddressId)}).hidden = document.querySelector('input[name=billingAddress]:checked').value !== 'new';
  });
}
`;
  }
  const submit = html`<button type="submit"${ids.attr('paymentSubmit')}>Verify and continue</button>`;
  parts.push(generation === 'old' ? html`<div class="form-submit-click-box">${submit}</div>` : submit);
  const body = html`<h1>Billing information</h1>
<p>We use your payment information to verify your identity. We will not charge you for usage below the AWS Free Tier limits.</p>
${alertBox(options.error)}
<form method="post" action="${context.action}" novalidate autocomplete="off">
${partField('paymentinformation')}
${ids.arrange(parts)}
</form>`;
  return wizardDocument(context, { hash: 'paymentinformation', body, script });
}

// Identity verification

export type IdentityCaptcha =
  | { kind: 'none' }
  /** The older page: the picture in the page, the answer posted with the form. */
  | { kind: 'in-page'; challengeId: string; imageUrl: string }
  /** The newer page: the cross-origin "Security verification" frame hands a pass token to the page. */
  | { kind: 'frame'; src: string };

export function identityFormPage(
  context: WizardContext,
  options: {
    verification: Verification;
    captcha: IdentityCaptcha;
    country?: string;
    number?: string;
    method?: 'SMS' | 'Phone';
    error?: string;
  },
): string {
  const { ids } = context;
  const parts: Html[] = [];
  const submitId = ids.required('identitySubmit');
  const byCode = options.verification !== 'pin';
  const smsOffered = options.verification === 'code-sms';
  const method = smsOffered ? (options.method ?? 'SMS') : 'Phone';
  if (byCode) {
    parts.push(html`<fieldset><legend>How should we send you the verification code?</legend>
${smsOffered ? radio(ids, 'methodSms', { label: 'Text message (SMS)', name: 'divaMethod', value: 'SMS', checked: method === 'SMS' }) : ''}
${radio(ids, 'methodVoice', { label: 'Voice call', name: 'divaMethod', value: 'Phone', checked: method === 'Phone' })}
</fieldset>`);
  }
  parts.push(
    select(ids, 'countryCode', {
      label: 'Country or region code',
      name: 'countryCode',
      choices: COUNTRIES.map((country) => ({
        value: country.iso,
        text: `${country.name} (+${country.dial})`,
      })),
      selected: options.country,
      placeholder: 'Choose a country or region code',
    }),
    textField(ids, 'phoneNumber', {
      label: 'Phone number',
      name: 'phoneNumber',
      type: 'tel',
      value: options.number,
      autocomplete: 'tel-national',
    }),
  );
  const { captcha } = options;
  if (captcha.kind === 'in-page') {
    const answerId = ids.required('captchaAnswer');
    parts.push(html`<div class="security-check">
<img${ids.attr('imageCaptcha')} alt="captcha" src="${captcha.imageUrl}" width="200" height="70">
<input type="hidden" name="captchaId" value="${captcha.challengeId}">
<label for="${answerId}">Security check</label>
<input type="text" id="${answerId}" name="guess" autocomplete="off" autocapitalize="off" spellcheck="false">
</div>`);
  } else if (captcha.kind === 'frame') {
    parts.push(html`<div class="security-check">
<iframe${ids.attr('captchaFrame')} src="${captcha.src}" title="Security verification"></iframe>
<input type="hidden" name="captchaToken" value="">
</div>`);
  }
  const buttonText = method === 'SMS' ? 'Send SMS' : 'Call me now';
  parts.push(html`<button type="submit" id="${submitId}">${buttonText}</button>`);
  const formId = 'identity-form';
  const body = html`<h1>Confirm your identity</h1>
<p>Before you can use your AWS account, you must verify your phone number.</p>
${alertBox(options.error)}
<form method="post" action="${context.action}" id="${formId}" novalidate>
${partField('identityverification')}
<input type="hidden" name="action" value="send">
${ids.arrange(parts)}
</form>`;
  // The button says what it will do; the frame's pass token waits in the form until the person submits it.
  const script = html`const submitButton = document.getElementById(${scriptJson(submitId)});
for (const choice of document.querySelectorAll('input[name=divaMethod]')) {
  choice.addEventListener('change', () => {
    submitButton.textContent = choice.value === 'SMS' ? 'Send SMS' : 'Call me now';
  });
}
window.addEventListener('message', (event) => {
  if (event.origin !== ${scriptJson(CAPTCHA_ORIGIN)}) return;
  const data = event.data;
  if (!data || data.type !== 'captcha-solved' || typeof data.token !== 'string') return;
  document.getElementById(${scriptJson(formId)}).elements.captchaToken.value = data.token;
});
`;
  return wizardDocument(context, { hash: 'identityverification', body, script });
}

/** What the PIN page shows once AWS's call is over: success and Continue, or the failure and Call me again. */
export function pinOutcome(context: WizardContext, status: 'verified' | 'failed'): Html {
  const { ids } = context;
  if (status === 'verified') {
    return html`<div role="status">${TEXT.pinVerified}</div>
<form method="post" action="${context.action}">
${partField('identityverification')}
<input type="hidden" name="action" value="complete">
<button type="submit"${ids.attr('verificationComplete')}>Continue</button>
</form>`;
  }
  return html`<div role="alert">${TEXT.pinFailed}</div>
<form method="post" action="${context.action}">
${partField('identityverification')}
<input type="hidden" name="action" value="retry">
<button type="submit"${ids.attr('callAgain')}>Call me again</button>
</form>`;
}

/**
 * After "Call me now": the PIN to key in, and the outcome once AWS's call is over. While the call lasts the page
 * asks the status URL every half second; the outcome comes from there, so nothing about it is in the page before.
 */
export function identityPinPage(
  context: WizardContext,
  options: { pin: string; number: string; status: 'calling' | 'verified' | 'failed'; statusUrl: string },
): string {
  const { ids, generation } = context;
  const pinShown =
    generation === 'old'
      ? html`<div class="phone-pin-number"><span>${options.pin}</span></div>`
      : html`<div class="phone-pin-number"><strong${ids.attr('phonePin')}>${options.pin}</strong></div>`;
  const calling = options.status === 'calling';
  const body = html`<h1>Confirm your identity</h1>
<div class="phone-pin">
<p>We are calling ${options.number}. When the call asks for it, enter this PIN on your phone's keypad.</p>
<h2>PIN</h2>
${pinShown}
</div>
${calling ? html`<p class="call-progress">Waiting for your call to complete…</p>` : ''}
<div class="call-outcome">${calling ? '' : pinOutcome(context, options.status === 'verified' ? 'verified' : 'failed')}</div>`;
  const script = calling
    ? html`const poll = async () => {
  try {
    const answer = await fetch(${scriptJson(options.statusUrl)}, { credentials: 'same-origin', cache: 'no-store' });
    const state = answer.ok ? await answer.json() : {};
    if (typeof state.outcome === 'string') {
      document.querySelector('.call-outcome').innerHTML = state.outcome;
      document.querySelector('.call-progress')?.remove();
      return;
    }
  } catch {}
  setTimeout(poll, 500);
};
setTimeout(poll, 500);
`
    : undefined;
  return wizardDocument(context, { hash: 'identityverification', body, script });
}

/** After a code was sent (text message or voice call): where it is typed in. */
export function identityCodePage(
  context: WizardContext,
  options: { channel: 'sms' | 'voice'; number: string; error?: string },
): string {
  const { ids } = context;
  const how =
    options.channel === 'sms'
      ? `We sent a text message with a verification code to ${options.number}.`
      : `We are calling ${options.number} to read out a verification code.`;
  const parts = [
    textField(ids, 'phoneCode', {
      label: 'Verification code',
      name: 'verificationCode',
      autocomplete: 'one-time-code',
    }),
    html`<button type="submit"${ids.attr('phoneCodeContinue')}>Continue</button>`,
  ];
  const body = html`<h1>Verify code</h1>
<p>${how} Enter the code below.</p>
${alertBox(options.error)}
<form method="post" action="${context.action}" novalidate>
${partField('identityverification')}
<input type="hidden" name="action" value="code">
${ids.arrange(parts)}
</form>
<form method="post" action="${context.action}">
${partField('identityverification')}
<input type="hidden" name="action" value="retry">
<button type="submit" class="secondary"${ids.attr('phoneCodeRetry')}>Try again</button>
</form>`;
  return wizardDocument(context, { hash: 'identityverification', body });
}

// Support plan

export function supportPage(context: WizardContext, options: { error?: string }): string {
  const { ids } = context;
  const plans = html`<fieldset><legend>Support plan</legend>
${radio(ids, 'supportBasic', { label: 'Basic support - Free', name: 'supportPlan', value: 'basic' })}
<p>Recommended for new users who are just getting started with AWS.</p>
${radio(ids, 'supportDeveloper', { label: 'Developer support', name: 'supportPlan', value: 'developer' })}
<p>Recommended for developers who are experimenting with AWS. From $29/month.</p>
${radio(ids, 'supportBusiness', { label: 'Business support+', name: 'supportPlan', value: 'business' })}
<p>Recommended for running production workloads on AWS. From $100/month.</p>
</fieldset>`;
  const body = html`<h1>Select a support plan</h1>
<p>Choose a support plan for your business or personal account. You can change your plan at any time.</p>
${alertBox(options.error)}
<form method="post" action="${context.action}" novalidate>
${partField('support')}
${ids.arrange([plans, html`<button type="submit"${ids.attr('completeSignup')}>Complete sign up</button>`])}
</form>`;
  return wizardDocument(context, { hash: 'support', body });
}

// Confirmation and resubscribe

export function confirmationPage(context: WizardContext): string {
  const body = html`<h1>Congratulations</h1>
<p>Thank you for signing up for AWS.</p>
<p>We are activating your account, which should only take a few minutes. You will receive an email when this is complete.</p>
<a${context.ids.attr('goToConsole')} href="${CONSOLE_HOME_URL}">Go to the AWS Management Console</a>`;
  return wizardDocument(context, { hash: 'confirmation', body });
}

export function resubscribePage(context: WizardContext, options: { error?: string }): string {
  const { ids } = context;
  const body = html`<h1>AWS Customer Agreement</h1>
<p>To continue using this account, review and accept the AWS Customer Agreement.</p>
${alertBox(options.error)}
<form method="post" action="${context.action}" novalidate>
${partField('resubscribed')}
${ids.arrange([
  checkbox(ids, 'agreement', { label: TEXT.agreementLabel, name: 'agreement' }),
  html`<button type="submit"${ids.attr('agreeAndContinue')}>Agree and continue</button>`,
])}
</form>`;
  return wizardDocument(context, { hash: 'resubscribed', body });
}
