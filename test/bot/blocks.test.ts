import { describe, expect, it } from 'vitest';
import { validateMessageBlocks, validateModalView } from '../../sim/slack';
import {
  cancelConfirmAnswer,
  captchaModal,
  captchaPrompt,
  dryRunAnswer,
  errorAnswer,
  errorText,
  helpAnswer,
  humanPrompt,
  listAnswer,
  maskEmail,
  requestMessage,
  statusAnswer,
  statusText,
  stepReply,
} from '../../src/bot/blocks';
import { ACTION, decodeRef } from '../../src/bot/ids';
import type { AccountId } from '../../src/common/account-id';
import { PreflightRefusedError } from '../../src/common/errors';
import type { AccountSummary, Teardown, TeardownEvent } from '../../src/pipeline/model';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const summary: AccountSummary = {
  accountId: '012345678901' as AccountId,
  name: 'sandbox-alice',
  email: 'sandbox-alice@sandboxes.example.com',
  ouPath: 'Root / Sandbox',
  parentId: 'ou-abcd-12345678',
  joinedAt: NOW - 3 * 86_400_000 - 4 * 3_600_000,
  state: 'ACTIVE',
};

function teardown(changes: Partial<Teardown> = {}): Teardown {
  return {
    accountId: summary.accountId,
    teardownId: 't-1',
    status: 'active',
    strategy: 'close',
    requester: 'UREQUESTER1',
    reason: 'demo <!channel> over',
    step: 'approval',
    stepStatus: 'waiting',
    stepStartedAt: NOW - 60_000,
    attempt: 1,
    failures: 0,
    wait: { signal: 'approval', until: NOW + 86_400_000, reason: 'waiting for an approver' },
    version: 5,
    createdAt: NOW - 90_000,
    updatedAt: NOW - 60_000,
    summary,
    slack: { channel: 'C1', requestTs: '1.000001', threadTs: '1.000001', statusTs: '1.000001' },
    data: {},
    ...changes,
  };
}

const json = (value: unknown) => JSON.stringify(value);

describe('maskEmail', () => {
  it('keeps enough to recognise the account and hides the rest', () => {
    expect(maskEmail('sandbox-alice@sandboxes.example.com')).toBe('s***-alice@sandboxes.example.com');
    expect(maskEmail('alice@example.com')).toBe('a***e@example.com');
    expect(maskEmail('al@example.com')).toBe('a***@example.com');
    expect(maskEmail('nonsense')).toBe('***');
  });
});

describe('the request message', () => {
  it('shows account, masked email, OU, age, strategy with quota, reason, requester and the two buttons', () => {
    const message = requestMessage(teardown(), {
      now: NOW,
      quota: { used: 3, limit: 250, left: 247, nextFreeAt: undefined },
    });
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    const text = json(message.blocks);
    for (const part of [
      'sandbox-alice',
      '012345678901',
      's***-alice@sandboxes.example.com',
      'Root / Sandbox',
      '3d 4h',
      'close quota: 3 used, 247 left of 250',
      '<@UREQUESTER1>',
      // People's text cannot mention the whole channel.
      'demo &lt;!channel&gt; over',
    ]) {
      expect(text).toContain(part);
    }
    expect(text).not.toContain('sandbox-alice@sandboxes');
    const actions = message.blocks.find((b) => b.type === 'actions');
    expect(actions).toMatchObject({
      elements: [
        { action_id: ACTION.approve, style: 'primary', confirm: { title: { text: 'Approve teardown?' } } },
        { action_id: ACTION.deny, style: 'danger' },
      ],
    });
    const value = (actions as { elements: Array<{ value: string }> }).elements[0]?.value;
    expect(decodeRef(value)).toEqual({ accountId: '012345678901', teardownId: 't-1' });
  });

  it('drops the buttons and says who decided and when once decided', () => {
    const decided = teardown({
      step: 'close-via-api',
      stepStatus: 'pending',
      wait: undefined,
      approver: 'UAPPROVER1',
      decidedAt: NOW - 30_000,
    });
    const message = requestMessage(decided, { now: NOW });
    expect(message.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(json(message.blocks)).toContain(
      `Approved by <@UAPPROVER1> on <!date^${Math.floor((NOW - 30_000) / 1000)}^{date_short_pretty} at {time}|2026-11-25 11:59 UTC>`,
    );
    expect(json(message.blocks)).toContain('Step 3 of 5:* Close the account through Organizations — queued');
  });
});

describe('status', () => {
  it('shows step n of m, state, elapsed time and the last error', () => {
    const retrying = teardown({
      step: 'close-via-api',
      stepStatus: 'waiting',
      wait: { until: NOW + 5000, reason: 'retry 1 of 4 after an error' },
      lastError: 'CloseAccount failed: TooManyRequestsException',
    });
    expect(statusText(retrying, NOW)).toBe(
      ':arrows_counterclockwise: *Step 3 of 5:* Close the account through Organizations — waiting: retry 1 of 4 after an error · 1m 30s elapsed\n' +
        ':warning: Last error: CloseAccount failed: TooManyRequestsException',
    );
    const done = teardown({
      status: 'succeeded',
      stepStatus: 'succeeded',
      step: 'cleanup',
      endedAt: NOW,
      outcome: 'closed',
    });
    expect(statusText(done, NOW)).toBe(':white_check_mark: *Succeeded* all 5 steps after 1m 30s: closed');
    const denied = teardown({
      status: 'denied',
      stepStatus: 'failed',
      endedAt: NOW,
      approver: 'UAPPROVER1',
      outcome: 'Denied by UAPPROVER1.',
    });
    expect(statusText(denied, NOW)).toContain(
      '*Denied* at step 2 of 5 (Wait for a second person to approve) after 1m 30s: Denied by <@UAPPROVER1>.',
    );
  });

  it('has one reply per finished step with its note, e-mail addresses masked', () => {
    const event: TeardownEvent = {
      accountId: summary.accountId,
      teardownId: 't-1',
      version: 3,
      at: NOW,
      actor: 'worker',
      action: 'step-succeeded',
      step: 'preflight',
      attempt: 1,
      outcome: 'succeeded',
      detail: 'sandbox-alice <sandbox-alice@sandboxes.example.com> in Root / Sandbox',
    };
    expect(stepReply(teardown(), event, NOW - 2000)).toBe(
      ':white_check_mark: Step 1 of 5 · Check the account may be torn down — sandbox-alice &lt;s***-alice@sandboxes.example.com&gt; in Root / Sandbox (2s)',
    );
  });
});

describe('prompts, modals and answers are valid Block Kit', () => {
  it('builds CAPTCHA and unknown-page prompts whose buttons name the wait they answer', () => {
    const waiting = teardown({
      strategy: 'remove',
      step: 'request-reset',
      wait: { signal: 'captcha-answer', until: NOW + 1000, reason: 'CAPTCHA' },
    });
    const captcha = captchaPrompt(waiting);
    expect(validateMessageBlocks(captcha.blocks)).toEqual([]);
    expect(json(captcha.blocks)).toContain('step 4 of 12');
    const human = humanPrompt({
      ...waiting,
      step: 'complete-signup',
      wait: { signal: 'human', until: NOW + 1, reason: 'unknown page "Verify your identity"' },
    });
    expect(validateMessageBlocks(human.blocks)).toEqual([]);
    const ids = human.blocks.flatMap((b) =>
      b.type === 'actions' ? b.elements.map((e) => ('action_id' in e ? e.action_id : '')) : [],
    );
    expect(ids).toEqual([ACTION.done, ACTION.retry, ACTION.abort]);
    expect(json(human.blocks)).toContain('"value":"012345678901:t-1:5"');
    expect(
      validateModalView(
        captchaModal({
          accountId: summary.accountId,
          teardownId: 't-1',
          version: 5,
          channel: 'C1',
          promptTs: '2.0',
        }),
      ),
    ).toEqual([]);
  });

  it('builds help, dry-run, status, list and cancel answers', () => {
    for (const content of [
      helpAnswer(),
      dryRunAnswer({ summary, strategy: 'remove', now: NOW }),
      statusAnswer(teardown(), NOW, 'https://x.slack.com/archives/C1/p1000001'),
      listAnswer([teardown(), teardown({ accountId: '111111111111' as AccountId })], NOW, true),
      listAnswer([], NOW, false),
      cancelConfirmAnswer(teardown()),
    ]) {
      expect(validateMessageBlocks(content.blocks)).toEqual([]);
    }
    const plan = json(dryRunAnswer({ summary, strategy: 'remove', now: NOW }).blocks);
    expect(plan).toContain('Plan (12 steps)');
    expect(plan).toContain('12. *Clean up and summarise*');
  });
});

// Regression: refusals quoted account names, OU paths and tag values from AWS into mrkdwn unescaped.
describe('error answers', () => {
  it('escape what comes from AWS, so a renamed account cannot mention the channel or fake a link', () => {
    const refusal = new PreflightRefusedError(
      '123456789012 (<!channel> <https://evil.example|click>) is protected by its tag teardown:protect=true.',
    );
    const answer = errorAnswer(errorText(refusal));
    const shown = JSON.stringify(answer);
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<https://evil');
    expect(answer.text).toBe(
      '123456789012 (&lt;!channel&gt; &lt;https://evil.example|click&gt;) is protected by its tag teardown:protect=true.',
    );
  });
});

// Regression: twenty long lines went into one section, cut at 3,000 characters: rows and the "more" hint vanished.
describe('the list of teardowns', () => {
  it('shows every teardown asked for, however long the names, and keeps the "more" hint', () => {
    const long = { ...summary, name: `sandbox-${'x'.repeat(200)}` };
    const many = Array.from({ length: 20 }, (_, i) =>
      teardown({ accountId: String(100000000000 + i) as AccountId, summary: long }),
    );
    const answer = listAnswer(many, NOW, true);
    expect(validateMessageBlocks(answer.blocks)).toEqual([]);
    const shown = json(answer.blocks);
    for (const t of many) expect(shown).toContain(t.accountId);
    expect(shown).toContain('…and more');
  });
});
