import { describe, expect, it } from 'vitest';
import {
  checkRealism,
  DEFAULT_REALISM,
  REALISM_KNOBS,
  realismControl,
  realismFromArgs,
} from '../../src/local/realism';

describe('realism knobs', () => {
  it('has one command-line flag per knob, spelled from its name', () => {
    expect(REALISM_KNOBS.map((k) => k.flag)).toEqual([
      '--captcha-solve-ms',
      '--captcha-give-up-rate',
      '--mail-delay-ms',
      '--call-ms',
      '--page-load-ms',
      '--unknown-page-rate',
    ]);
    expect(Object.keys(DEFAULT_REALISM).sort()).toEqual(REALISM_KNOBS.map((k) => k.key).sort());
  });

  it('reads knobs from the command line in both spellings and leaves other arguments alone', () => {
    const { changes, rest } = realismFromArgs([
      '--captcha-solve-ms',
      '15000',
      '--call-ms=30000',
      '--real-aws',
      '--captcha-give-up-rate',
      '0.5',
    ]);
    expect(changes).toEqual({ captchaSolveMs: 15_000, callMs: 30_000, captchaGiveUpRate: 0.5 });
    expect(rest).toEqual(['--real-aws']);
  });

  it('refuses a value out of range, a word, or a flag without value, naming the knob', () => {
    expect(() => realismFromArgs(['--captcha-give-up-rate', '2'])).toThrow(
      'captchaGiveUpRate must be a number from 0 to 1',
    );
    expect(() => realismFromArgs(['--call-ms', 'long'])).toThrow('callMs must be a number from 0 to 120000');
    expect(() => realismFromArgs(['--page-load-ms'])).toThrow('--page-load-ms needs a value');
    expect(() => checkRealism({ speed: 3 })).toThrow("unknown knob 'speed'");
  });

  it('tells the simulators every change, and nothing when a change is refused', () => {
    const applied: unknown[] = [];
    const control = realismControl(DEFAULT_REALISM, (r) => applied.push(r));
    expect(applied).toEqual([DEFAULT_REALISM]);
    control.set({ mailDelayMs: '2500' });
    expect(applied.at(-1)).toEqual({ ...DEFAULT_REALISM, mailDelayMs: 2500 });
    expect(() => control.set({ mailDelayMs: 1, pageLoadMs: -5 })).toThrow('pageLoadMs');
    expect(applied).toHaveLength(2);
    expect(control.get().mailDelayMs).toBe(2500);
  });
});
