// Which hosts the browser may reach. Everything else is aborted before it leaves the browser, whatever asked for
// it (a page, a script, a link from a mail). Regional hosts follow AWS's endpoint tables: `<region>.signin…`,
// `<region>.console…`.

/** A region name as AWS spells it: us-east-1, eu-central-2, ap-southeast-5, us-gov-west-1… */
const REGION = '[a-z]{2}(?:-gov)?-[a-z]+-\\d';

/** Hosts a page may be: sign-in, console and the billing/portal pages of the sign-up wizard. */
const PAGE_HOSTS: readonly RegExp[] = [
  /^signin\.aws\.amazon\.com$/,
  new RegExp(`^${REGION}\\.signin\\.aws\\.amazon\\.com$`),
  /^console\.aws\.amazon\.com$/,
  new RegExp(`^${REGION}\\.console\\.aws\\.amazon\\.com$`),
  /^portal\.aws\.amazon\.com$/,
];

/** Hosts a page may load parts from besides its own kind: CAPTCHA images, AWS's static files. */
const RESOURCE_HOSTS: readonly RegExp[] = [
  /^opfcaptcha-prod\.s3\.amazonaws\.com$/,
  /^(?:[a-z0-9-]+\.)*awsstatic\.com$/,
];

/**
 * The same hosts as name patterns for Chromium's own resolver: every other name fails to resolve there, so what
 * request interception cannot see (pop-ups, service workers, Chromium's background traffic) cannot leave either.
 * Broader than the patterns above (any sub-domain); the interception applies the exact ones.
 */
export const RESOLVABLE_HOSTS: readonly string[] = [
  'signin.aws.amazon.com',
  '*.signin.aws.amazon.com',
  'console.aws.amazon.com',
  '*.console.aws.amazon.com',
  'portal.aws.amazon.com',
  'opfcaptcha-prod.s3.amazonaws.com',
  '*.awsstatic.com',
];

/** Schemes a page builds in memory; nothing travels over the network for them. */
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:']);

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Whether the browser may navigate a page (or a frame) to `url`. */
export function mayNavigate(url: string): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (parsed.protocol === 'about:') return parsed.href === 'about:blank';
  return (
    parsed.protocol === 'https:' && parsed.port === '' && PAGE_HOSTS.some((h) => h.test(parsed.hostname))
  );
}

/** Whether a page may fetch `url` as a part of itself (scripts, images, CAPTCHA frames, XHR). */
export function mayLoad(url: string): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (LOCAL_SCHEMES.has(parsed.protocol)) return true;
  return (
    parsed.protocol === 'https:' &&
    parsed.port === '' &&
    [...PAGE_HOSTS, ...RESOURCE_HOSTS].some((h) => h.test(parsed.hostname))
  );
}

/** Whether a mailed link is AWS's root password reset page, and so may be opened. */
export function isResetLink(url: string): boolean {
  const parsed = parse(url);
  return (
    parsed !== undefined &&
    mayNavigate(url) &&
    /(^|\.)signin\.aws\.amazon\.com$/.test(parsed.hostname) &&
    parsed.pathname.toLowerCase() === '/resetpassword' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** A URL fit for a log line or an error: the host and path only (queries carry tokens). */
export function describeUrl(url: string): string {
  const parsed = parse(url);
  return parsed ? `${parsed.protocol}//${parsed.host}${parsed.pathname}` : '(not a URL)';
}
