// Which simulated site a host name belongs to. Region names as in AWS's endpoint tables (us-east-1,
// us-gov-west-1, ap-southeast-2 …).

const REGION = '[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d';
const SIGNIN_HOST = new RegExp(`^(?:${REGION}\\.)?signin\\.aws\\.amazon\\.com$`);
const CONSOLE_HOST = new RegExp(`^(?:${REGION}\\.)?console\\.aws\\.amazon\\.com$`);

export const SIGNIN_ORIGIN = 'https://signin.aws.amazon.com';
export const CONSOLE_HOME_URL = 'https://console.aws.amazon.com/console/home';
export const CAPTCHA_HOST = 'us-east-1.signin.aws.amazon.com';
export const CAPTCHA_ORIGIN = `https://${CAPTCHA_HOST}`;

export type SiteKind = 'signin' | 'console' | 'captcha' | 'foreign';

export function siteOf(host: string, path: string): SiteKind {
  if (host === CAPTCHA_HOST && (path === '/captcha' || path.startsWith('/captcha/'))) return 'captcha';
  if (SIGNIN_HOST.test(host)) return 'signin';
  if (CONSOLE_HOST.test(host)) return 'console';
  return 'foreign';
}

export function isConsoleHost(host: string): boolean {
  return CONSOLE_HOST.test(host);
}
