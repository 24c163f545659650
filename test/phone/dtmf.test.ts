// Tests src/phone/dtmf.ts: the tones the contact flow plays, checked with an independent telephone-grade decoder
// (multimon-ng) as recorded, quieter and in noise (sox), and the WAV format Amazon Connect requires.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDtmf } from '../../sim/phone/dtmf-decoder';
import {
  concatWavs,
  DTMF_TIMING,
  digitAudioName,
  digitWav,
  flowPlaybackWav,
  isPlayableDigits,
  muLawDecode,
  muLawEncode,
  phoneAudioFiles,
  readWav,
  SAMPLE_RATE,
  silenceWav,
  toneSamples,
} from '../../src/phone/dtmf';

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dtmf-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

let files = 0;
async function saved(wav: Uint8Array): Promise<string> {
  const file = join(dir, `${++files}.wav`);
  await writeFile(file, wav);
  return file;
}

/** The keys multimon-ng hears in a WAV file, in order. */
async function multimon(file: string): Promise<string> {
  const { stdout } = await run('multimon-ng', ['-q', '-a', 'DTMF', '-t', 'wav', file]);
  return [...stdout.matchAll(/^DTMF: (\S)/gm)].map((m) => m[1]).join('');
}

async function sox(...args: string[]): Promise<void> {
  await run('sox', args);
}

/** Our file with white noise mixed in at `noiseLevel` (sox -m halves both inputs). */
async function withNoise(file: string, noiseLevel: number): Promise<string> {
  const seconds = readWav(await readFile(file)).samples.length / SAMPLE_RATE;
  const noise = join(dir, `${++files}-noise.wav`);
  const mixed = join(dir, `${++files}-mixed.wav`);
  await sox(
    '-n',
    '-r',
    '8000',
    '-c',
    '1',
    '-e',
    'u-law',
    noise,
    'synth',
    String(seconds),
    'whitenoise',
    'vol',
    String(noiseLevel),
  );
  await sox('-m', file, noise, mixed);
  return mixed;
}

const PINS = ['4821', '0000', '1919', '73058162', '5', '909'];

describe('the WAV files Amazon Connect plays', () => {
  it('are RIFF/WAVE G.711 μ-law (format 7), 8000 Hz, mono, 8 bits, with a fact chunk sox agrees with', async () => {
    for (const wav of [digitWav('7'), flowPlaybackWav('4821'), silenceWav(3000)]) {
      expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
      expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
      expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
      expect(wav.readUInt16LE(20)).toBe(7);
      expect(wav.readUInt16LE(22)).toBe(1);
      expect(wav.readUInt32LE(24)).toBe(8000);
      expect(wav.readUInt32LE(28)).toBe(8000);
      expect(wav.readUInt16LE(32)).toBe(1);
      expect(wav.readUInt16LE(34)).toBe(8);
      expect(wav.toString('ascii', 38, 42)).toBe('fact');
      const samples = wav.readUInt32LE(46);
      expect(wav.toString('ascii', 50, 54)).toBe('data');
      expect(wav.readUInt32LE(54)).toBe(samples);
      const { stdout } = await run('soxi', [await saved(wav)]);
      expect(stdout).toMatch(/Channels\s*: 1/);
      expect(stdout).toMatch(/Sample Rate\s*: 8000/);
      expect(stdout).toMatch(/Sample Encoding: 8-bit u-law/);
      expect(stdout).toContain(`${samples} samples`);
    }
  });

  it('encode μ-law as sox decodes it', async () => {
    const file = await saved(flowPlaybackWav('4821'));
    const pcm = join(dir, 'pcm16.wav');
    await sox(file, '-e', 'signed-integer', '-b', '16', pcm);
    const ours = readWav(await readFile(file));
    const theirs = readWav(await readFile(pcm));
    expect(theirs.format).toBe(1);
    expect(theirs.samples.length).toBe(ours.samples.length);
    expect(Array.from(theirs.samples)).toEqual(Array.from(ours.samples));
    // Every byte survives a decode and encode.
    for (let byte = 0; byte < 256; byte++) {
      const back = muLawEncode(muLawDecode(byte));
      // 0x7f and 0xff are both zero; G.711 encodes zero as 0xff.
      expect(back === byte || (byte === 0x7f && back === 0xff)).toBe(true);
    }
  });

  it('is the set of files phone:setup stores: ten digits and the silences the flow names', () => {
    const files = phoneAudioFiles();
    expect(files.map((f) => f.name).sort()).toEqual(
      [...'0123456789']
        .map((d) => `dtmf-${d}.wav`)
        .concat('silence-10s.wav', 'silence-3s.wav')
        .sort(),
    );
    const silence10 = readWav(files.find((f) => f.name === 'silence-10s.wav')!.wav);
    expect(silence10.samples.length).toBe(80_000);
    expect(silence10.samples.every((s) => s === 0)).toBe(true);
    expect(files.find((f) => f.name === 'dtmf-6.wav')!.wav).toEqual(digitWav('6'));
  });
});

describe('the tones', () => {
  it('each digit file is heard as its digit by multimon-ng', async () => {
    let heard = '';
    for (const digit of '0123456789') heard += await multimon(await saved(digitWav(digit)));
    expect(heard).toBe('0123456789');
  });

  it('the whole playback is heard exactly, repeated digits included', async () => {
    for (const pin of PINS) expect(await multimon(await saved(flowPlaybackWav(pin)))).toBe(pin);
  });

  it('is still heard exactly at a tenth of the level, and louder', async () => {
    const file = await saved(flowPlaybackWav('73058162'));
    for (const volume of ['0.3', '0.1', '1.5']) {
      const changed = join(dir, `vol-${volume}.wav`);
      await sox(file, changed, 'vol', volume);
      expect(await multimon(changed)).toBe('73058162');
    }
  });

  it('is still heard exactly with white noise mixed in', async () => {
    for (const pin of ['4821', '1919', '73058162']) {
      const file = await saved(flowPlaybackWav(pin));
      expect(await multimon(await withNoise(file, 0.3))).toBe(pin);
      const quieter = join(dir, `${++files}-quiet.wav`);
      await sox(file, quieter, 'vol', '0.3');
      expect(await multimon(await withNoise(quieter, 0.1))).toBe(pin);
    }
  });

  it('uses the standard pair of each key, with tone and pause lengths a decoder accepts', () => {
    const heard = decodeDtmf(readWav(flowPlaybackWav('1590')).samples, SAMPLE_RATE);
    expect(heard.map((k) => k.key).join('')).toBe('1590');
    for (const [i, key] of heard.entries()) {
      expect(key.endMs - key.startMs).toBeGreaterThanOrEqual(DTMF_TIMING.toneMs - 30);
      expect(key.endMs - key.startMs).toBeLessThanOrEqual(DTMF_TIMING.toneMs + 30);
      const next = heard[i + 1];
      if (next) expect(next.startMs - key.endMs).toBeGreaterThanOrEqual(DTMF_TIMING.gapMs);
    }
    // The energy of "5" is at 770 and 1336 Hz: what sox's own tone of that pair sounds like to multimon-ng is
    // what ours does (checked above); here the frequencies themselves.
    const five = toneSamples('5');
    const peak = (f: number) => {
      let re = 0;
      let im = 0;
      five.forEach((s, n) => {
        re += s * Math.cos((2 * Math.PI * f * n) / SAMPLE_RATE);
        im += s * Math.sin((2 * Math.PI * f * n) / SAMPLE_RATE);
      });
      return Math.hypot(re, im);
    };
    for (const other of [697, 852, 941, 1209, 1477, 1633]) {
      expect(peak(770)).toBeGreaterThan(10 * peak(other));
      expect(peak(1336)).toBeGreaterThan(10 * peak(other));
    }
  });
});

describe('the playback of a PIN', () => {
  it('is the digit files one after the other, then the silence before hanging up: nothing else', () => {
    const joined = concatWavs([digitWav('4'), digitWav('8'), digitWav('2'), digitWav('1'), silenceWav(3000)]);
    expect(flowPlaybackWav('4821')).toEqual(joined);
    const seconds = readWav(joined).samples.length / SAMPLE_RATE;
    const perDigit = (DTMF_TIMING.leadMs + DTMF_TIMING.toneMs + DTMF_TIMING.gapMs) / 1000;
    expect(seconds).toBeCloseTo(4 * perDigit + 3, 3);
  });

  it('plays 1 to 8 digits 0-9 only', () => {
    expect(isPlayableDigits('12345678')).toBe(true);
    for (const bad of ['', '123456789', '12a4', '12*4', ' 1234', '١٢٣٤']) {
      expect(isPlayableDigits(bad)).toBe(false);
      expect(() => flowPlaybackWav(bad)).toThrow(RangeError);
    }
    expect(() => digitAudioName('#')).toThrow(RangeError);
    expect(digitAudioName('0')).toBe('dtmf-0.wav');
  });
});
