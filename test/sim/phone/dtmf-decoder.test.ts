// Tests sim/phone/dtmf-decoder.ts, the simulated AWS's ear, on tones made by sox (not by our generator) and on
// what a receiver must not take for a key.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeDtmf } from '../../../sim/phone/dtmf-decoder';
import { readWav } from '../../../src/phone/dtmf';

const run = promisify(execFile);
const PAIRS: Record<string, [number, number]> = {
  '1': [697, 1209],
  '5': [770, 1336],
  '9': [852, 1477],
  '0': [941, 1336],
  '*': [941, 1209],
  '#': [941, 1477],
  D: [941, 1633],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'decoder-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

let made = 0;
/** A WAV sox synthesises: each part is [key or "", milliseconds]; "" is silence. Optional noise level. */
async function soxTones(
  parts: Array<[string, number]>,
  options: { rate?: number; encoding?: string; noise?: number } = {},
) {
  const rate = String(options.rate ?? 8000);
  const pieces: string[] = [];
  for (const [key, ms] of parts) {
    const piece = join(dir, `${++made}.wav`);
    const seconds = String(ms / 1000);
    if (key === '') await run('sox', ['-n', '-r', rate, '-c', '1', '-b', '16', piece, 'trim', '0', seconds]);
    else {
      const [low, high] = PAIRS[key] ?? (key.startsWith('~') ? [Number(key.slice(1)), 0] : [0, 0]);
      const synth = high
        ? ['synth', seconds, 'sin', String(low), 'sin', String(high)]
        : ['synth', seconds, 'sin', String(low)];
      await run('sox', [
        '-n',
        '-r',
        rate,
        '-c',
        '1',
        '-b',
        '16',
        piece,
        ...synth,
        'channels',
        '1',
        'vol',
        '0.4',
      ]);
    }
    pieces.push(piece);
  }
  const joined = join(dir, `${++made}-joined.wav`);
  await run('sox', [...pieces, ...(options.encoding ? ['-e', options.encoding] : []), joined]);
  if (options.noise === undefined) return readWav(await readFile(joined));
  const noise = join(dir, `${++made}-noise.wav`);
  const mixed = join(dir, `${++made}-mixed.wav`);
  const { stdout } = await run('soxi', ['-D', joined]);
  await run('sox', [
    '-n',
    '-r',
    rate,
    '-c',
    '1',
    '-b',
    '16',
    noise,
    'synth',
    stdout.trim(),
    'whitenoise',
    'vol',
    String(options.noise),
  ]);
  await run('sox', ['-m', joined, noise, ...(options.encoding ? ['-e', options.encoding] : []), mixed]);
  return readWav(await readFile(mixed));
}

const keys = (wav: { samples: Float32Array; sampleRate: number }) =>
  decodeDtmf(wav.samples, wav.sampleRate)
    .map((k) => k.key)
    .join('');

it("hears sox's own keypad tones, in μ-law and in PCM, at 8 and 16 kHz, in noise", async () => {
  const sequence: Array<[string, number]> = [
    ['', 100],
    ['1', 80],
    ['', 60],
    ['5', 80],
    ['', 60],
    ['9', 80],
    ['', 60],
    ['0', 80],
    ['', 60],
    ['*', 80],
    ['', 60],
    ['#', 80],
    ['', 60],
    ['D', 80],
    ['', 100],
  ];
  expect(keys(await soxTones(sequence))).toBe('1590*#D');
  expect(keys(await soxTones(sequence, { encoding: 'u-law' }))).toBe('1590*#D');
  expect(keys(await soxTones(sequence, { rate: 16000 }))).toBe('1590*#D');
  expect(keys(await soxTones(sequence, { noise: 0.3, encoding: 'u-law' }))).toBe('1590*#D');
});

it('takes the same key twice only with a pause between', async () => {
  expect(
    keys(
      await soxTones([
        ['5', 100],
        ['', 60],
        ['5', 100],
      ]),
    ),
  ).toBe('55');
  expect(keys(await soxTones([['5', 200]]))).toBe('5');
});

it('takes no key from silence, noise, a single frequency or a blip shorter than a keypress', async () => {
  expect(keys(await soxTones([['', 500]]))).toBe('');
  expect(keys(await soxTones([['', 1000]], { noise: 0.5 }))).toBe('');
  expect(keys(await soxTones([['~697', 300]]))).toBe('');
  expect(keys(await soxTones([['~1000', 300]]))).toBe('');
  expect(
    keys(
      await soxTones([
        ['', 100],
        ['1', 25],
        ['', 100],
      ]),
    ),
  ).toBe('');
});

it('tells when each key began and ended', async () => {
  const [key] = decodeDtmf(
    (
      await soxTones([
        ['', 500],
        ['9', 200],
        ['', 300],
      ])
    ).samples,
    8000,
  );
  expect(key?.key).toBe('9');
  expect(key?.startMs).toBeGreaterThanOrEqual(475);
  expect(key?.startMs).toBeLessThanOrEqual(530);
  expect(key?.endMs).toBeGreaterThanOrEqual(675);
  expect(key?.endMs).toBeLessThanOrEqual(730);
});
