// The verdicts SES writes on receipt, read from the message's own header lines. SES puts its headers on top of the
// ones the message arrived with, and a sender can write any header it likes below them; so:
// - spam and virus verdicts: every copy must say PASS (a forged PASS below SES's FAIL changes nothing);
// - SPF and DKIM: the topmost Authentication-Results and Received-SPF, the ones SES wrote.

export interface HeaderLine {
  /** Lower-case field name. */
  key: string;
  /** The whole raw field, `Name: value`, folding included. */
  line: string;
}

/** A field's value, unfolded and trimmed. */
export function fieldValue(header: HeaderLine): string {
  const colon = header.line.indexOf(':');
  return header.line
    .slice(colon + 1)
    .replace(/\r?\n(?=[ \t])/g, '')
    .trim();
}

function valuesOf(headers: readonly HeaderLine[], key: string): string[] {
  return headers.filter((header) => header.key === key).map(fieldValue);
}

/** A header value that may go into a reason: a plain word, upper-case, or a placeholder. */
function word(value: string): string {
  const token = value.trim().split(/[\s;(]/)[0] ?? '';
  return /^[a-z_]{1,32}$/i.test(token) ? token.toUpperCase() : 'UNREADABLE';
}

interface AuthResult {
  method: string;
  result: string;
  properties: string;
}

/** The results of one Authentication-Results field (RFC 8601); comments dropped, the authserv-id skipped. */
function authResults(value: string): AuthResult[] {
  let text = value;
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/\([^()]*\)/g, ' ');
  }
  return text
    .split(';')
    .slice(1)
    .flatMap((item) => {
      const match = /^\s*([a-z0-9_.-]+)\s*=\s*([a-z]+)\b(.*)$/is.exec(item);
      return match
        ? [
            {
              method: (match[1] ?? '').toLowerCase(),
              result: (match[2] ?? '').toLowerCase(),
              properties: match[3] ?? '',
            },
          ]
        : [];
    });
}

/** The signing domain of a DKIM result: `header.d`, else the domain of `header.i`. */
function signingDomain(properties: string): string | undefined {
  const domain = /\bheader\.d\s*=\s*([^\s;]+)/i.exec(properties)?.[1];
  const identity = /\bheader\.i\s*=\s*([^\s;]+)/i.exec(properties)?.[1];
  const found = domain ?? identity?.slice(identity.lastIndexOf('@') + 1);
  return found ? found.toLowerCase().replace(/\.$/, '') : undefined;
}

/**
 * Whether a signature by `signer` vouches for mail from `fromDomain`: the same domain, or one a sub-domain of the
 * other (DMARC's relaxed alignment without a public-suffix list; a bare top-level domain never counts).
 */
function aligned(signer: string, fromDomain: string): boolean {
  if (!signer.includes('.')) return false;
  return signer === fromDomain || fromDomain.endsWith(`.${signer}`) || signer.endsWith(`.${fromDomain}`);
}

type Check = { present: false } | { present: true; failure: string | undefined };

function spamOrVirus(headers: readonly HeaderLine[], key: string, label: string): Check {
  const values = valuesOf(headers, key);
  if (values.length === 0) return { present: false };
  const failing = values.map(word).find((verdict) => verdict !== 'PASS');
  return { present: true, failure: failing ? `${label} verdict ${failing}` : undefined };
}

function spf(headers: readonly HeaderLine[], results: AuthResult[]): Check {
  const outcomes = results.filter((r) => r.method === 'spf').map((r) => r.result);
  const received = valuesOf(headers, 'received-spf')[0];
  if (received !== undefined) outcomes.push(word(received).toLowerCase());
  if (outcomes.length === 0) return { present: false };
  const failing = outcomes.find((outcome) => outcome !== 'pass');
  return { present: true, failure: failing ? `SPF ${failing}` : undefined };
}

function dkim(results: AuthResult[], fromDomain: string | undefined): Check {
  const signatures = results.filter((r) => r.method === 'dkim');
  if (signatures.length === 0) return { present: false };
  const passing = signatures.filter((r) => r.result === 'pass');
  if (passing.length === 0) return { present: true, failure: `DKIM ${signatures[0]?.result}` };
  if (!fromDomain) return { present: true, failure: 'DKIM does not match the sender' };
  const byFrom = passing.some((r) => {
    const signer = signingDomain(r.properties);
    return signer !== undefined && aligned(signer, fromDomain);
  });
  // SES's DMARC result says the same thing in one word when it has evaluated alignment itself.
  const dmarc = results.some(
    (r) =>
      r.method === 'dmarc' &&
      r.result === 'pass' &&
      /\bheader\.from\s*=\s*([^\s;]+)/i.exec(r.properties)?.[1]?.toLowerCase() === fromDomain,
  );
  return { present: true, failure: byFrom || dmarc ? undefined : 'DKIM does not match the sender' };
}

/**
 * Why the SES verdicts do not let this mail through, or undefined when they do. Spam and virus verdicts must say
 * PASS, SPF must pass, and DKIM must pass for the From domain (a pass for some other domain is what any sender with
 * its own domain gets). Absent verdicts fail when `requireVerdicts` is set.
 */
export function sesVerdictProblem(
  headers: readonly HeaderLine[],
  fromDomain: string | undefined,
  requireVerdicts: boolean,
): string | undefined {
  const topmost = headers.find((header) => header.key === 'authentication-results');
  // Only SES's own results count (RFC 8601's authserv-id comes first): a header another server wrote is not one.
  const bySes = topmost && /^\s*amazonses\.com\s*;/i.test(fieldValue(topmost));
  const results = topmost && bySes ? authResults(fieldValue(topmost)) : [];
  const checks: Array<[Check, string]> = [
    [spamOrVirus(headers, 'x-ses-spam-verdict', 'spam'), 'no spam verdict'],
    [spamOrVirus(headers, 'x-ses-virus-verdict', 'virus'), 'no virus verdict'],
    [spf(headers, results), 'no SPF result'],
    [dkim(results, fromDomain), 'no DKIM result'],
  ];
  if (requireVerdicts && checks.every(([check]) => !check.present)) return 'no SES verdicts';
  for (const [check, absent] of checks) {
    if (!check.present) {
      if (requireVerdicts) return absent;
    } else if (check.failure) return check.failure;
  }
  return undefined;
}
