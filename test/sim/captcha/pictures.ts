import { createHash } from 'node:crypto';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Bytes that pass for a PNG (the signature, then `size` bytes derived from `seed`): the sim only reads the
 * signature, and distinct seeds give distinct pictures an oracle can tell apart.
 */
export function pngPicture(seed: string, size = 256): Uint8Array {
  const bytes = new Uint8Array(PNG_SIGNATURE.length + size);
  bytes.set(PNG_SIGNATURE);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < size; i++) {
    if (i > 0 && i % block.length === 0) block = createHash('sha256').update(block).digest();
    bytes[PNG_SIGNATURE.length + i] = block[i % block.length] ?? 0;
  }
  return bytes;
}

export const base64Of = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** A clock tests move by hand, so task delays pass without waiting. */
export function manualClock(start = 1_750_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}
