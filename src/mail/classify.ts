import { type AddressObject, type EmailAddress, type ParsedMail, simpleParser } from 'mailparser';
import { Reader } from '../common/config';
import {
  type HtmlContent,
  isResetCandidate,
  linksInText,
  looksLikeLink,
  mentionsResetPassword,
  readHtml,
  resetLinkProblem,
} from './mail-links';
import { mimeStructureProblem } from './mime-structure';
import { fieldValue, type HeaderLine, sesVerdictProblem } from './ses-verdicts';

// Decides what a raw message to a root address is: AWS's reset mail (and its one link), AWS's mailed sign-in code,
// other mail, or a mail that looked like one of the first two and failed a check. Pure: no AWS call, no network, no
// logging; the Lambda (src/mail/lambda.ts) and the operator's tool (scripts/mail-inspect.ts) both run exactly this.
//
// Reasons are short, stable phrases; none ever holds the link, its token or the code:
//   message too large · malformed MIME: <what> · sender not trusted: <address> · no SES verdicts · no spam verdict ·
//   no virus verdict · no SPF result · no DKIM result · spam verdict <VERDICT> · virus verdict <VERDICT> ·
//   SPF <result> · DKIM <result> · DKIM does not match the sender · subject is not password assistance ·
//   HTML link text differs from its href · text and HTML parts disagree · no reset link · several reset links ·
//   link is not https · link has userinfo · link host is punycode or not ASCII ·
//   link has spaces or non-ASCII characters · link redirects through another host ·
//   link host is not signin.aws.amazon.com: <host> · link has a port · link path is not /resetpassword ·
//   link is not a URL · link is not a reset link · no code · several codes · not a reset or code mail

export interface MailSettings {
  /** AWS's sender addresses (lower-case), MAIL_TRUSTED_SENDERS comma-separated; defaults: no-reply@signin.aws, no-reply@signin.aws.amazon.com, aws-verification@amazon.com, no-reply-aws@amazon.com */
  trustedSenders: string[];
  /** MAIL_REQUIRE_VERDICTS (default true): absent SES verdict headers count as failing; false only for local use. */
  requireVerdicts: boolean;
  /** MAIL_MAX_BYTES (default 10 MiB): larger messages are rejected unparsed. */
  maxBytes: number;
}

export const DEFAULT_TRUSTED_SENDERS: readonly string[] = [
  'no-reply@signin.aws',
  'no-reply@signin.aws.amazon.com',
  'aws-verification@amazon.com',
  'no-reply-aws@amazon.com',
];
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const SENDER_ADDRESS = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/** Reads the mail settings; a bad value throws ConfigError naming its variable. */
export function loadMailSettings(env: Record<string, string | undefined> = process.env): MailSettings {
  const read = new Reader(env);
  const senders = read.list('MAIL_TRUSTED_SENDERS', SENDER_ADDRESS, 'an email address', { required: false });
  const requireVerdicts = read.boolean('MAIL_REQUIRE_VERDICTS', true);
  const maxText = read.optional('MAIL_MAX_BYTES', String(DEFAULT_MAX_BYTES), /^\d{1,15}$/, 'a size in bytes');
  const maxBytes = Number(maxText);
  if (maxBytes === 0)
    read.problems.push({ variable: 'MAIL_MAX_BYTES', problem: 'MAIL_MAX_BYTES must be above 0' });
  read.done();
  return {
    trustedSenders:
      senders.length > 0 ? [...new Set(senders.map((s) => s.toLowerCase()))] : [...DEFAULT_TRUSTED_SENDERS],
    requireVerdicts,
    maxBytes,
  };
}

export interface MailFacts {
  messageId?: string;
  /** The From address, lower-case (the first one when a message names several). */
  from?: string;
  subject?: string;
  /** The Date header, epoch milliseconds. */
  date?: number;
  /** normalised, de-duplicated, in header order: To, Cc, Delivered-To, the SES recipient from the Received "for <…>" clause */
  recipients: string[];
}

export type MailVerdict =
  | ({ verdict: 'reset-link'; link: string } & MailFacts)
  | ({ verdict: 'sign-in-code'; code: string } & MailFacts)
  | ({ verdict: 'other'; reason: string } & MailFacts)
  | ({ verdict: 'rejected'; reason: string } & MailFacts);

const LOCAL_PART = /^[a-z0-9!#$%&'*/=?^_`{|}~.+-]+$/;
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** lower-case, `+tag` removed from the local part; undefined for something that is not an address */
export function normaliseAddress(address: string): string | undefined {
  const bare = address
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .toLowerCase();
  const at = bare.lastIndexOf('@');
  if (at <= 0) return undefined;
  const local = bare.slice(0, at).split('+')[0] ?? '';
  const domain = bare.slice(at + 1);
  if (local === '' || !LOCAL_PART.test(local) || !DOMAIN.test(domain)) return undefined;
  return `${local}@${domain}`;
}

const RESET_SUBJECT = 'amazon web services password assistance';
const NOT_RESET_OR_CODE = 'not a reset or code mail';

function plainSubject(subject: string | undefined): string {
  return (subject ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
}

function isResetSubject(subject: string | undefined): boolean {
  return plainSubject(subject) === RESET_SUBJECT;
}

/** "Your AWS sign-in verification code" and its likes: AWS named, and a code of the sign-in kind. */
function isCodeSubject(subject: string | undefined): boolean {
  const text = plainSubject(subject);
  return (
    /\b(aws|amazon web services)\b/.test(text) &&
    /\b(verification|sign-?in|one-time|security|login)\s+code\b/.test(text)
  );
}

/** Where a verdict's facts come from: the parsed message. */
function factsOf(mail: ParsedMail, fromAddresses: string[]): MailFacts {
  const facts: MailFacts = { recipients: recipientsOf(mail) };
  if (mail.messageId) facts.messageId = mail.messageId;
  if (fromAddresses[0]) facts.from = fromAddresses[0];
  if (mail.subject !== undefined) facts.subject = mail.subject;
  const date = mail.date?.getTime();
  if (date !== undefined && Number.isFinite(date)) facts.date = date;
  return facts;
}

function addressesIn(objects: AddressObject | AddressObject[] | undefined): string[] {
  const flatten = (entries: EmailAddress[]): string[] =>
    entries.flatMap((entry) => (entry.group ? flatten(entry.group) : entry.address ? [entry.address] : []));
  return [objects ?? []].flat().flatMap((object) => flatten(object.value));
}

/** The envelope recipient SES took the mail for: the topmost Received's `for` clause. */
function envelopeRecipientOf(mail: ParsedMail): string | undefined {
  const received = mail.headerLines.find((header) => header.key === 'received');
  const envelope = received && /\bfor\s+<?([^\s<>;]+@[^\s<>;]+?)>?\s*;/i.exec(fieldValue(received))?.[1];
  return envelope ? normaliseAddress(envelope) : undefined;
}

/** The To addresses, which AWS's DKIM signature covers. */
function signedRecipientsOf(mail: ParsedMail): string[] {
  return [...new Set(addressesIn(mail.to).flatMap((address) => normaliseAddress(address) ?? []))];
}

/** To, Cc, Delivered-To and the topmost Received's `for` clause (the envelope recipient SES took it for). */
function recipientsOf(mail: ParsedMail): string[] {
  const lines: readonly HeaderLine[] = mail.headerLines;
  const deliveredTo = lines
    .filter((header) => header.key === 'delivered-to')
    .flatMap((header) => fieldValue(header).match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? []);
  const envelope = envelopeRecipientOf(mail);
  const all = [
    ...addressesIn(mail.to),
    ...addressesIn(mail.cc),
    ...deliveredTo,
    ...(envelope ? [envelope] : []),
  ];
  return [...new Set(all.flatMap((address) => normaliseAddress(address) ?? []))];
}

/** An address fit for a reason string. */
function describeSenders(addresses: string[]): string {
  if (addresses.length === 0) return '(none)';
  return addresses
    .join(', ')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 200);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

interface Body {
  /** The plain-text parts; undefined when the message has none with content. */
  text: string | undefined;
  /** The HTML parts, read once; undefined when the message has none with content. */
  html: HtmlContent | undefined;
  /** Every link-like string of both parts, as `linksInText` and the HTML's hrefs give them. */
  textLinks: string[];
  htmlLinks: string[];
}

function bodyOf(mail: ParsedMail): Body {
  const text = mail.text?.trim() ? mail.text : undefined;
  const html = typeof mail.html === 'string' && mail.html.trim() ? readHtml(mail.html) : undefined;
  return {
    text,
    html,
    textLinks: text === undefined ? [] : linksInText(text),
    htmlLinks: html === undefined ? [] : [...html.hrefs, ...linksInText(html.visibleText)],
  };
}

type Outcome = { ok: true; value: string } | { ok: false; reason: string };

/** The one reset link of a reset mail, judged in the text and the HTML part alike. */
function resetLinkOf(body: Body): Outcome {
  for (const anchor of body.html?.anchors ?? []) {
    const candidate =
      (anchor.href !== undefined && isResetCandidate(anchor.href)) || isResetCandidate(anchor.text);
    // A link that shows one address and opens another is the oldest phishing trick; AWS writes the link twice.
    if (candidate && looksLikeLink(anchor.text) && anchor.text !== anchor.href)
      return { ok: false, reason: 'HTML link text differs from its href' };
  }
  const textLinks = body.textLinks.filter(isResetCandidate);
  const htmlLinks = body.htmlLinks.filter(isResetCandidate);
  if (body.text !== undefined && body.html !== undefined && !sameSet(textLinks, htmlLinks))
    return { ok: false, reason: 'text and HTML parts disagree' };
  const links = [...new Set([...textLinks, ...htmlLinks])];
  if (links.length === 0) return { ok: false, reason: 'no reset link' };
  if (links.length > 1) return { ok: false, reason: 'several reset links' };
  const [link] = links as [string];
  const problem = resetLinkProblem(link);
  return problem ? { ok: false, reason: problem } : { ok: true, value: link };
}

/** Six digits standing alone (not part of a longer number, word or id). */
function codesIn(text: string): string[] {
  return [...new Set(text.match(/(?<![\w-])\d{6}(?![\w-])/g) ?? [])];
}

/** The one code of a sign-in code mail; the HTML is read as shown (styles and colours such as #333333 dropped). */
function codeOf(body: Body): Outcome {
  const textCodes = body.text === undefined ? [] : codesIn(body.text);
  const htmlCodes = body.html === undefined ? [] : codesIn(body.html.visibleText);
  if (body.text !== undefined && body.html !== undefined && !sameSet(textCodes, htmlCodes))
    return { ok: false, reason: 'text and HTML parts disagree' };
  const codes = [...new Set([...textCodes, ...htmlCodes])];
  if (codes.length === 0) return { ok: false, reason: 'no code' };
  if (codes.length > 1) return { ok: false, reason: 'several codes' };
  return { ok: true, value: codes[0] as string };
}

/**
 * Which kind of AWS mail a message wants to be taken for: the reset subject, a sign-in code subject, or any link
 * naming the reset page (a forwarded or re-worded reset mail). Such a mail is judged, and rejected with a reason
 * when it fails; everything else is `other` whoever sent it.
 */
function kindOf(subject: string | undefined, body: Body): 'reset' | 'code' | undefined {
  if (isResetSubject(subject)) return 'reset';
  if (isCodeSubject(subject)) return 'code';
  return [...body.textLinks, ...body.htmlLinks].some(mentionsResetPassword) ? 'reset' : undefined;
}

async function classify(raw: Uint8Array | string, settings: MailSettings): Promise<MailVerdict> {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.byteLength;
  if (size > settings.maxBytes) return { verdict: 'rejected', reason: 'message too large', recipients: [] };
  const source = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const structure = mimeStructureProblem(typeof source === 'string' ? source : source.toString('latin1'));
  if (structure) return { verdict: 'rejected', reason: `malformed MIME: ${structure}`, recipients: [] };

  const mail = await simpleParser(source, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
    keepCidLinks: true,
  });
  const fromAddresses = addressesIn(mail.from).map((address) => address.toLowerCase());
  const facts = factsOf(mail, fromAddresses);
  const body = bodyOf(mail);

  const kind = kindOf(mail.subject, body);
  if (!kind) return { verdict: 'other', reason: NOT_RESET_OR_CODE, ...facts };

  const rejected = (reason: string): MailVerdict => ({ verdict: 'rejected', reason, ...facts });
  const sender = fromAddresses.length === 1 ? fromAddresses[0] : undefined;
  if (!sender || !settings.trustedSenders.includes(sender))
    return rejected(`sender not trusted: ${describeSenders(fromAddresses)}`);
  const verdicts = sesVerdictProblem(mail.headerLines, sender.split('@')[1], settings.requireVerdicts);
  if (verdicts) return rejected(verdicts);
  // AWS's genuine mail to someone else, sent on to a root address (its DKIM signature survives that): only the
  // signed To may name the root user it is for, and SES must have taken it for that very address.
  const addressedTo = signedRecipientsOf(mail);
  const envelope = envelopeRecipientOf(mail);
  if (addressedTo.length === 0) return rejected('no recipient in To');
  if (envelope && !addressedTo.includes(envelope))
    return rejected('delivered to an address it was not sent to');
  const secretFacts = { ...facts, recipients: addressedTo };

  if (kind === 'code') {
    const code = codeOf(body);
    return code.ok ? { verdict: 'sign-in-code', code: code.value, ...secretFacts } : rejected(code.reason);
  }
  if (!isResetSubject(mail.subject)) return rejected('subject is not password assistance');
  const link = resetLinkOf(body);
  return link.ok ? { verdict: 'reset-link', link: link.value, ...secretFacts } : rejected(link.reason);
}

/**
 * What a raw message is. Never throws: whatever the input, the answer is a verdict (malformed or oversized input is
 * `rejected`). A `reset-link` or `sign-in-code` verdict holds the secret; log only the other fields.
 */
export async function classifyMail(raw: Uint8Array | string, settings: MailSettings): Promise<MailVerdict> {
  try {
    return await classify(raw, settings);
  } catch {
    return { verdict: 'rejected', reason: 'malformed MIME: unreadable by the parser', recipients: [] };
  }
}
