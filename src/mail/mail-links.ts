import { isResetLink } from '../console/allow-list';

// Finding links in a mail body and judging the one that may be AWS's reset link. Pure string work: no URL is ever
// fetched. Reasons returned here never quote the link (its query holds the reset token).

/** The only host a reset link may name: the regional sign-in hosts never send reset mails. */
export const RESET_HOST = 'signin.aws.amazon.com';
export const RESET_PATH = '/resetpassword';

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/**
 * HTML character references: the few named ones mail templates use and every numeric one. An unknown name stays as
 * written, so a link holding one differs from its plain-text twin and is refused rather than guessed at.
 */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code =
        name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Percent-decodes up to three times (a wrapper may encode twice); stops where the text stops decoding. */
function percentDecoded(text: string): string[] {
  const forms = [text];
  let current = text;
  for (let round = 0; round < 3; round++) {
    try {
      const next = decodeURIComponent(current);
      if (next === current) break;
      forms.push(next);
      current = next;
    } catch {
      break;
    }
  }
  return forms;
}

/** Letters and digits only, lower-case: "Reset-Password", "reset_password" and "RESETPASSWORD" all read alike. */
function squeezed(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Whether a string, in any of its decoded forms, names the reset page. */
export function mentionsResetPassword(text: string): boolean {
  return percentDecoded(decodeEntities(text)).some((form) => squeezed(form).includes('resetpassword'));
}

/** The authority (`user@host:port`) of an absolute URL, or the part before the first slash of a bare one. */
function authorityOf(link: string): string {
  const absolute = /^[a-z][a-z0-9+.-]*:[\\/]{2}([^/\\?#]*)/i.exec(link);
  if (absolute) return absolute[1] ?? '';
  return /^[^/\\?#]*/.exec(link)?.[0] ?? '';
}

/**
 * Whether a link is a candidate for the reset link: it names the reset page anywhere (path, a wrapped URL, a query,
 * "reset-password" spellings) or its host names the sign-in service (lookalikes such as
 * signin.aws.amazon.com.evil.test included). A reset mail must hold exactly one candidate, and that one must be the
 * real thing; so a second sign-in link, even a harmless one, makes the mail ambiguous and it is refused.
 * Other links (a privacy notice, the console, an unsubscribe page) are not candidates, not "any link of a reset
 * mail": they are never opened, AWS's footers carry them, and counting them would refuse genuine mails.
 */
export function isResetCandidate(link: string): boolean {
  return mentionsResetPassword(link) || squeezed(authorityOf(link)).includes('signin');
}

/** Whether a piece of text reads as a link by itself (what a person would take for an address to click). */
export function looksLikeLink(text: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(text) ||
    /^www\.\S+$/i.test(text) ||
    /^[a-z0-9-]+(\.[a-z0-9-]+)+\.?([/\\?#]\S*)?$/i.test(text) ||
    (!/\s/.test(text) && mentionsResetPassword(text))
  );
}

/**
 * The `scheme://…` inside a word ("Link:https://…" gives "https://…"), found from the first `://` backwards: a
 * pattern scanning forwards from every letter would take quadratic time on a long word, and mail is attacker input.
 */
function urlIn(token: string): string | undefined {
  const separator = token.indexOf('://');
  if (separator <= 0) return undefined;
  let start = separator;
  while (start > 0 && /[a-z0-9+.-]/i.test(token[start - 1] ?? '')) start--;
  while (start < separator && !/[a-z]/i.test(token[start] ?? '')) start++;
  if (start === separator) return undefined;
  return token.slice(start).replace(TRAILING_PUNCTUATION, '') || undefined;
}

const LEADING_PUNCTUATION = /^[(<["'{]+/;
const TRAILING_PUNCTUATION = /[.,;:!?)>\]}"']+$/;

/**
 * The link-like strings of a plain text: every `scheme://…` (trailing punctuation and brackets off) and every other
 * word that names the reset page (a link written without its scheme).
 */
export function linksInText(text: string): string[] {
  const links: string[] = [];
  for (const word of text.split(/\s+/)) {
    const token = word.replace(LEADING_PUNCTUATION, '').replace(TRAILING_PUNCTUATION, '');
    if (token === '') continue;
    const url = urlIn(token);
    if (url) links.push(url);
    else if (mentionsResetPassword(token)) links.push(token);
  }
  return links;
}

export interface HtmlAnchor {
  /** The first `href` of the `<a>` tag, entities decoded and trimmed; undefined without one. */
  href: string | undefined;
  /** The visible text inside the anchor, entities decoded, whitespace collapsed. */
  text: string;
}

export interface HtmlContent {
  /** Every `href` value of every tag, in order. */
  hrefs: string[];
  anchors: HtmlAnchor[];
  /** What a reader sees: tags dropped (block tags as line breaks), entities decoded. */
  visibleText: string;
}

const BLOCK_TAGS = new Set([
  'address',
  'blockquote',
  'body',
  'br',
  'center',
  'div',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'head',
  'header',
  'hr',
  'html',
  'li',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'td',
  'th',
  'thead',
  'title',
  'tr',
  'ul',
]);

// Neither pattern can cross a "<", and every attribute name is consumed whether or not a value follows: each scan is
// linear, however a hostile body is shaped.
const TAG = /<(\/?)([a-z][a-z0-9-]*)((?:[^<>"']|"[^"<]*"|'[^'<]*')*)>/gi;
const ATTRIBUTE = /([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function hrefsOf(attributes: string): string[] {
  const hrefs: string[] = [];
  for (const match of attributes.matchAll(ATTRIBUTE)) {
    const value = match[2] ?? match[3] ?? match[4];
    if (match[1]?.toLowerCase() === 'href' && value !== undefined) hrefs.push(decodeEntities(value).trim());
  }
  return hrefs;
}

/**
 * Reads the links of an HTML body the way a mail client shows them. Comments, scripts and styles are dropped first:
 * nothing in them is shown or clickable.
 */
export function readHtml(html: string): HtmlContent {
  const source = html
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
    .replace(/<(script|style)\b[\s\S]*?(?:<\/\1\s*>|$)/gi, ' ');
  const hrefs: string[] = [];
  const anchors: HtmlAnchor[] = [];
  let visible = '';
  let open: { href: string | undefined; from: number } | undefined;
  const closeAnchor = () => {
    if (!open) return;
    anchors.push({ href: open.href, text: visible.slice(open.from).replace(/\s+/g, ' ').trim() });
    open = undefined;
  };
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    visible += decodeEntities(source.slice(last, match.index));
    last = match.index + match[0].length;
    const closing = match[1] === '/';
    const name = (match[2] ?? '').toLowerCase();
    const tagHrefs = closing ? [] : hrefsOf(match[3] ?? '');
    hrefs.push(...tagHrefs);
    if (name === 'a') {
      closeAnchor();
      if (!closing) open = { href: tagHrefs[0], from: visible.length };
    }
    if (BLOCK_TAGS.has(name)) visible += '\n';
  }
  visible += decodeEntities(source.slice(last));
  closeAnchor();
  return { hrefs, anchors, visibleText: visible };
}

/** A host fit for a reason string: plain host characters only, else a placeholder. */
function describeHost(host: string): string {
  return /^[a-z0-9.-]{1,253}$/i.test(host) ? host.toLowerCase() : '(unreadable host)';
}

/**
 * Why a candidate is not AWS's reset link, or undefined when it is. Checked from the outside in, so that the reason
 * names the first trick a reader would fall for. Stricter than the browser's allow-list (`isResetLink`), which is
 * applied last as well.
 */
export function resetLinkProblem(link: string): string | undefined {
  const scheme = /^https:\/\//i.exec(link);
  if (!scheme) return 'link is not https';
  const authority = authorityOf(link);
  const rest = link.slice(scheme[0].length + authority.length);
  if (authority.includes('@')) return 'link has userinfo';
  const portAt = authority.lastIndexOf(':');
  const host = portAt >= 0 ? authority.slice(0, portAt) : authority;
  // Punycode is how a homograph (Cyrillic "і" for "i") reaches a browser; AWS's own host needs none.
  if (/[^\x21-\x7e]/.test(host) || host.split('.').some((label) => label.toLowerCase().startsWith('xn--')))
    return 'link host is punycode or not ASCII';
  if (/[^\x21-\x7e]/.test(rest)) return 'link has spaces or non-ASCII characters';
  if (holdsAnotherUrl(rest, host)) return 'link redirects through another host';
  if (host.toLowerCase() !== RESET_HOST) return `link host is not ${RESET_HOST}: ${describeHost(host)}`;
  if (portAt >= 0) return 'link has a port';
  const path = /^[^?#]*/.exec(rest)?.[0] ?? '';
  if (path !== RESET_PATH) return `link path is not ${RESET_PATH}`;
  let parsed: URL;
  try {
    parsed = new URL(link);
  } catch {
    return 'link is not a URL';
  }
  if (parsed.hostname !== RESET_HOST || !isResetLink(link)) return 'link is not a reset link';
  return undefined;
}

/**
 * Whether the part after the host carries a URL of its own (`?next=https%3A%2F%2F…`, `/__https://…__`, `#//host`)
 * or, on another host, names the sign-in host: the shape of open redirects and of link-rewriting wrappers.
 */
function holdsAnotherUrl(rest: string, host: string): boolean {
  return percentDecoded(decodeEntities(rest)).some(
    (form) =>
      /[a-z][a-z0-9+.-]*:[\\/]{2}/i.test(form) ||
      /[?&=#][\\/]{2}/.test(form) ||
      (host.toLowerCase() !== RESET_HOST && squeezed(form).includes(squeezed(RESET_HOST))),
  );
}
