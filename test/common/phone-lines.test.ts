// Tests src/common/phone-lines.ts: PHONE_LINES as operators write it.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/common/errors';
import { parsePhoneLines, readPhoneLines } from '../../src/common/phone-lines';

describe('PHONE_LINES', () => {
  it('reads our lines and people own phones, spaces and empty entries aside', () => {
    expect(parsePhoneLines(' +15550100 , +442071838750=U0123ABCD,, ')).toEqual([
      { number: '+15550100' },
      { number: '+442071838750', person: 'U0123ABCD' },
    ]);
    expect(parsePhoneLines(undefined)).toEqual([]);
    expect(parsePhoneLines('')).toEqual([]);
  });

  it('reads what a line takes when it cannot take both calls and texts', () => {
    expect(parsePhoneLines('+15550100:calls, +15550101:texts, +15550102')).toEqual([
      { number: '+15550100', takes: 'calls' },
      { number: '+15550101', takes: 'texts' },
      { number: '+15550102' },
    ]);
    expect(readPhoneLines('+15550100:fax').problems.map((p) => p.problem)).toEqual([
      'PHONE_LINES: "+15550100:fax" may end in :calls or :texts only.',
    ]);
  });

  it('names every bad entry at once and keeps the good ones apart', () => {
    const { lines, problems } = readPhoneLines('5550100,+15550100,+15550100,+15550101=alice');
    expect(lines).toEqual([{ number: '+15550100' }]);
    expect(problems.map((p) => p.problem)).toEqual([
      'PHONE_LINES: "5550100" is not an E.164 number such as +15550100.',
      'PHONE_LINES: +15550100 is listed twice.',
      'PHONE_LINES: "alice" (for +15550101) is not a Slack user id.',
    ]);
    expect(() => parsePhoneLines('+1')).toThrow(ConfigError);
  });
});
