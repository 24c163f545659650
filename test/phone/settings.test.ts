// Tests src/phone/settings.ts: what the phone Lambda reads from its environment.
import { expect, it } from 'vitest';
import { ConfigError } from '../../src/common/errors';
import { loadPhoneSettings } from '../../src/phone/settings';

const BASE = 'https://acme-phone-audio.s3.us-east-1.amazonaws.com/teardown/audio/';

it("names each digit's tone file under the audio URL and keeps our own lines, not people's phones", () => {
  const settings = loadPhoneSettings({
    PHONE_AUDIO_BASE_URL: ` ${BASE} `,
    PHONE_LINES: '+15550100, +15557770000=U0PERSON1, +15550101',
  });
  expect(settings.lines).toEqual(['+15550100', '+15550101']);
  expect(settings.digitAudio('7')).toBe(`${BASE}dtmf-7.wav`);
  expect(() => settings.digitAudio('#')).toThrow(RangeError);
  expect(loadPhoneSettings({ PHONE_AUDIO_BASE_URL: BASE }).lines).toEqual([]);
});

it('refuses a missing audio URL or one Connect cannot play from, naming the variable', () => {
  for (const [value, problem] of [
    [undefined, 'PHONE_AUDIO_BASE_URL is required but not set'],
    ['s3://acme-phone-audio/teardown/', 'must be an https:// URL ending in /'],
    ['https://acme-phone-audio.s3.amazonaws.com/teardown', 'must be an https:// URL ending in /'],
  ] as const) {
    const error = (() => {
      try {
        loadPhoneSettings(value === undefined ? {} : { PHONE_AUDIO_BASE_URL: value });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['PHONE_AUDIO_BASE_URL']);
    expect((error as Error).message).toContain(problem);
  }
  expect(() => loadPhoneSettings({ PHONE_AUDIO_BASE_URL: BASE, PHONE_LINES: '5550100' })).toThrow(
    ConfigError,
  );
});
