import { describe, expect, it } from 'vitest';
import { validateMessageBlocks, validateModalView } from '../../../sim/slack';
import { ACTION, decodeChallengeRef } from '../../../src/slack/ids';
import {
  captchaModal,
  captchaPrompt,
  challengeExpired,
  challengePrompt,
  humanPrompt,
} from '../../../src/slack/render/prompts';
import { json, NOW, summary, teardown } from '../support/teardown-fixture';

describe('prompts and modals are valid Block Kit', () => {
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

  it('builds a challenge prompt whose Solve button names the challenge, and its modal', () => {
    const ref = { accountId: summary.accountId, teardownId: 't-1', challengeId: 'ch-1' };
    const prompt = challengePrompt(ref, { stepTitle: 'Request a root password reset', until: NOW + 60_000 });
    expect(validateMessageBlocks(prompt.blocks)).toEqual([]);
    const [solve] = prompt.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(solve).toMatchObject({ action_id: ACTION.solve });
    expect(decodeChallengeRef((solve as { value: string }).value)).toEqual(ref);
    expect(validateMessageBlocks(challengeExpired().blocks)).toEqual([]);
    expect(validateModalView(captchaModal({ ...ref, channel: 'C1', promptTs: '2.0' }))).toEqual([]);
  });
});
