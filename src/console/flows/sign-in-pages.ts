import type { ElementSpec, PageKind } from '../page-kit';

// The root sign-in pages as the flows know them: what each element is called, with both id generations of
// AWS's pages (snake_case and camelCase) as hints, and how each page is recognised. Data only: when AWS changes a
// page, this is the file to change.

/** Where a root sign-in starts; AWS sends a signed-out browser on to the sign-in host. */
export const CONSOLE_HOME = 'https://console.aws.amazon.com/console/home';

export const ELEMENT = {
  rootUserChoice: {
    role: 'choice',
    name: '^root user',
    hints: ['#root_account_signin', '#rootAccountSignin'],
  },
  email: {
    role: 'field',
    name: 'root user email|email address',
    hints: ['#resolving_input', '#resolvingInput', 'input[type=email]'],
  },
  next: { role: 'button', name: '^next$', hints: ['#next_button'] },
  password: { role: 'field', name: '^password$', hints: ['#password', 'input[type=password]'] },
  signIn: { role: 'button', name: '^sign in$', hints: ['#signin_button', '#signinButton'] },
  forgotPassword: {
    role: 'any',
    name: '^forgot (your )?password\\??$',
    hints: ['#root_forgot_password_link', '#rootForgotPasswordLink'],
  },
  recoveryDone: {
    role: 'button',
    name: '^(done|ok|close)$',
    hints: ['#password_recovery_done_button', '#passwordRecoveryDoneButton'],
  },
  newPassword: { role: 'field', name: '^new password', hints: ['#new_password', '#newPassword'] },
  confirmPassword: {
    role: 'field',
    name: '^confirm (new )?password',
    hints: ['#confirm_password', '#confirmNewPassword'],
  },
  resetSubmit: {
    role: 'button',
    name: '^(reset|change|set) password$',
    hints: ['#reset_password_submit', '#resetPasswordSubmit'],
  },
  resetSuccess: { role: 'any', name: '^success', hints: ['[aria-label=Success]'] },
  consoleMenu: { role: 'any', name: '^account menu', hints: ['#nav-usernameMenu'] },
  skipMfa: { role: 'button', name: '^(skip( for now)?|not now|remind me later)$' },
  authenticatorApp: { role: 'choice', name: 'authenticator app' },
  deviceName: { role: 'field', name: '^device name' },
  showSecretKey: { role: 'any', name: '^show (the )?secret key' },
  mfaCode1: { role: 'field', name: '^(mfa code 1|first (mfa )?code)' },
  mfaCode2: { role: 'field', name: '^(mfa code 2|second (mfa )?code)' },
  addMfa: { role: 'button', name: '^(add|assign|register) mfa' },
  mfaCode: { role: 'field', name: '^(mfa code|authentication code|one-time code)$' },
  mfaSubmit: { role: 'button', name: '^(submit|sign in|verify)$' },
  mailedCode: { role: 'field', name: '^(verification code|code)$' },
  verify: { role: 'button', name: '^(verify|submit|continue)$' },
} as const satisfies Record<string, ElementSpec>;

/**
 * A CAPTCHA in the way: today's "Security Verification" modal (its picture in a cross-origin frame, so the frame
 * itself is the sign here), or the older one drawn in the page.
 */
function captchaKinds(olderImages: string[]) {
  return [
    { kind: 'captcha', signs: { heading: '^security verification$' } },
    {
      kind: 'captcha',
      signs: {
        element: {
          role: 'any',
          hints: ['iframe#core-container', 'iframe[title*=security i]', ...olderImages],
        },
      },
    },
  ] as const satisfies readonly PageKind[];
}

/** Where the console and sign-in pages of any region live. */
const CONSOLE_URL = '^https://([a-z0-9-]+\\.)?console\\.aws\\.amazon\\.com/';

// Order matters: the first kind whose signs hold wins, so dialogs and alerts come before the page beneath them.
export const SIGN_IN_PAGES = [
  { kind: 'signed-in', signs: { url: CONSOLE_URL, element: ELEMENT.consoleMenu } },
  ...captchaKinds(['#captcha_container #captcha_image', '#captcha_image']),
  { kind: 'unknown-email', signs: { alert: 'does not exist|no account' } },
  { kind: 'wrong-password', signs: { alert: 'authentication information is incorrect' } },
  { kind: 'mfa-register', signs: { heading: '^(assign|register|set up) (an )?mfa' } },
  { kind: 'mfa-setup', signs: { element: ELEMENT.showSecretKey } },
  { kind: 'mfa-setup', signs: { element: ELEMENT.mfaCode1 } },
  { kind: 'mfa-code', signs: { heading: 'multi-factor authentication', element: ELEMENT.mfaCode } },
  {
    kind: 'mailed-code-refused',
    signs: { alert: 'code you entered is not valid|invalid (verification )?code|code (has )?expired' },
  },
  {
    kind: 'mailed-code',
    signs: { heading: 'verify your identity|check your email', element: ELEMENT.mailedCode },
  },
  { kind: 'password', signs: { element: ELEMENT.password } },
  { kind: 'email', signs: { element: ELEMENT.email } },
] as const satisfies readonly PageKind[];

export type SignInPage = (typeof SIGN_IN_PAGES)[number]['kind'];

/** The recovery dialog over the password page, in the order its states are told apart. */
export const RECOVERY_PAGES = [
  { kind: 'recovery-disabled', signs: { alert: 'recovery is (disabled|not allowed)|cannot reset' } },
  { kind: 'recovery-sent', signs: { text: 'we sent (you )?an email|request sent|check your email' } },
  ...captchaKinds(['#password_recovery_captcha_image']),
  { kind: 'recovery-open', signs: { heading: 'password recovery' } },
] as const satisfies readonly PageKind[];

export type RecoveryPage = (typeof RECOVERY_PAGES)[number]['kind'];

export const RESET_PAGES = [
  { kind: 'reset-done', signs: { element: ELEMENT.resetSuccess } },
  { kind: 'reset-done', signs: { heading: 'password (reset|changed|updated) successful' } },
  { kind: 'link-expired', signs: { alert: 'expired|already (been )?used|no longer valid' } },
  { kind: 'password-refused', signs: { alert: 'does not meet|do not match|not allowed' } },
  { kind: 'reset-form', signs: { element: ELEMENT.newPassword } },
] as const satisfies readonly PageKind[];

export type ResetPage = (typeof RESET_PAGES)[number]['kind'];
