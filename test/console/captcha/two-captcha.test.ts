import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { type CaptchaSim, type CaptchaSimOptions, startCaptchaSim } from '../../../sim/captcha';
import { ConfigError } from '../../../src/common/errors';
import { createLogger } from '../../../src/common/logger';
import {
  TwoCaptchaSolver,
  type TwoCaptchaSolverOptions,
  twoCaptchaKeyFromSecret,
  twoCaptchaSolverFromEnv,
} from '../../../src/console/captcha/two-captcha';
import type { SolveResult } from '../../../src/console/ports';
import { secretsManagerReader } from '../../../src/slack/secrets';
import { captureOutputOf } from '../../common/capture-output';
import { base64Of, manualClock, pngPicture } from '../../sim/captcha/pictures';

const API_KEY = 'k3y-7f3a9c51e2d84b06';
const RIGHT = 'Ab3dE9';
const SIX = { minLength: 6, maxLength: 6 };

let sim: CaptchaSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/**
 * A sim and a solver sharing one hand-moved clock: the solver's pauses move it, so the sim's delays pass and
 * deadlines arrive without any real waiting. `pauses` lists every pause the solver asked for.
 */
async function rig(simOptions: CaptchaSimOptions = {}, solverOptions: Partial<TwoCaptchaSolverOptions> = {}) {
  const clock = manualClock();
  const pauses: number[] = [];
  const onPause: Array<(pauseNumber: number) => void> = [];
  sim = await startCaptchaSim({ clientKey: API_KEY, answerFor: () => RIGHT, now: clock.now, ...simOptions });
  const running = sim;
  const solver = new TwoCaptchaSolver({
    baseUrl: running.url,
    apiKey: API_KEY,
    now: clock.now,
    sleep: async (ms) => {
      pauses.push(ms);
      clock.advance(ms);
      for (const hook of onPause) hook(pauses.length);
    },
    logger: createLogger('two-captcha-test', { logLevel: 'DEBUG' }),
    ...solverOptions,
  });
  return {
    sim: running,
    solver,
    clock,
    pauses,
    onPause: (hook: (pauseNumber: number) => void) => onPause.push(hook),
    /** Solves with a deadline `withinMs` from now, printing into a capture that must never show the key. */
    solve: async (withinMs = 120_000, lengths: { minLength?: number; maxLength?: number } = SIX) => {
      const { result, text } = await captureOutputOf(() =>
        solver.solve(pngPicture(`picture-${pauses.length}-${running.tasks().length}`), {
          deadlineAt: clock.now() + withinMs,
          ...lengths,
        }),
      );
      expect(text).not.toContain(API_KEY);
      return { result, logs: text };
    },
  };
}

const failure = (result: SolveResult) => (result.ok ? 'ok' : result.failure);

describe('solve', () => {
  it('sends a case-sensitive task and returns the answer once the workers are done', async () => {
    const seen: string[] = [];
    const { sim, solver, clock, pauses } = await rig({
      delayMs: 12_000,
      answerFor: (image) => {
        seen.push(image);
        return RIGHT;
      },
    });
    const picture = pngPicture('sign-in');
    const result = await captureOutputOf(() =>
      solver.solve(picture, { deadlineAt: clock.now() + 120_000, ...SIX }),
    );

    expect(result.result).toEqual({ ok: true, answer: RIGHT, taskId: sim.tasks()[0]?.id });
    expect(seen).toEqual([base64Of(picture)]);
    expect(sim.tasks()).toEqual([
      expect.objectContaining({
        case: true,
        minLength: 6,
        maxLength: 6,
        comment: 'case-sensitive, letters and digits',
        status: 'ready',
      }),
    ]);
    // The service bans clients polling faster than every 5 s.
    expect(pauses).toEqual([5_000, 5_000, 5_000]);
    expect(sim.requests()).toEqual({ createTask: 1, getTaskResult: 3 });
    expect(result.text).not.toContain(RIGHT);
  });

  it('returns a misreading as the service gives it, and records the reports that follow', async () => {
    const { sim, solver, solve } = await rig({ wrongAnswers: 1 });
    const first = await solve();
    expect(first.result).toMatchObject({ ok: true, answer: 'ab3dE9' });
    if (first.result.ok) await solver.reportIncorrect(first.result.taskId);
    const second = await solve();
    expect(second.result).toMatchObject({ ok: true, answer: RIGHT });
    if (second.result.ok) await solver.reportCorrect(second.result.taskId);

    const [firstTask, secondTask] = sim.tasks();
    expect(sim.reports()).toEqual([
      { taskId: firstTask?.id, kind: 'incorrect' },
      { taskId: secondTask?.id, kind: 'correct' },
    ]);
  });

  it('says zero-balance when the account is empty', async () => {
    const { sim, solve } = await rig({ balance: 0 });
    const { result } = await solve();
    expect(result).toEqual({
      ok: false,
      failure: 'zero-balance',
      detail: expect.stringContaining('ERROR_ZERO_BALANCE'),
    });
    expect(sim.tasks()).toEqual([]);
  });

  it('asks again after a pause while no slot is free, and says no-slot when the deadline comes first', async () => {
    const { sim, pauses, solve } = await rig({ mode: 'no-slot' });
    const { result } = await solve(30_000);
    expect(failure(result)).toBe('no-slot');
    expect(sim.requests().createTask).toBe(6);
    expect(pauses).toEqual([5_000, 5_000, 5_000, 5_000, 5_000]);
  });

  it('gets its answer once a slot frees up within the deadline', async () => {
    const { sim, onPause, solve } = await rig({ mode: 'no-slot' });
    onPause((n) => {
      if (n === 2) sim.configure({ mode: 'solve' });
    });
    const { result } = await solve();
    expect(result).toMatchObject({ ok: true, answer: RIGHT });
    expect(sim.requests().createTask).toBe(3);
  });

  it('says unsolvable when the workers cannot read the picture', async () => {
    const { solve, sim } = await rig({ answerFor: () => undefined, delayMs: 8_000 });
    expect(failure((await solve()).result)).toBe('unsolvable');
    sim.configure({ mode: 'unsolvable', answerFor: () => RIGHT });
    expect(failure((await solve()).result)).toBe('unsolvable');
  });

  it('gives up at the deadline with timeout, polling one last time at the deadline and never after', async () => {
    const { sim, clock, solve } = await rig({ delayMs: 10 * 60_000 });
    const deadlineAt = clock.now() + 23_000;
    const { result } = await solve(23_000);
    expect(result).toEqual({ ok: false, failure: 'timeout', detail: expect.any(String) });
    expect(clock.now()).toBe(deadlineAt);
    // Polls at 5, 10, 15, 20 s and at the deadline.
    expect(sim.requests().getTaskResult).toBe(5);
  });

  it('does not create a task once the deadline has passed', async () => {
    const { sim, solver, clock } = await rig();
    const { result } = await captureOutputOf(() =>
      solver.solve(pngPicture('late'), { deadlineAt: clock.now() }),
    );
    expect(failure(result)).toBe('timeout');
    expect(sim.requests()).toEqual({});
  });

  it.each(['http-503', 'reset'] as const)('says error when the service is down (%s)', async (downAs) => {
    const { solve } = await rig({ mode: 'down', downAs });
    const { result } = await solve();
    expect(result).toEqual({
      ok: false,
      failure: 'error',
      detail: expect.stringMatching(/createTask failed/),
    });
  });

  it('says error when the service goes down while the task is being solved', async () => {
    const { sim, onPause, solve } = await rig({ delayMs: 20_000 });
    onPause(() => sim.configure({ mode: 'down' }));
    const { result } = await solve();
    expect(result).toEqual({ ok: false, failure: 'error', detail: expect.stringContaining('HTTP 503') });
  });

  it('says error for a key the service does not know', async () => {
    const { solve } = await rig({ clientKey: 'another-key' });
    const { result } = await solve();
    expect(result).toEqual({
      ok: false,
      failure: 'error',
      detail: expect.stringContaining('ERROR_KEY_DOES_NOT_EXIST'),
    });
  });

  it.each([
    ['an empty answer', ''],
    ['a blank answer', '  \t '],
  ])('never returns %s as ok, and reports it as incorrect', async (_name, text) => {
    const { sim, solve } = await rig({ answerFor: () => text });
    const { result } = await solve();
    expect(result).toEqual({ ok: false, failure: 'error', detail: expect.stringContaining('no text') });
    expect(sim.reports()).toEqual([{ taskId: sim.tasks()[0]?.id, kind: 'incorrect' }]);
  });

  it('refuses answers shorter or longer than asked for, and trims surrounding spaces', async () => {
    const { sim, solve } = await rig();
    sim.configure({ answerFor: () => 'Ab3d' });
    expect(failure((await solve()).result)).toBe('error');
    sim.configure({ answerFor: () => 'Ab3dE9x' });
    expect(failure((await solve()).result)).toBe('error');
    sim.configure({ answerFor: () => ` ${RIGHT} ` });
    expect((await solve()).result).toMatchObject({ ok: true, answer: RIGHT });
    expect(sim.reports().map((r) => r.kind)).toEqual(['incorrect', 'incorrect']);
  });
});

describe('reports', () => {
  it('never fail: a down service or an unknown task id is logged at warn and swallowed', async () => {
    const { sim, solver } = await rig();
    const { result, json, text } = await captureOutputOf(async () => {
      await solver.reportCorrect('987654');
      sim.configure({ mode: 'down', downAs: 'reset' });
      await solver.reportIncorrect('987654');
      return 'done';
    });
    expect(result).toBe('done');
    expect(json.filter((line) => line.level === 'WARN').map((line) => line.message)).toEqual([
      '2captcha refused the report',
      '2captcha report failed',
    ]);
    expect(text).not.toContain(API_KEY);
  });
});

describe('secrets in logs', () => {
  it('prints neither the API key nor the answer, whatever happens', async () => {
    const { sim, solver, clock } = await rig({ delayMs: 6_000 });
    const picture = pngPicture('logged');
    const { text, json } = await captureOutputOf(async () => {
      const solved = await solver.solve(picture, { deadlineAt: clock.now() + 60_000, ...SIX });
      if (solved.ok) {
        await solver.reportIncorrect(solved.taskId);
        await solver.reportCorrect(solved.taskId);
      }
      sim.configure({ clientKey: 'rotated-key' });
      await solver.solve(picture, { deadlineAt: clock.now() + 60_000, ...SIX });
      sim.configure({ mode: 'down', downAs: 'http-503' });
      await solver.solve(picture, { deadlineAt: clock.now() + 60_000, ...SIX });
      await solver.reportIncorrect('1');
      await sim.close();
      await solver.solve(picture, { deadlineAt: clock.now() + 60_000, ...SIX });
    });
    expect(json.length).toBeGreaterThanOrEqual(6);
    expect(json.map((line) => line.message)).toContain('2captcha answered');
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(RIGHT);
  });

  it('reads a key from a function once, on first use, and again only after a failed read', async () => {
    let reads = 0;
    let failNext = true;
    const { solver, clock } = await rig(
      {},
      {
        apiKey: async () => {
          reads += 1;
          if (failNext) {
            failNext = false;
            throw new Error('AccessDeniedException');
          }
          return `${API_KEY}\n`;
        },
      },
    );
    expect(reads).toBe(0);
    const solve = () =>
      captureOutputOf(() => solver.solve(pngPicture('k'), { deadlineAt: clock.now() + 60_000, ...SIX }));
    expect((await solve()).result).toEqual({
      ok: false,
      failure: 'error',
      detail: expect.stringContaining('API key'),
    });
    expect((await solve()).result).toMatchObject({ ok: true });
    expect((await solve()).result).toMatchObject({ ok: true });
    expect(reads).toBe(2);
  });
});

describe('twoCaptchaSolverFromEnv', () => {
  it('takes the URL from TWOCAPTCHA_URL and the key from the Secrets Manager secret in TWOCAPTCHA_SECRET', async () => {
    const client = new SecretsManagerClient({});
    await client.send(new CreateSecretCommand({ Name: 'sandbox-teardown/2captcha', SecretString: API_KEY }));
    client.destroy();
    sim = await startCaptchaSim({ clientKey: API_KEY, answerFor: () => RIGHT });
    const solver = twoCaptchaSolverFromEnv(
      { TWOCAPTCHA_URL: sim.url, TWOCAPTCHA_SECRET: 'sandbox-teardown/2captcha' },
      secretsManagerReader(),
      { firstPollAfterMs: 0, pollIntervalMs: 0 },
    );
    const { result } = await captureOutputOf(() =>
      solver.solve(pngPicture('env'), { deadlineAt: Date.now() + 20_000, ...SIX }),
    );
    expect(result).toMatchObject({ ok: true, answer: RIGHT });
  });

  it('refuses a missing TWOCAPTCHA_SECRET or a TWOCAPTCHA_URL that is no URL, without reading the secret', async () => {
    let reads = 0;
    const reader = async () => {
      reads += 1;
      return API_KEY;
    };
    expect(() => twoCaptchaSolverFromEnv({}, reader)).toThrow(ConfigError);
    expect(() =>
      twoCaptchaSolverFromEnv({ TWOCAPTCHA_SECRET: 's', TWOCAPTCHA_URL: 'ftp://x' }, reader),
    ).toThrow(/TWOCAPTCHA_URL/);
    twoCaptchaSolverFromEnv({ TWOCAPTCHA_SECRET: 's' }, reader);
    expect(reads).toBe(0);
  });

  it('reads the key from a plain-text secret or a JSON one, and never quotes a secret it cannot use', () => {
    expect(twoCaptchaKeyFromSecret(` ${API_KEY}\n`)).toBe(API_KEY);
    expect(twoCaptchaKeyFromSecret(JSON.stringify({ apiKey: API_KEY }))).toBe(API_KEY);
    expect(twoCaptchaKeyFromSecret(JSON.stringify({ clientKey: API_KEY }))).toBe(API_KEY);
    const broken = (() => {
      try {
        twoCaptchaKeyFromSecret(`{"apiKey": "${API_KEY}"`);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(broken).toMatch(/does not parse/);
    expect(broken).not.toContain(API_KEY);
    expect(() => twoCaptchaKeyFromSecret(JSON.stringify({ other: API_KEY }))).toThrow(/none of the fields/);
  });
});
