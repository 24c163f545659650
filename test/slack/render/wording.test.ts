// Every state a teardown's messages can show, rendered through every message that shows it: the request message
// (thread root), the thread's replies and prompts, and the /sandbox status, list and cancel answers.
// Regression: "waiting: waiting for …", "Denied" twice, and "(… (number 2 in the queue))" in the list.
import { describe, expect, it } from 'vitest';
import { cancelConfirmAnswer, dryRunAnswer, listAnswer, statusAnswer } from '../../../src/bot/answers';
import type { Strategy } from '../../../src/common/config';
import { STEPS, STRATEGY_STEPS, type StepName } from '../../../src/pipeline/catalogue';
import type { Teardown, TeardownEvent } from '../../../src/pipeline/model';
import { SIGNAL, type Signal, type SignalName } from '../../../src/pipeline/signals';
import { applyFailure, applyOutcome, cancel, type Transition } from '../../../src/pipeline/state';
import type { StepOutcome } from '../../../src/pipeline/step-handler';
import { approvalStep } from '../../../src/pipeline/steps/approval';
import { awaitClosedStep } from '../../../src/pipeline/steps/await-closed';
import { awaitResetMailStep } from '../../../src/pipeline/steps/await-reset-mail';
import { cleanupStep } from '../../../src/pipeline/steps/cleanup';
import { closeViaApiStep } from '../../../src/pipeline/steps/close-via-api';
import { removeFromOrgStep } from '../../../src/pipeline/steps/remove-from-org';
import type { MessageContent } from '../../../src/slack/render/mrkdwn';
import { captchaPrompt, humanPrompt } from '../../../src/slack/render/prompts';
import { requestMessage, statusText, stepState } from '../../../src/slack/render/request';
import { endedReply, resumedReply, stepReply, wentBackReply } from '../../../src/slack/render/thread';
import { FakeOrganizations, MemoryCloseLedger, stepContext, testConfig } from '../../support/fakes';
import { NOW, summary, teardown } from '../support/teardown-fixture';

const DEADLINE = NOW + 10 * 60_000;
const deadlineOf = () => DEADLINE;

/** A teardown of `strategy` running `step`, as a worker holds it. */
function at(strategy: Strategy, step: StepName, changes: Partial<Teardown> = {}): Teardown {
  return teardown({
    strategy,
    step,
    stepStatus: 'running',
    wait: undefined,
    approver: 'UAPPROVER1',
    ...changes,
  });
}

function applied(current: Teardown, outcome: StepOutcome): Transition {
  return applyOutcome(current, outcome, 'worker', NOW, deadlineOf);
}

/** What the signal rule of the step waiting in `current` decides. */
function onSignal(current: Teardown, signal: Signal): StepOutcome {
  const rule = STEPS[current.step].rules.onSignal[signal.name] as
    | ((ctx: unknown, s: Signal) => StepOutcome)
    | undefined;
  if (!rule) throw new Error(`${current.step} takes no ${signal.name}`);
  return rule({ teardown: structuredClone(current), now: NOW, config: testConfig() }, signal);
}

function onDeadline(current: Teardown, signal: SignalName | undefined): StepOutcome {
  return STEPS[current.step].rules.onDeadline({ teardown: current, now: NOW, config: testConfig() }, signal);
}

/** A wait as the console flows word it (src/console: browser-steps.ts, flows/verify-phone.ts, flows/sign-in.ts). */
const CONSOLE_WAITS: Array<{ step: StepName; signal?: SignalName; reason: string }> = [
  { step: 'verify-phone', reason: 'waiting for a free phone line (number 2 in the queue)' },
  { step: 'verify-phone', reason: 'waiting for a free phone line' },
  {
    step: 'verify-phone',
    signal: SIGNAL.phoneCode,
    reason: 'waiting for the verification code sent to +15550100',
  },
  {
    step: 'sign-in',
    signal: SIGNAL.signInCode,
    reason: 'AWS mailed a sign-in code to the root address; waiting for it',
  },
  {
    step: 'sign-in',
    signal: SIGNAL.signInCode,
    reason: 'AWS refused the mailed sign-in code; waiting for a new one',
  },
  ...[
    'The support plan page offers no Basic (free) plan.',
    'The root session had ended, and signing in again needs more than the password (AWS mailed a sign-in code to the root address; waiting for it).',
  ].map((message) => ({
    step: 'complete-signup' as const,
    signal: SIGNAL.human,
    reason: message,
  })),
  { step: 'request-reset', signal: SIGNAL.captchaAnswer, reason: 'the solver gave up on the CAPTCHA' },
];

/** Every wait the steps produce, on the step that produces it. */
async function waitingTeardowns(): Promise<Array<{ t: Teardown; event: TeardownEvent }>> {
  const out: Transition[] = [];
  out.push(applied(at('close', 'approval'), await approvalStep.run(stepContext(at('close', 'approval')))));
  const reset = at('remove', 'await-reset-mail');
  out.push(applied(reset, await awaitResetMailStep.run(stepContext(reset))));

  const orgs = new FakeOrganizations();
  orgs.add(summary.accountId, { joinedAt: NOW - 86_400_000 });
  const ledger = new MemoryCloseLedger();
  await ledger.recordClose({
    accountId: '222222222222' as never,
    teardownId: 'older',
    closedAt: NOW - 86_400_000,
  });
  const closing = at('close', 'close-via-api');
  const close = closeViaApiStep({ orgs, ledger });
  orgs.closeAnswers.push(
    { kind: 'quota-exceeded', message: 'quota' },
    { kind: 'too-many-at-once', message: 'busy' },
  );
  out.push(applied(closing, await close.run(stepContext(closing, { now: NOW }))));
  out.push(applied(closing, await close.run(stepContext(closing, { now: NOW }))));
  const polling = at('close', 'await-closed');
  out.push(applied(polling, await awaitClosedStep({ orgs }).run(stepContext(polling, { now: NOW }))));

  const young = at('remove', 'remove-from-org', { summary: { ...summary, joinedAt: NOW - 86_400_000 } });
  const remove = removeFromOrgStep({ orgs });
  orgs.removeAnswers.push(
    { kind: 'too-young', message: 'wait period active' },
    { kind: 'missing-prerequisite', reason: 'BILLING', message: 'Add a payment method (card).' },
  );
  out.push(applied(young, await remove.run(stepContext(young, { now: NOW }))));
  // Went back to the wizard once already: a person is asked.
  const again = { ...young, backSteps: { 'complete-signup': 1 } };
  out.push(applied(again, await remove.run(stepContext(again, { now: NOW }))));
  const noMail = at('remove', 'await-reset-mail', {
    stepStatus: 'waiting',
    wait: {
      signal: SIGNAL.resetLink,
      until: NOW,
      since: NOW - 15 * 60_000,
      reason: "waiting for AWS's mail to the root address",
    },
    backSteps: { 'request-reset': 2 },
  });
  out.push(applied(noMail, onDeadline(noMail, SIGNAL.resetLink)));

  out.push(
    applyFailure(
      at('close', 'close-via-api'),
      'CloseAccount failed: ThrottlingException (rate exceeded)',
      { retryable: true, maxFailures: 5, delayMs: 5000 },
      'worker',
      NOW,
    ),
  );
  for (const wait of CONSOLE_WAITS) {
    const current = at('remove', wait.step);
    out.push(
      applied(
        current,
        wait.signal
          ? { type: 'await', signal: wait.signal, reason: wait.reason }
          : { type: 'wait', until: DEADLINE, reason: wait.reason },
      ),
    );
  }
  for (const { next } of out) expect(next.stepStatus).toBe('waiting');
  return out.map(({ next, event }) => ({ t: next, event }));
}

/** Every way a teardown ends, with the outcome its rule writes. */
async function endedTeardowns(): Promise<Array<{ t: Teardown; event: TeardownEvent }>> {
  const out: Transition[] = [];
  const approving = teardown({ approver: undefined });
  out.push(
    applied(
      approving,
      onSignal(approving, { name: 'approval', actor: 'UAPPROVER1', payload: { decision: 'deny' } }),
    ),
  );
  out.push(applied(approving, onDeadline(approving, SIGNAL.approval)));
  // As the runner words a cancel from the bot (runner.ts).
  out.push(cancel(at('close', 'await-closed'), 'UREQUESTER1', 'Cancelled by UREQUESTER1.', NOW));
  const asking = at('remove', 'sign-in', {
    stepStatus: 'waiting',
    wait: {
      signal: SIGNAL.human,
      until: NOW,
      since: NOW - 600_000,
      reason: 'The page is not one the bot knows.',
    },
  });
  out.push(
    applied(asking, onSignal(asking, { name: 'human', actor: 'UAPPROVER2', payload: { choice: 'abort' } })),
  );
  out.push(applied(asking, onDeadline(asking, SIGNAL.human)));
  out.push(
    applyFailure(
      at('close', 'close-via-api', { failures: 4 }),
      'CloseAccount failed: ThrottlingException (rate exceeded)',
      { retryable: true, maxFailures: 5, delayMs: 5000 },
      'worker',
      NOW,
    ),
  );
  const orgs = new FakeOrganizations();
  orgs.add(summary.accountId);
  orgs.removeAnswers.push({
    kind: 'refused',
    reason: 'CONSTRAINT',
    message: 'The account is the last (only) member.',
  });
  const removing = at('remove', 'remove-from-org');
  out.push(applied(removing, await removeFromOrgStep({ orgs }).run(stepContext(removing, { now: NOW }))));
  out.push(
    applied(at('close', 'preflight'), {
      type: 'end',
      status: 'refused',
      reason: `${summary.accountId} (sandbox-alice) is protected by its tag teardown:protect=yes.`,
    }),
  );
  for (const strategy of ['close', 'remove'] as const) {
    const finishing = at(strategy, 'cleanup', { data: { closedState: 'SUSPENDED' } });
    const history = STRATEGY_STEPS[strategy].slice(0, -1).map(
      (step, i): TeardownEvent => ({
        accountId: summary.accountId,
        teardownId: 't-1',
        version: i + 2,
        at: finishing.createdAt + (i + 1) * 1000,
        actor: 'pipeline',
        action: 'step-succeeded',
        step,
        attempt: 1,
        outcome: 'succeeded',
      }),
    );
    const done = await cleanupStep({ cleaners: [], history: { events: async () => history } }).run(
      stepContext(finishing, { now: NOW }),
    );
    out.push(applied(finishing, done));
  }
  for (const { next } of out) expect(next.status).not.toBe('active');
  return out.map(({ next, event }) => ({ t: next, event }));
}

/** Every teardown at every step of its strategy, queued and running. */
function movingTeardowns(): Teardown[] {
  return (['close', 'remove'] as const).flatMap((strategy) =>
    STRATEGY_STEPS[strategy].flatMap((step) =>
      (['pending', 'running'] as const).map((stepStatus) => at(strategy, step, { stepStatus })),
    ),
  );
}

/** Each line of text a message shows: its notification text and every text in its blocks. */
function linesOf(content: MessageContent | string): string[] {
  if (typeof content === 'string') return content.split('\n');
  const texts: string[] = [content.text];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'text' && typeof inner === 'string') texts.push(inner);
        else walk(inner);
      }
    }
  };
  walk(content.blocks);
  return texts.flatMap((text) => text.split('\n'));
}

/** The deepest nesting of parentheses in a line. */
function parenthesesDepth(line: string): number {
  let depth = 0;
  let deepest = 0;
  for (const c of line) {
    if (c === '(') deepest = Math.max(deepest, ++depth);
    else if (c === ')') depth--;
  }
  return deepest;
}

function outsideParentheses(line: string): string {
  let depth = 0;
  return [...line].filter((c) => (c === '(' ? !++depth : c === ')' ? !depth-- : depth === 0)).join('');
}

function everyMessage(t: Teardown, event?: TeardownEvent): Array<MessageContent | string> {
  const messages: Array<MessageContent | string> = [
    requestMessage(t, { now: NOW, quota: { used: 1, limit: 250, left: 249, nextFreeAt: undefined } }),
    statusText(t, NOW),
    statusAnswer(t, NOW, 'https://example.slack.com/archives/C1/p1000001'),
  ];
  if (t.status === 'active') messages.push(listAnswer([t], NOW, false), cancelConfirmAnswer(t));
  else messages.push(endedReply(t, NOW));
  if (t.wait?.signal === SIGNAL.human) messages.push(humanPrompt(t));
  if (t.wait?.signal === SIGNAL.captchaAnswer) messages.push(captchaPrompt(t));
  if (event?.action === 'step-succeeded') messages.push(stepReply(t, event, NOW - 1000));
  if (event?.action === 'went-back') messages.push(wentBackReply(t, event));
  if (event?.action === 'rerun') messages.push(resumedReply(t, event));
  return messages;
}

function expectReadable(messages: Array<MessageContent | string>): void {
  for (const line of messages.flatMap(linesOf)) {
    expect(parenthesesDepth(line), line).toBeLessThan(2);
    // A word said twice in a row, whatever stands between ("waiting: waiting", "Denied — denied").
    expect(line, line).not.toMatch(/\b([a-z]{2,})\b[^a-z0-9]+\1\b/i);
    expect(outsideParentheses(line).match(/\bwaiting\b/gi)?.length ?? 0, line).toBeLessThan(2);
  }
}

describe('every status, wait and ending, in every message that shows it', () => {
  it('reads "waiting" once and nests no parentheses while a step waits', async () => {
    const waiting = await waitingTeardowns();
    expect(waiting).toHaveLength(CONSOLE_WAITS.length + 9);
    for (const { t, event } of waiting) {
      expectReadable(everyMessage(t, event));
      expect(statusText(t, NOW)).toMatch(/\bwaiting\b/i);
      // Nor does the state say the step's title again ("Wait for the password reset mail — waiting for the …").
      const waitsFor = (text: string) => text.toLowerCase().replace(/^(wait|waiting) (for|until) /, '');
      expect(waitsFor(stepState(t))).not.toBe(waitsFor(STEPS[t.step].title));
    }
  });

  it('reads well at every step, queued or running', () => {
    for (const t of movingTeardowns()) expectReadable(everyMessage(t));
  });

  it('says how a teardown ended once per message, with no nested parentheses', async () => {
    const ended = await endedTeardowns();
    expect(new Set(ended.map(({ t }) => t.status))).toEqual(
      new Set(['denied', 'expired', 'cancelled', 'failed', 'refused', 'succeeded']),
    );
    for (const { t, event } of ended) {
      const messages = everyMessage(t, event);
      expectReadable(messages);
      if (t.status === 'failed') continue; // "CloseAccount failed: …" is AWS's word, not the status said again.
      for (const message of messages) {
        const shown = typeof message === 'string' ? message : JSON.stringify(message.blocks);
        expect(shown.match(new RegExp(`\\b${t.status}\\b`, 'gi'))?.length ?? 0, shown).toBeLessThan(2);
      }
    }
  });

  it('reads well in the dry run plan of each strategy', () => {
    for (const strategy of ['close', 'remove'] as const) {
      expectReadable([dryRunAnswer({ summary, strategy, now: NOW })]);
    }
  });
});
