import { CAPTCHA_ORIGIN } from './hosts';
import { type Html, html, type PageIds, pageDocument, raw, scriptJson } from './html';

// The sign-in host's pages. Headings, labels and button texts are a contract with the page flows: keep them.

export interface PageContext {
  ids: PageIds;
  cookieBanner: boolean;
}

function alertBox(message: string | undefined): Html {
  return message ? html`<div role="alert">${message}</div>` : raw('');
}

function textField(
  ids: PageIds,
  key: Parameters<PageIds['required']>[0],
  options: { label: string; name: string; type: string; value?: string; autocomplete?: string },
): Html {
  const id = ids.required(key);
  return html`<label for="${id}">${options.label}</label>
<input type="${options.type}" id="${id}" name="${options.name}" value="${options.value ?? ''}" autocomplete="${options.autocomplete ?? 'off'}">`;
}

/** Fills the hidden pass-token field of `formId` and submits it once the CAPTCHA iframe reports success. */
function captchaListener(formId: string): Html {
  return html`window.addEventListener('message', (event) => {
  if (event.origin !== ${scriptJson(CAPTCHA_ORIGIN)}) return;
  const data = event.data;
  if (!data || data.type !== 'captcha-solved' || typeof data.token !== 'string') return;
  const form = document.getElementById(${scriptJson(formId)});
  form.elements.captchaToken.value = data.token;
  form.submit();
});
`;
}

function captchaFrame(ids: PageIds, src: string, loadNow: boolean): Html {
  return loadNow
    ? html`<iframe${ids.attr('captchaFrame')} src="${src}" title="Security verification"></iframe>`
    : html`<iframe${ids.attr('captchaFrame')} data-src="${src}" title="Security verification"></iframe>`;
}

export function signInPage(
  context: PageContext,
  options: { email?: string; error?: string; captchaSrc?: string },
): string {
  const { ids } = context;
  const formId = ids.required('signinForm');
  const userType = html`<fieldset>
<legend>Choose a user type</legend>
<div><input type="radio"${ids.attr('rootChoice')} name="userType" value="root" checked><label for="${ids.required('rootChoice')}">Root user</label></div>
<div><input type="radio"${ids.attr('iamChoice')} name="userType" value="iam"><label for="${ids.required('iamChoice')}">IAM user</label></div>
</fieldset>`;
  const email = textField(ids, 'email', {
    label: 'Root user email address',
    name: 'email',
    type: 'email',
    value: options.email,
    autocomplete: 'username',
  });
  const next = html`<button type="submit"${ids.attr('nextButton')}>Next</button>`;
  const modal = options.captchaSrc
    ? html`<div class="backdrop"></div>
<div role="dialog" aria-modal="true"${ids.attr('captchaDialog')} aria-labelledby="${ids.required('captchaHeading')}">
<h2 id="${ids.required('captchaHeading')}">Security Verification</h2>
<p>To continue, type the characters you see in the picture.</p>
${captchaFrame(ids, options.captchaSrc, true)}
</div>`
    : '';
  const body = html`<h1>Sign in</h1>
${alertBox(options.error)}
<form method="post" action="/signin/resolve" id="${formId}" novalidate>
${ids.arrange([userType, email, next])}
<input type="hidden" name="captchaToken" value="">
</form>
<div class="links"><a href="https://portal.aws.amazon.com/billing/signup">Create a new AWS account</a></div>
${modal}`;
  return pageDocument({
    title: 'Amazon Web Services Sign-In',
    body,
    cookieBanner: context.cookieBanner,
    script: options.captchaSrc ? captchaListener(formId) : undefined,
  });
}

export type RecoveryDialog =
  | { state: 'closed'; captchaSrc?: string }
  | { state: 'captcha'; captchaSrc: string }
  | { state: 'sent'; maskedEmail: string }
  | { state: 'disabled' };

function recoveryDialog(ids: PageIds, dialog: RecoveryDialog): Html {
  const headingId = ids.required('recoveryHeading');
  const open = dialog.state !== 'closed';
  const done = html`<button type="button"${ids.attr('recoveryDone')} data-close-dialog>Done</button>`;
  let content: Html;
  switch (dialog.state) {
    case 'closed':
    case 'captcha':
      if (!dialog.captchaSrc) return raw('');
      content = html`<h2 id="${headingId}">Password recovery</h2>
<p>Enter the characters shown below to receive an email with instructions for resetting your password.</p>
${captchaFrame(ids, dialog.captchaSrc, open)}
<form method="post" action="/signin/recovery" id="${ids.required('recoveryForm')}">
<input type="hidden" name="captchaToken" value="">
</form>`;
      break;
    case 'sent':
      content = html`<h2 id="${headingId}">Password recovery request sent</h2>
<p>We sent an email to ${dialog.maskedEmail} with instructions for resetting your password.</p>
${done}`;
      break;
    case 'disabled':
      content = html`<h2 id="${headingId}">Password recovery</h2>
<div role="alert">Password recovery is disabled for this account.</div>
${done}`;
      break;
  }
  return html`<div class="backdrop"${open ? '' : raw(' hidden')}></div>
<div role="dialog" aria-modal="true"${ids.attr('recoveryDialog')} aria-labelledby="${headingId}"${open ? '' : raw(' hidden')}>
${content}
</div>`;
}

export function passwordPage(
  context: PageContext,
  options: { email: string; error?: string; recovery: RecoveryDialog },
): string {
  const { ids } = context;
  const password = textField(ids, 'password', {
    label: 'Password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
  });
  const signIn = html`<button type="submit"${ids.attr('signinButton')}>Sign in</button>`;
  const forgotId = ids.required('forgotLink');
  const dialogId = ids.required('recoveryDialog');
  // With a CAPTCHA to show, the link opens the dialog in place; without one it asks the server straight away.
  const opensInPlace = 'captchaSrc' in options.recovery && options.recovery.captchaSrc !== undefined;
  const script = html`const dialog = document.getElementById(${scriptJson(dialogId)});
const forgot = document.getElementById(${scriptJson(forgotId)});
if (dialog && ${scriptJson(opensInPlace)}) {
  forgot.addEventListener('click', (event) => {
    event.preventDefault();
    dialog.hidden = false;
    dialog.previousElementSibling.hidden = false;
    const frame = dialog.querySelector('iframe');
    if (!frame.getAttribute('src')) frame.setAttribute('src', frame.dataset.src);
  });
}
for (const button of document.querySelectorAll('[data-close-dialog]')) {
  button.addEventListener('click', () => { location.href = '/signin/password'; });
}
${opensInPlace ? captchaListener(ids.required('recoveryForm')) : ''}`;
  const body = html`<h1>Root user sign in</h1>
<p>Email: <span class="email">${options.email}</span></p>
${alertBox(options.error)}
<form method="post" action="/signin/password" novalidate>
${ids.arrange([password, signIn])}
</form>
<div class="links">
<a id="${forgotId}" href="/signin/password?recovery=1">Forgot password?</a>
<br><a href="/signin">Sign in to a different account</a>
</div>
${recoveryDialog(ids, options.recovery)}`;
  return pageDocument({
    title: 'Amazon Web Services Sign-In',
    body,
    cookieBanner: context.cookieBanner,
    script,
  });
}

export function interstitialPage(context: PageContext): string {
  const body = html`<h1>Help us keep your account secure</h1>
<p>We noticed something unusual about this sign-in. Review the security settings of your account before you continue.</p>
<form method="post" action="/signin/interstitial">
<button type="submit"${context.ids.attr('continueButton')}>Continue</button>
</form>`;
  return pageDocument({ title: 'Amazon Web Services Sign-In', body, cookieBanner: context.cookieBanner });
}

export function mfaPage(context: PageContext, options: { error?: string }): string {
  const { ids } = context;
  const code = textField(ids, 'mfaCode', {
    label: 'MFA code',
    name: 'mfaCode',
    type: 'text',
    autocomplete: 'one-time-code',
  });
  const submit = html`<button type="submit"${ids.attr('mfaSubmit')}>Submit</button>`;
  const body = html`<h1>Multi-factor authentication</h1>
<p>Enter the code from the authenticator app registered for this root user.</p>
${alertBox(options.error)}
<form method="post" action="/signin/mfa" novalidate>
${ids.arrange([code, submit])}
</form>`;
  return pageDocument({ title: 'Amazon Web Services Sign-In', body, cookieBanner: context.cookieBanner });
}

export function assignMfaPage(context: PageContext, options: { skippable: boolean; error?: string }): string {
  const { ids } = context;
  const radio = (key: Parameters<PageIds['required']>[0], value: string, label: string, checked: boolean) =>
    html`<div><input type="radio"${ids.attr(key)} name="deviceType" value="${value}"${checked ? raw(' checked') : ''}><label for="${ids.required(key)}">${label}</label></div>`;
  const types = html`<fieldset>
<legend>MFA device</legend>
${radio('mfaAuthenticator', 'authenticator', 'Authenticator app', false)}
${radio('mfaPasskey', 'passkey', 'Passkey or security key', false)}
${radio('mfaHardware', 'hardware', 'Hardware TOTP token', false)}
</fieldset>`;
  const deviceName = textField(ids, 'deviceName', { label: 'Device name', name: 'deviceName', type: 'text' });
  const next = html`<button type="submit"${ids.attr('assignNext')}>Next</button>`;
  const skip = options.skippable
    ? html`<p>You can skip this for now. 35 days left to assign MFA.</p>
<form method="post" action="/signin/mfa/skip"><button type="submit" class="secondary"${ids.attr('skipMfa')}>Skip for now</button></form>`
    : '';
  const body = html`<h1>Assign MFA device</h1>
<p>AWS requires root users to use multi-factor authentication (MFA).</p>
${skip}
${alertBox(options.error)}
<form method="post" action="/signin/mfa/assign" novalidate>
${ids.arrange([types, deviceName, next])}
</form>`;
  return pageDocument({ title: 'Assign MFA device', body, cookieBanner: context.cookieBanner });
}

const QR_PLACEHOLDER =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160"><rect width="160" height="160" fill="#fff"/><rect x="10" y="10" width="40" height="40" fill="#000"/><rect x="110" y="10" width="40" height="40" fill="#000"/><rect x="10" y="110" width="40" height="40" fill="#000"/><rect x="70" y="70" width="20" height="20" fill="#000"/></svg>',
  );

export function setUpDevicePage(
  context: PageContext,
  options: { secretKey: string; error?: string },
): string {
  const { ids } = context;
  const secretId = ids.required('secretKey');
  const showId = ids.required('showSecret');
  const code1 = textField(ids, 'mfaCode1', { label: 'MFA code 1', name: 'mfaCode1', type: 'text' });
  const code2 = textField(ids, 'mfaCode2', { label: 'MFA code 2', name: 'mfaCode2', type: 'text' });
  const add = html`<button type="submit"${ids.attr('addMfa')}>Add MFA</button>`;
  const body = html`<h1>Set up device</h1>
<ol>
<li>Install a compatible authenticator app on a mobile device or computer.</li>
<li>Open your authenticator app, then scan the QR code or enter the secret key.
<div><img alt="QR code" src="${QR_PLACEHOLDER}" width="160" height="160"></div>
<button type="button" class="secondary" id="${showId}">Show secret key</button>
<div><code data-testid="secret-key" id="${secretId}" hidden>${options.secretKey}</code></div>
</li>
<li>Enter two consecutive MFA codes from the app.</li>
</ol>
${alertBox(options.error)}
<form method="post" action="/signin/mfa/setup" novalidate>
${ids.arrange([code1, code2, add])}
</form>`;
  const script = html`document.getElementById(${scriptJson(showId)}).addEventListener('click', () => {
  document.getElementById(${scriptJson(secretId)}).hidden = false;
});`;
  return pageDocument({ title: 'Set up device', body, cookieBanner: context.cookieBanner, script });
}

export function verifyIdentityPage(
  context: PageContext,
  options: { maskedEmail: string; error?: string },
): string {
  const { ids } = context;
  const code = textField(ids, 'verificationCode', {
    label: 'Verification code',
    name: 'code',
    type: 'text',
    autocomplete: 'one-time-code',
  });
  const verify = html`<button type="submit"${ids.attr('verifyButton')}>Verify</button>`;
  const body = html`<h1>Verify your identity</h1>
<p>We sent a verification code to ${options.maskedEmail}. Enter it below.</p>
${alertBox(options.error)}
<form method="post" action="/signin/verify" novalidate>
${ids.arrange([code, verify])}
</form>`;
  return pageDocument({ title: 'Amazon Web Services Sign-In', body, cookieBanner: context.cookieBanner });
}

export function resetPasswordPage(
  context: PageContext,
  options: { token: string; type: string; error?: string } | { expired: true },
): string {
  if ('expired' in options) {
    const body = html`<h1>Reset password</h1>
<div role="alert">This password reset link has expired or was already used. Request a new one.</div>`;
    return pageDocument({ title: 'Reset password', body, cookieBanner: context.cookieBanner });
  }
  const { ids } = context;
  const newPassword = textField(ids, 'newPassword', {
    label: 'New password',
    name: 'newPassword',
    type: 'password',
    autocomplete: 'new-password',
  });
  const confirm = textField(ids, 'confirmPassword', {
    label: 'Confirm new password',
    name: 'confirmPassword',
    type: 'password',
    autocomplete: 'new-password',
  });
  const submit = html`<button type="submit"${ids.attr('resetSubmit')}>Reset password</button>`;
  const body = html`<h1>Reset password</h1>
${alertBox(options.error)}
<form method="post" action="/resetpassword" novalidate>
<input type="hidden" name="type" value="${options.type}">
<input type="hidden" name="token" value="${options.token}">
${ids.arrange([newPassword, confirm, submit])}
</form>
<p>Use 8 to 128 characters with at least three of: uppercase letters, lowercase letters, numbers and symbols (!@#$%^&amp;*()_+-=[]{}|').</p>`;
  return pageDocument({ title: 'Reset password', body, cookieBanner: context.cookieBanner });
}

export function resetDonePage(context: PageContext): string {
  const body = html`<div aria-label="Success" role="status">
<h1>Password reset successful</h1>
<p>You can now sign in with your new password.</p>
<a href="/signin">Sign in</a>
</div>`;
  return pageDocument({ title: 'Reset password', body, cookieBanner: context.cookieBanner });
}
