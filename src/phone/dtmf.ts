/**
 * The keypad tones our contact flow plays into AWS's verification call, as the audio files Amazon Connect plays
 * (WAV, G.711 μ-law, 8 kHz, mono). One file per digit, so that any PIN is a sequence of prompts: each file is a
 * short lead silence, the tone and a gap, so that played back to back the digits are separated like keyed ones.
 * Timing is well inside what telephone-grade decoders accept (tones and pauses of at least 40 ms).
 */

export const SAMPLE_RATE = 8000;

/** Per digit file: silence, tone, silence. Back to back, tones are 150 ms apart (the gap plus the next lead). */
export const DTMF_TIMING = { leadMs: 50, toneMs: 150, gapMs: 100 } as const;

/** Raised-cosine edges of each tone: an abrupt start spreads energy over other frequencies (clicks). */
const EDGE_MS = 5;

/** Amplitude of each of the two frequencies (full scale 1): together at most 0.6, well clear of clipping. */
const TONE_AMPLITUDE = 0.3;

/** The most digits the contact flow plays (its play-digit-1..8 blocks). */
export const MAX_FLOW_DIGITS = 8;

/** The standard pairs: row (low group) and column (high group) frequencies in Hz. */
export const DTMF_FREQUENCIES: Readonly<Record<string, readonly [number, number]>> = {
  '1': [697, 1209],
  '2': [697, 1336],
  '3': [697, 1477],
  A: [697, 1633],
  '4': [770, 1209],
  '5': [770, 1336],
  '6': [770, 1477],
  B: [770, 1633],
  '7': [852, 1209],
  '8': [852, 1336],
  '9': [852, 1477],
  C: [852, 1633],
  '*': [941, 1209],
  '0': [941, 1336],
  '#': [941, 1477],
  D: [941, 1633],
};

/**
 * The audio files the contact flow and the phone Lambda name, relative to the flow's `PHONE_AUDIO_BASE_URL`
 * (see src/phone/contact-flow.ts). `npm run phone:setup` stores every file of {@link phoneAudioFiles} there.
 */
export const FLOW_AUDIO = {
  /** Played first: AWS's call speaks its instructions before it listens for keys. */
  waitForInstructions: { name: 'silence-10s.wav', ms: 10_000 },
  /** Between two questions to the Lambda while the page has not shown the PIN yet. */
  pauseBeforeAskingAgain: { name: 'silence-3s.wav', ms: 3_000 },
  /** After the digits, before hanging up: AWS takes the last key before it hears the line drop. */
  holdAfterDigits: { name: 'silence-3s.wav', ms: 3_000 },
} as const;

/** The file name of a digit's tone (0-9: the digits a PIN has). */
export function digitAudioName(digit: string): string {
  if (!/^[0-9]$/.test(digit)) throw new RangeError('Only the digits 0-9 have a tone file.');
  return `dtmf-${digit}.wav`;
}

/** Whether the contact flow can play these digits: 1 to 8 of 0-9. */
export function isPlayableDigits(digits: string): boolean {
  return new RegExp(`^[0-9]{1,${MAX_FLOW_DIGITS}}$`).test(digits);
}

/** Every audio file the flow plays, by name: the ten digit tones and the silences. */
export function phoneAudioFiles(): Array<{ name: string; wav: Buffer }> {
  const digits = [...'0123456789'].map((digit) => ({ name: digitAudioName(digit), wav: digitWav(digit) }));
  const silences = new Map(Object.values(FLOW_AUDIO).map((audio) => [audio.name, audio.ms]));
  return [...digits, ...[...silences].map(([name, ms]) => ({ name, wav: silenceWav(ms) }))];
}

/** One key's tone as linear samples (full scale ±1) at 8 kHz, with its lead silence and gap. */
export function toneSamples(key: string): Float32Array {
  const pair = DTMF_FREQUENCIES[key];
  if (!pair) throw new RangeError(`"${key}" is not a keypad key.`);
  const lead = samplesOf(DTMF_TIMING.leadMs);
  const tone = samplesOf(DTMF_TIMING.toneMs);
  const edge = samplesOf(EDGE_MS);
  const samples = new Float32Array(lead + tone + samplesOf(DTMF_TIMING.gapMs));
  const [low, high] = pair;
  for (let i = 0; i < tone; i++) {
    const t = i / SAMPLE_RATE;
    const fromEdge = Math.min(i, tone - 1 - i);
    const envelope = fromEdge >= edge ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * fromEdge) / edge);
    samples[lead + i] =
      envelope * TONE_AMPLITUDE * (Math.sin(2 * Math.PI * low * t) + Math.sin(2 * Math.PI * high * t));
  }
  return samples;
}

/** The WAV the flow plays for one digit (0-9). */
export function digitWav(digit: string): Buffer {
  digitAudioName(digit);
  return encodeMuLawWav(toneSamples(digit));
}

export function silenceWav(ms: number): Buffer {
  return encodeMuLawWav(new Float32Array(samplesOf(ms)));
}

/**
 * Exactly what the flow plays once the Lambda said `play` with these digits: each digit's file in turn, then
 * the silence before it hangs up, as one WAV (what `npm run phone:dtmf` writes).
 */
export function flowPlaybackWav(digits: string): Buffer {
  if (!isPlayableDigits(digits)) {
    throw new RangeError(`The contact flow plays 1 to ${MAX_FLOW_DIGITS} digits 0-9.`);
  }
  return concatWavs([...[...digits].map(digitWav), silenceWav(FLOW_AUDIO.holdAfterDigits.ms)]);
}

function samplesOf(ms: number): number {
  return Math.round((ms * SAMPLE_RATE) / 1000);
}

// G.711 μ-law works on 14-bit magnitudes scaled to 16 bits; the bias makes the segment arithmetic exact.
const MU_BIAS = 0x84;
const MU_CLIP = 32635;

/** One 16-bit linear sample to its G.711 μ-law byte. */
export function muLawEncode(sample: number): number {
  let magnitude = Math.round(sample);
  const sign = magnitude < 0 ? 0x80 : 0;
  if (sign) magnitude = -magnitude;
  magnitude = Math.min(magnitude, MU_CLIP) + MU_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** A G.711 μ-law byte to its 16-bit linear sample. */
export function muLawDecode(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + MU_BIAS) << exponent) - MU_BIAS;
  return u & 0x80 && magnitude !== 0 ? -magnitude : magnitude;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_MULAW = 7;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Linear samples (±1) as a mono μ-law WAV at 8 kHz: a `fmt ` chunk with cbSize, a `fact` chunk, the data. */
export function encodeMuLawWav(samples: Float32Array): Buffer {
  const data = Buffer.alloc(samples.length);
  for (let i = 0; i < samples.length; i++) data[i] = muLawEncode((samples[i] ?? 0) * 32767);
  return muLawWavOf(data);
}

function muLawWavOf(data: Buffer): Buffer {
  const header = Buffer.alloc(58);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(header.length - 8 + data.length + (data.length % 2), 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(18, 16);
  header.writeUInt16LE(WAVE_FORMAT_MULAW, 20);
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE, 28); // bytes per second
  header.writeUInt16LE(1, 32); // block align
  header.writeUInt16LE(8, 34); // bits per sample
  header.writeUInt16LE(0, 36); // cbSize
  header.write('fact', 38, 'ascii');
  header.writeUInt32LE(4, 42);
  header.writeUInt32LE(data.length, 46);
  header.write('data', 50, 'ascii');
  header.writeUInt32LE(data.length, 54);
  // RIFF chunks are word-aligned.
  return Buffer.concat([header, data, Buffer.alloc(data.length % 2)]);
}

export interface DecodedWav {
  /** 1 (PCM) or 7 (μ-law). */
  format: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** The first channel, full scale ±1. */
  samples: Float32Array;
}

/** Reads a WAV of 16-bit PCM or G.711 μ-law (plain or WAVE_FORMAT_EXTENSIBLE); throws on anything else. */
export function readWav(bytes: Uint8Array): DecodedWav {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (
    buffer.length < 12 ||
    buffer.toString('ascii', 0, 4) !== 'RIFF' ||
    buffer.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    throw new Error('Not a WAV file (no RIFF/WAVE header).');
  }
  let fmt: Omit<DecodedWav, 'samples'> | undefined;
  let data: Buffer | undefined;
  for (let at = 12; at + 8 <= buffer.length; ) {
    const id = buffer.toString('ascii', at, at + 4);
    const size = buffer.readUInt32LE(at + 4);
    const body = buffer.subarray(at + 8, Math.min(at + 8 + size, buffer.length));
    if (id === 'fmt ' && body.length >= 16) {
      let format = body.readUInt16LE(0);
      if (format === WAVE_FORMAT_EXTENSIBLE && body.length >= 26) format = body.readUInt16LE(24);
      fmt = {
        format,
        channels: body.readUInt16LE(2),
        sampleRate: body.readUInt32LE(4),
        bitsPerSample: body.readUInt16LE(14),
      };
    } else if (id === 'data') {
      data = body;
    }
    at += 8 + size + (size % 2);
  }
  if (!fmt || !data) throw new Error('The WAV file has no fmt or no data chunk.');
  const { format, channels, bitsPerSample } = fmt;
  const mulaw = format === WAVE_FORMAT_MULAW && bitsPerSample === 8;
  const pcm16 = format === WAVE_FORMAT_PCM && bitsPerSample === 16;
  if ((!mulaw && !pcm16) || channels < 1) {
    throw new Error(`Unsupported WAV encoding (format ${format}, ${bitsPerSample} bits).`);
  }
  const frameBytes = (bitsPerSample / 8) * channels;
  const frames = Math.floor(data.length / frameBytes);
  const samples = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    const at = i * frameBytes;
    const linear = mulaw ? muLawDecode(data[at] ?? 0xff) : data.readInt16LE(at);
    samples[i] = linear / 32768;
  }
  return { ...fmt, samples };
}

/** Mono 8 kHz μ-law WAVs played one after the other, as one such WAV (the bytes are kept as they are). */
export function concatWavs(wavs: readonly Uint8Array[]): Buffer {
  const parts = wavs.map((wav) => {
    const bytes = Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength);
    const info = readWav(bytes);
    if (info.format !== WAVE_FORMAT_MULAW || info.sampleRate !== SAMPLE_RATE || info.channels !== 1) {
      throw new Error('Only mono 8 kHz μ-law WAVs are joined.');
    }
    return dataChunkOf(bytes);
  });
  return muLawWavOf(Buffer.concat(parts));
}

function dataChunkOf(buffer: Buffer): Buffer {
  for (let at = 12; at + 8 <= buffer.length; ) {
    const size = buffer.readUInt32LE(at + 4);
    if (buffer.toString('ascii', at, at + 4) === 'data') return buffer.subarray(at + 8, at + 8 + size);
    at += 8 + size + (size % 2);
  }
  throw new Error('The WAV file has no data chunk.');
}
