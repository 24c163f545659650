// The local stack's knobs for how much the simulated outside world behaves like the real one: waits AWS, 2captcha
// and the mail and phone networks add, and how often they fail. Set from the command line or the playground.

export interface Realism {
  /** How long the simulated 2captcha takes to read one CAPTCHA. */
  captchaSolveMs: number;
  /** Share (0..1) of CAPTCHAs 2captcha reports unsolvable: a person answers them in the thread. */
  captchaGiveUpRate: number;
  /** How long a mail AWS sends takes to reach our SMTP door. */
  mailDelayMs: number;
  /** How long AWS's verification call lasts (its spoken instructions and the listening). */
  callMs: number;
  /** Delay of every console page load (each HTML document). */
  pageLoadMs: number;
  /** Share (0..1) of sign-ins that meet a page the bot does not know: a person looks and answers Done. */
  unknownPageRate: number;
}

export interface RealismKnob {
  key: keyof Realism;
  label: string;
  unit: 'ms' | 'share';
  min: number;
  max: number;
  step: number;
  /** The command-line flag that sets it, e.g. --captcha-solve-ms. */
  flag: string;
}

const MINUTE = 60_000;

export const REALISM_KNOBS: readonly RealismKnob[] = [
  knob('captchaSolveMs', '2captcha solving time', 'ms', 2 * MINUTE, 500),
  knob('captchaGiveUpRate', '2captcha gives up (share)', 'share', 1, 0.05),
  knob('mailDelayMs', 'mail delivery time', 'ms', 5 * MINUTE, 500),
  knob('callMs', 'verification call length', 'ms', 2 * MINUTE, 1000),
  knob('pageLoadMs', 'console page load time', 'ms', MINUTE, 100),
  knob('unknownPageRate', 'unknown page after sign-in (share)', 'share', 1, 0.05),
];

function knob(key: keyof Realism, label: string, unit: RealismKnob['unit'], max: number, step: number) {
  const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return { key, label, unit, min: 0, max, step, flag };
}

/** Snappy enough to watch, slow enough to see each part happen. */
export const DEFAULT_REALISM: Realism = {
  captchaSolveMs: 3_000,
  captchaGiveUpRate: 0,
  mailDelayMs: 2_000,
  callMs: 12_000,
  pageLoadMs: 300,
  unknownPageRate: 0,
};

/** The changes, checked: each a known knob within its range; a bad one is named and nothing changes. */
export function checkRealism(changes: Record<string, unknown>): Partial<Realism> {
  const checked: Partial<Realism> = {};
  for (const [key, value] of Object.entries(changes)) {
    const spec = REALISM_KNOBS.find((k) => k.key === key);
    if (!spec) {
      throw new RangeError(`unknown knob '${key}' (known: ${REALISM_KNOBS.map((k) => k.key).join(', ')})`);
    }
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number) || number < spec.min || number > spec.max) {
      throw new RangeError(
        `${spec.key} must be a number from ${spec.min} to ${spec.max}${spec.unit === 'ms' ? ' (milliseconds)' : ''}`,
      );
    }
    checked[spec.key] = number;
  }
  return checked;
}

export interface RealismControl {
  get(): Realism;
  /** Applies checked changes to the simulators; throws RangeError naming the knob on a bad value. */
  set(changes: Record<string, unknown>): Realism;
}

/** Holds the knobs and tells the simulators of every change. */
export function realismControl(initial: Realism, apply: (realism: Realism) => void): RealismControl {
  let current = { ...initial };
  apply(current);
  return {
    get: () => ({ ...current }),
    set(changes) {
      current = { ...current, ...checkRealism(changes) };
      apply(current);
      return { ...current };
    },
  };
}

/** `--captcha-solve-ms 15000 --call-ms=30000 …` from argv; other arguments are returned untouched. */
export function realismFromArgs(args: readonly string[]): { changes: Partial<Realism>; rest: string[] } {
  const raw: Record<string, unknown> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [flag, inline] = arg.split('=', 2);
    const spec = REALISM_KNOBS.find((k) => k.flag === flag);
    if (!spec) {
      rest.push(arg);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new RangeError(`${spec.flag} needs a value`);
    raw[spec.key] = value;
  }
  return { changes: checkRealism(raw), rest };
}

/** Where the stack shows what the simulated outside world saw (the playground's side panel). */
export interface OutsideActivity {
  /** Calls AWS placed to our lines: the digits AWS heard, decoded from the audio our flow played. */
  calls: Array<{ at: number; to: string; digits: string; ended: string }>;
  /** Text messages AWS sent to our lines. */
  texts: Array<{ at: number; to: string; from: string; body: string }>;
  /** Mails that arrived at the SMTP door (no bodies: reset links stay out of view). */
  mails: Array<{ at: number; to: string; subject: string; kind: string }>;
}

/** A demo account as the side list shows it, its state read live. */
export interface LiveAccount {
  id: string;
  name: string;
  note: string;
  /** ACTIVE, PENDING_CLOSURE, SUSPENDED, or REMOVED once it left the organization. */
  state: string;
  /** Whether a teardown request for it would be accepted now. */
  deletable: boolean;
}
