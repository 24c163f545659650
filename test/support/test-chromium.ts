import { crc32, deflateSync } from 'node:zlib';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Debian's Chromium (or CHROMIUM_PATH), headless, for tests that look at pages themselves. */
export function launchTestChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', ...extraArgs],
  });
}

/**
 * A real PNG built here, so its size and bytes are known: 8-bit greyscale (`channels` 1) or RGB (3), not
 * interlaced; `pixel` gives each pixel's channel values.
 */
export function encodePng(
  width: number,
  height: number,
  channels: 1 | 3,
  pixel: (x: number, y: number) => readonly number[],
): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, channels === 1 ? 0 : 2, 0, 0, 0], 8);
  const stride = 1 + width * channels;
  const rows = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set(pixel(x, y), y * stride + 1 + x * channels);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
