// Which simulated site a host name belongs to. Region names as in AWS's endpoint tables (us-east-1,
// us-gov-west-1, ap-southeast-2 …).

const REGION = '[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d';
const SIGNIN_HOST = new RegExp(`^(?:${REGION}\\.)?signin\\.aws\\.amazon\\.com$`);
const CONSOLE_HOST = new RegExp(`^(?:${REGION}\\.)?console\\.aws\\.amazon\\.com$`);

export const SIGNIN_ORIGIN = 'https://signin.aws.amazon.com';
export const CONSOLE_HOME_URL = 'https://console.aws.amazon.com/console/home';
export const CAPTCHA_HOST = 'us-east-1.signin.aws.amazon.com';
export const CAPTCHA_ORIGIN = `https://${CAPTCHA_HOST}`;
/** The billing portal: the sign-up wizard that makes a member account standalone. */
export const PORTAL_HOST = 'portal.aws.amazon.com';
export const PORTAL_ORIGIN = `https://${PORTAL_HOST}`;
/** Where the older wizard's in-page CAPTCHA pictures come from (an S3 bucket of AWS's). */
export const CAPTCHA_IMAGE_HOST = 'opfcaptcha-prod.s3.amazonaws.com';
export const CAPTCHA_IMAGE_ORIGIN = `https://${CAPTCHA_IMAGE_HOST}`;

export type SiteKind = 'signin' | 'console' | 'portal' | 'captcha' | 'captcha-image' | 'foreign';

export function siteOf(host: string, path: string): SiteKind {
  if (host === CAPTCHA_HOST && (path === '/captcha' || path.startsWith('/captcha/'))) return 'captcha';
  if (SIGNIN_HOST.test(host)) return 'signin';
  if (CONSOLE_HOST.test(host)) return 'console';
  if (host === PORTAL_HOST) return 'portal';
  if (host === CAPTCHA_IMAGE_HOST) return 'captcha-image';
  return 'foreign';
}

export function isConsoleHost(host: string): boolean {
  return CONSOLE_HOST.test(host);
}

/** Hosts a sign-in may send the browser back to: the console's and the billing portal. */
export function isSignInTarget(host: string): boolean {
  return CONSOLE_HOST.test(host) || host === PORTAL_HOST;
}
