import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/common/duration';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each<[string, number]>([
    ['250ms', 250],
    ['90s', 90 * SECOND],
    ['15m', 15 * MINUTE],
    ['24h', 24 * HOUR],
    ['7d', 7 * DAY],
    ['1.5h', 90 * MINUTE],
    ['0.5s', 500],
    ['0s', 0],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('allows spaces around the text and between number and unit', () => {
    expect(parseDuration('  10 m ')).toBe(10 * MINUTE);
  });

  it('rounds fractions of a millisecond', () => {
    expect(parseDuration('1.0004s')).toBe(1000);
    expect(parseDuration('1.0006s')).toBe(1001);
  });

  it.each([
    ['nothing', ''],
    ['a word', 'soon'],
    ['a number without unit', '120'],
    ['a unit without number', 'h'],
    ['a negative number', '-5m'],
    ['a unit it does not know', '2w'],
    ['a spelled-out unit', '5 minutes'],
    ['two parts', '1h 30m'],
  ])('returns undefined for %s', (_kind, text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0ms'],
    [250, '250ms'],
    [999, '999ms'],
    // Regression: rounding up to a whole second used to print "1000ms".
    [999.6, '1s'],
    [1000, '1s'],
    [41 * SECOND, '41s'],
    [90 * SECOND, '1m 30s'],
    [12 * MINUTE, '12m'],
    [2 * HOUR + 5 * MINUTE, '2h 5m'],
    [26 * HOUR, '1d 2h'],
    [3 * DAY + 4 * HOUR, '3d 4h'],
  ])('shows %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('shows at most the two largest units, without rounding up', () => {
    expect(formatDuration(3 * DAY + 4 * HOUR + 59 * MINUTE + 59 * SECOND)).toBe('3d 4h');
    expect(formatDuration(MINUTE + 30 * SECOND + 999)).toBe('1m 30s');
  });

  it('leaves out a zero second unit instead of skipping to a smaller one', () => {
    expect(formatDuration(3 * DAY + 5 * MINUTE)).toBe('3d');
    expect(formatDuration(HOUR + 30 * SECOND)).toBe('1h');
  });

  it('never shows a negative time', () => {
    expect(formatDuration(-5000)).toBe('0ms');
  });

  it.each([
    ['24h', '1d'],
    ['2h', '2h'],
    ['15m', '15m'],
    ['90s', '1m 30s'],
  ])('shows what parseDuration read from %s as %s', (text, shown) => {
    expect(formatDuration(parseDuration(text) ?? Number.NaN)).toBe(shown);
  });
});
