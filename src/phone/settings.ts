import { ConfigError } from '../common/errors';
import { parsePhoneLines } from '../common/phone-lines';
import { digitAudioName } from './dtmf';

/** What the phone Lambda reads from its environment besides the common configuration. */
export interface PhoneSettings {
  /** Our own lines (PHONE_LINES without the people's phones): the only numbers Connect should call us on. */
  lines: string[];
  /** The digit tone files' URL, as the flow's Play prompt takes it. */
  digitAudio: (digit: string) => string;
}

/**
 * `PHONE_AUDIO_BASE_URL`: the https URL (ending in /) where `npm run phone:setup` stored the flow's audio, the
 * same value the contact flow was made with. `PHONE_LINES`: see lines.ts.
 */
export function loadPhoneSettings(env: Record<string, string | undefined> = process.env): PhoneSettings {
  const base = env.PHONE_AUDIO_BASE_URL?.trim() ?? '';
  if (!/^https:\/\/[^/\s]+\/(\S*\/)?$/.test(base)) {
    throw new ConfigError([
      {
        variable: 'PHONE_AUDIO_BASE_URL',
        problem: base
          ? 'PHONE_AUDIO_BASE_URL must be an https:// URL ending in / (where the tone files are).'
          : 'PHONE_AUDIO_BASE_URL is required but not set (where the tone files are).',
      },
    ]);
  }
  const lines = parsePhoneLines(env.PHONE_LINES)
    .filter((line) => line.person === undefined)
    .map((line) => line.number);
  return { lines, digitAudio: (digit) => `${base}${digitAudioName(digit)}` };
}
