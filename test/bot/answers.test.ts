import { describe, expect, it } from 'vitest';
import { validateMessageBlocks } from '../../sim/slack';
import {
  cancelConfirmAnswer,
  dryRunAnswer,
  errorAnswer,
  errorText,
  helpAnswer,
  listAnswer,
  statusAnswer,
} from '../../src/bot/answers';
import type { AccountId } from '../../src/common/account-id';
import { PreflightRefusedError } from '../../src/common/errors';
import { json, NOW, summary, teardown } from '../slack/support/teardown-fixture';

describe('answers are valid Block Kit', () => {
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

// Regression: the close plan said its cleanup "releases the phone line"; only the remove path leases one.
describe('the dry-run plan', () => {
  it("describes each strategy's cleanup as it happens, and the close plan no phone line", () => {
    const close = json(dryRunAnswer({ summary, strategy: 'close', now: NOW }).blocks);
    expect(close).toContain('5. *Clean up and summarise*: posts a summary with the time each step took');
    expect(close).not.toMatch(/phone|line|secret|session/i);
    const remove = json(dryRunAnswer({ summary, strategy: 'remove', now: NOW }).blocks);
    expect(remove).toContain(
      '12. *Clean up and summarise*: deletes the saved root session and any mailed link or code, releases the leased ' +
        'phone line, keeps the root password and MFA key for the post-closure period (then deletes them)',
    );
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
