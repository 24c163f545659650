// CAPTCHAs on real Chromium against the console simulator: 2captcha first (wrong answers reported and retried),
// then the people in the thread, whose answer the open page waits for.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AccountId } from '../../../src/common/account-id';
import { browserStepHandlers } from '../../../src/console/browser-steps';
import { BrowserTurns } from '../../../src/console/turns';
import type { Teardown } from '../../../src/pipeline/model';
import {
  accountSeries,
  type ConsoleRig,
  RecordingPrompter,
  startConsoleRig,
  teardownAtBrowserStep,
} from '../../support/console-rig';
import { MemoryCaptchaChallenges, stepContext } from '../../support/fakes';

let rig: ConsoleRig;
let prompter: RecordingPrompter;
const challenges = new MemoryCaptchaChallenges();
beforeAll(async () => {
  prompter = new RecordingPrompter();
  rig = await startConsoleRig({ challenges, prompter, sim: { captcha: 'always' }, humanWaitMs: 2_000 });
});
afterAll(async () => rig?.close());

const nextAccount = accountSeries('captcha', '2222');
let n = 0;
let account: { id: AccountId; email: string };
beforeEach(() => {
  ({ n, ...account } = nextAccount());
  rig.sim.addAccount({ accountId: account.id, email: account.email });
  rig.captcha.configure({ mode: 'solve', balance: 10, wrongAnswers: 0 });
});

function atRequestReset(): Teardown {
  return teardownAtBrowserStep('request-reset', account, {
    teardownId: `t-captcha-${n}`,
    slack: { channel: 'C0SANDBOXREQ', requestTs: '1700000000.000100' },
  });
}

const requestReset = (teardown: Teardown) =>
  browserStepHandlers(rig.ports)['request-reset']!.run(stepContext(teardown));

const resetMails = () => rig.sim.mails().filter((m) => m.kind === 'reset' && m.to === account.email);

it('reports wrong answers to 2captcha, tries new pictures, and reports the one the page took', async () => {
  rig.captcha.configure({ wrongAnswers: 2 });
  const reportsBefore = rig.captcha.reports().length;
  const outcome = await requestReset(atRequestReset());
  expect(outcome).toMatchObject({
    type: 'done',
    note: expect.stringContaining('CAPTCHA solved by 2captcha'),
  });
  const reports = rig.captcha
    .reports()
    .slice(reportsBefore)
    .map((r) => r.kind);
  expect(reports.slice(0, 2)).toEqual(['incorrect', 'incorrect']);
  expect(reports).toContain('correct');
  expect(resetMails()).toHaveLength(1);
  expect(prompter.asked).toHaveLength(0);
});

it('gives its turn on a shared machine back while 2captcha reads the picture, and finishes after', async () => {
  // One turn for every browser step: another step gets it only if this one gives it back while it waits.
  const turns = new BrowserTurns(1);
  const solver = rig.ports.captcha.solver;
  if (!solver) throw new Error('the rig has no 2captcha stand-in');
  const freeWhileSolving: boolean[] = [];
  const ports = {
    ...rig.ports,
    turns,
    captcha: {
      ...rig.ports.captcha,
      solver: {
        async solve(png: Uint8Array, options: Parameters<typeof solver.solve>[1]) {
          const other = turns.take(0).then(() => {
            turns.give();
            return true;
          });
          // A free turn is granted at once; a held one would leave `other` pending past this tick.
          const tick = new Promise<boolean>((resolve) => setImmediate(() => resolve(false)));
          freeWhileSolving.push(await Promise.race([other, tick]));
          return solver.solve(png, options);
        },
        reportCorrect: (taskId: string) => solver.reportCorrect(taskId),
        reportIncorrect: (taskId: string) => solver.reportIncorrect(taskId),
      },
    },
  };
  const outcome = await browserStepHandlers(ports)['request-reset']!.run(stepContext(atRequestReset()));
  expect(outcome).toMatchObject({
    type: 'done',
    note: expect.stringContaining('CAPTCHA solved by 2captcha'),
  });
  expect(freeWhileSolving.length).toBeGreaterThanOrEqual(1);
  expect(freeWhileSolving.every(Boolean)).toBe(true);
  expect(resetMails()).toHaveLength(1);
});

/** Answers every prompt people get, as the first person to press Solve would, until `running` settles. */
async function answerEveryPrompt<T>(running: Promise<T>, from: number, by: string): Promise<T> {
  let done = false;
  const result = running.finally(() => {
    done = true;
  });
  for (let next = from; !done; next++) {
    const asked = await Promise.race([
      prompter.askedAtLeast(next + 1).then(() => true),
      result.then(() => false),
    ]);
    if (!asked) break;
    const ask = prompter.asked[next]!;
    const answer = rig.sim.latestCaptchaAnswer() ?? '';
    expect(
      await challenges.answer(ask.challengeId, { teardownId: ask.teardownId, answer, by, now: Date.now() }),
    ).toEqual({ ok: true });
  }
  return result;
}

it('asks the people in the thread when 2captcha is out of balance; their answers finish the step', async () => {
  rig.captcha.configure({ balance: 0 });
  const tasksBefore = rig.captcha.requests().createTask ?? 0;
  const asked = prompter.asked.length;
  const outcome = await answerEveryPrompt(requestReset(atRequestReset()), asked, 'UHELPER1');
  expect(outcome).toMatchObject({
    type: 'done',
    note: expect.stringContaining('CAPTCHA solved by UHELPER1'),
  });

  // Sign-in and the recovery dialog each showed a CAPTCHA: two prompts, each with the page's rendered picture.
  const prompts = prompter.asked.slice(asked);
  expect(prompts).toHaveLength(2);
  for (const ask of prompts) {
    expect(ask).toMatchObject({
      accountId: account.id,
      teardownId: `t-captcha-${n}`,
      slack: { channel: 'C0SANDBOXREQ' },
    });
    expect(Buffer.from(ask.png).subarray(1, 4).toString()).toBe('PNG');
    expect((await challenges.get(ask.challengeId))?.status).toBe('closed');
  }
  expect(prompter.finishedWith.slice(-2).map((f) => f.outcome)).toEqual(['answered', 'answered']);
  // Out of money once: the service was not asked again in the same run.
  expect((rig.captcha.requests().createTask ?? 0) - tasksBefore).toBe(1);
  expect(resetMails()).toHaveLength(1);
});

it('asks for a new picture each time 2captcha cannot read one, then asks people', async () => {
  rig.captcha.configure({ mode: 'unsolvable' });
  const tasksBefore = rig.captcha.tasks().length;
  const picturesBefore = rig.sim.captchaAnswers().length;
  const reportsBefore = rig.captcha.reports().length;
  const asked = prompter.asked.length;
  const outcome = await answerEveryPrompt(requestReset(atRequestReset()), asked, 'UHELPER2');
  expect(outcome).toMatchObject({
    type: 'done',
    note: expect.stringContaining('CAPTCHA solved by UHELPER2'),
  });
  // Two CAPTCHAs (sign-in, recovery): three tries of the service each, each on a new picture, then a person.
  expect(rig.captcha.tasks().length - tasksBefore).toBe(6);
  expect(prompter.asked.length - asked).toBe(2);
  expect(rig.sim.captchaAnswers().length - picturesBefore).toBeGreaterThanOrEqual(8);
  // An answer the service never gave is not reported as wrong.
  expect(rig.captcha.reports().slice(reportsBefore)).toEqual([]);
});

it('asks people when 2captcha is down, and waits for a person to decide when no one answers in time', async () => {
  rig.captcha.configure({ mode: 'down' });
  const asked = prompter.asked.length;
  const outcome = await requestReset(atRequestReset());
  expect(prompter.asked.length).toBe(asked + 1);
  expect(outcome).toMatchObject({
    type: 'await',
    signal: 'human',
    reason: expect.stringContaining('No one answered the CAPTCHA in time'),
  });
  expect(prompter.finishedWith.at(-1)).toMatchObject({ outcome: 'expired' });
  expect(resetMails()).toHaveLength(0);
});
