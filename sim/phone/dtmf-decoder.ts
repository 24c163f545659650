/**
 * What AWS's verification call hears: keypad tones decoded from audio the way a telephone-grade receiver does it
 * (Goertzel filters at the eight standard frequencies over ~25 ms blocks). Written apart from src/phone/dtmf.ts,
 * with its own frequency table, so that the simulator checks our tones rather than trusting them.
 */

/** Rows (low group) and columns (high group) of the keypad. */
const ROWS = [697, 770, 852, 941] as const;
const COLUMNS = [1209, 1336, 1477, 1633] as const;
const KEYS = ['123A', '456B', '789C', '*0#D'] as const;

/** 205 samples at 8 kHz: bins ~39 Hz wide, narrow enough to tell neighbouring rows apart. */
const BLOCK_AT_8KHZ = 205;

/** The two tones must carry this share of the block's power (the rest is noise, speech, other tones). */
const MIN_TONE_SHARE = 0.3;
/** Below this mean power (full scale 1) a block is silence, whatever its spectrum. */
const MIN_POWER = 1e-5;
/** The strongest frequency of a group must stand this far (power ratio, ~6 dB) above the group's others. */
const MIN_GROUP_DOMINANCE = 4;
/** Row and column levels may differ by at most ~8 dB (twist). */
const MAX_TWIST = 6.3;
/** A key counts once it was heard in this many blocks in a row (~50 ms). */
const MIN_BLOCKS = 2;

export interface HeardKey {
  key: string;
  /** When the tone began and ended, from the start of the audio. */
  startMs: number;
  endMs: number;
}

/**
 * The keys in the audio, in order, each once per press: a key is taken when it lasts at least ~50 ms; a dropout
 * of one block inside a tone is bridged; the same key again needs a pause of ~50 ms (or another key) between.
 */
export function decodeDtmf(samples: Float32Array, sampleRate: number): HeardKey[] {
  const block = Math.max(1, Math.round((BLOCK_AT_8KHZ * sampleRate) / 8000));
  const msAt = (sample: number) => (sample * 1000) / sampleRate;
  const heard: HeardKey[] = [];
  let pressed: HeardKey | undefined;
  let missing = 0;
  let candidate: string | undefined;
  let run = 0;
  for (let start = 0; start + block <= samples.length; start += block) {
    const key = keyOfBlock(samples.subarray(start, start + block), sampleRate);
    if (pressed) {
      if (key === pressed.key) {
        missing = 0;
        pressed.endMs = msAt(start + block);
        continue;
      }
      missing++;
      if (key === undefined && missing < MIN_BLOCKS) continue;
      pressed = undefined;
    }
    if (key === candidate) run++;
    else {
      candidate = key;
      run = 1;
    }
    if (candidate !== undefined && run >= MIN_BLOCKS) {
      pressed = { key: candidate, startMs: msAt(start - (run - 1) * block), endMs: msAt(start + block) };
      heard.push(pressed);
      missing = 0;
      candidate = undefined;
      run = 0;
    }
  }
  return heard;
}

/** The key one block holds, or undefined (silence, noise, speech, two keys at once). */
function keyOfBlock(block: Float32Array, sampleRate: number): string | undefined {
  let total = 0;
  for (const sample of block) total += sample * sample;
  const meanPower = total / block.length;
  if (meanPower < MIN_POWER) return undefined;
  const rows = ROWS.map((f) => tonePower(block, f, sampleRate));
  const columns = COLUMNS.map((f) => tonePower(block, f, sampleRate));
  const row = strongest(rows);
  const column = strongest(columns);
  if (row === undefined || column === undefined) return undefined;
  const rowPower = rows[row] ?? 0;
  const columnPower = columns[column] ?? 0;
  if (rowPower + columnPower < MIN_TONE_SHARE * meanPower) return undefined;
  const twist = rowPower / columnPower;
  if (twist > MAX_TWIST || twist < 1 / MAX_TWIST) return undefined;
  return KEYS[row]?.[column];
}

/** The index of the group's frequency that clearly dominates the others, if one does. */
function strongest(powers: number[]): number | undefined {
  let best = 0;
  for (let i = 1; i < powers.length; i++) if ((powers[i] ?? 0) > (powers[best] ?? 0)) best = i;
  const top = powers[best] ?? 0;
  return powers.every((power, i) => i === best || power * MIN_GROUP_DOMINANCE <= top) ? best : undefined;
}

/**
 * Goertzel: the power of one frequency in the block, scaled to a sinusoid's mean power (amplitude²/2), so that
 * it compares with the block's mean power directly.
 */
function tonePower(block: Float32Array, frequency: number, sampleRate: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  for (const sample of block) {
    const current = sample + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const magnitudeSquared =
    previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  return (2 * magnitudeSquared) / (block.length * block.length);
}
