/**
 * Secret scrubbing for everything that leaves the process as text (logs, Slack messages).
 * Fields are masked by name; free text is masked by pattern, for secrets that hide in messages.
 */
export const REDACTED = '[REDACTED]';

// Compared against a key lower-cased with separators removed, as a suffix: `rootPassword`, `x-slack-signature`.
const SECRET_KEY_SUFFIXES = [
  'password',
  'passwd',
  'secret',
  'secretstring',
  'secretaccesskey',
  'sessiontoken',
  'token',
  'cookie',
  'cookies',
  'authorization',
  'cardnumber',
  'card',
  'cvv',
  'cvc',
  'pin',
  'resetlink',
  'reseturl',
  'signature',
  'storagestate',
  // Values signals hand to a later run (answers, codes, reset links): see Teardown.handoff.
  'handoff',
  // A person's reading of a CAPTCHA (the challenge it answers keeps it until it closes).
  'answer',
];

export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_KEY_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const TEXT_PATTERNS: Array<[RegExp, (match: string, ...groups: string[]) => string]> = [
  // Reset links and anything else carrying a token in its query.
  [
    /https?:\/\/[^\s"'<>]*(?:resetpassword|reset_password|reset-password|[?&](?:token|key|code|signature)=)[^\s"'<>]*/gi,
    () => '[REDACTED-LINK]',
  ],
  // Slack tokens.
  [/\bxox[abposre]-[A-Za-z0-9-]+/g, () => '[REDACTED-TOKEN]'],
  // Cookie headers.
  [/\b(set-cookie|cookie)\s*[:=]\s*[^\n]+/gi, (_m, name) => `${name}: ${REDACTED}`],
  // key=value pairs (and JSON members) whose key ends in a secret-bearing word: rootPassword=…, "pin": "…".
  [
    /\b([A-Za-z0-9_-]*?(?:password|passwd|pin|token|secret|cvv|cvc))(["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;]+)/gi,
    (_m, key, sep) => `${key}${sep}${REDACTED}`,
  ],
  // Payment card numbers: 15-19 digits, optionally grouped, that pass the Luhn check.
  [
    /\b\d(?:[ -]?\d){14,18}\b/g,
    (match) => (passesLuhn(match.replace(/[ -]/g, '')) ? '[REDACTED-CARD]' : match),
  ],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replace] of TEXT_PATTERNS) out = out.replace(pattern, replace as never);
  return out;
}

/** Deep copy of `value` with secret-named fields masked and secret-looking text scrubbed. */
export function redactSecrets(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = {
      name: value.name,
      message: redactText(value.message),
      stack: value.stack ? redactText(value.stack) : undefined,
    };
    if ('code' in value) out.code = (value as { code: unknown }).code;
    if (value.cause !== undefined) out.cause = redactSecrets(value.cause, seen);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, seen));
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      isSecretKey(key) && v !== undefined && v !== null && v !== '' ? REDACTED : redactSecrets(v, seen);
  }
  return out;
}
