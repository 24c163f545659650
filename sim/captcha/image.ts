/** What the service makes of an uploaded picture, before any worker looks at it. */
export type ImageCheck =
  | { ok: true; bytes: Buffer }
  | {
      ok: false;
      code:
        | 'ERROR_ZERO_CAPTCHA_FILESIZE'
        | 'ERROR_TOO_BIG_CAPTCHA_FILESIZE'
        | 'ERROR_IMAGE_TYPE_NOT_SUPPORTED';
    };

/** 2captcha's upload limit for image CAPTCHAs. */
export const MAX_IMAGE_BYTES = 100 * 1024;

const SIGNATURES: Array<{ type: string; prefix: number[] }> = [
  { type: 'png', prefix: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'jpeg', prefix: [0xff, 0xd8, 0xff] },
  { type: 'gif', prefix: [0x47, 0x49, 0x46, 0x38] },
];

function isSupportedImage(bytes: Buffer): boolean {
  return SIGNATURES.some(({ prefix }) => prefix.every((byte, i) => bytes[i] === byte));
}

/** Decodes a base64 body (a data: URI prefix is allowed, as the service allows it) and checks it. */
export function checkBase64Image(body: unknown): ImageCheck {
  if (typeof body !== 'string') return { ok: false, code: 'ERROR_ZERO_CAPTCHA_FILESIZE' };
  const base64 = body.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
  if (base64 === '') return { ok: false, code: 'ERROR_ZERO_CAPTCHA_FILESIZE' };
  // Buffer.from skips characters it does not know; the service refuses them instead.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return { ok: false, code: 'ERROR_IMAGE_TYPE_NOT_SUPPORTED' };
  return checkImageBytes(Buffer.from(base64, 'base64'));
}

export function checkImageBytes(bytes: Buffer): ImageCheck {
  if (bytes.length === 0) return { ok: false, code: 'ERROR_ZERO_CAPTCHA_FILESIZE' };
  if (bytes.length > MAX_IMAGE_BYTES) return { ok: false, code: 'ERROR_TOO_BIG_CAPTCHA_FILESIZE' };
  if (!isSupportedImage(bytes)) return { ok: false, code: 'ERROR_IMAGE_TYPE_NOT_SUPPORTED' };
  return { ok: true, bytes };
}

/**
 * A plausible misreading of `right`: the first letter in the other case, or else the first character replaced.
 * Never empty and never equal to `right`, so a page checking it case-sensitively always rejects it.
 */
export function misreadingOf(right: string): string {
  const letter = right.search(/[A-Za-z]/);
  if (letter >= 0) {
    const c = right.charAt(letter);
    const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
    return right.slice(0, letter) + flipped + right.slice(letter + 1);
  }
  if (right === '') return 'x';
  const first = right.charAt(0);
  const replacement = /[0-9]/.test(first) ? String((Number(first) + 1) % 10) : 'x';
  return replacement + right.slice(1);
}
