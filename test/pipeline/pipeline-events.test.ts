// Tests src/pipeline/pipeline-events.ts and src/pipeline/signal-schema.ts: events are parsed, never guessed.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/common/logger';
import { handlePipelineEvent } from '../../src/pipeline/event-handler';
import { parsePipelineEvent } from '../../src/pipeline/pipeline-events';
import type { Runner } from '../../src/pipeline/runner';

const ACCOUNT = '111111111111';

describe('parsePipelineEvent', () => {
  it.each([
    [{ action: 'advance', accountId: ACCOUNT }],
    [{ action: 'advance', accountId: ACCOUNT, teardownId: 't1', worker: 'browser' }],
    [{ action: 'sweep' }],
    [
      {
        action: 'resume',
        accountId: ACCOUNT,
        signal: { name: 'approval', actor: 'U1', payload: { decision: 'deny' } },
      },
    ],
    [
      {
        action: 'resume',
        accountId: ACCOUNT,
        signal: { name: 'human', actor: 'U1', payload: { choice: 'retry' } },
      },
    ],
    [
      {
        action: 'resume',
        accountId: ACCOUNT,
        signal: {
          name: 'reset-link',
          actor: 'mail',
          payload: { link: 'https://signin.aws.amazon.com/resetpassword?token=x' },
        },
      },
    ],
    [
      {
        action: 'resume',
        accountId: ACCOUNT,
        signal: { name: 'phone-code', actor: 'phone', payload: { code: '4821', line: '+15550100' } },
      },
    ],
  ])('accepts %j as it is', (event) => {
    expect(parsePipelineEvent(event)).toEqual({ ok: true, event });
  });

  it.each([
    ['no action', {}, 'action'],
    ['an unknown action', { action: 'explode' }, 'action'],
    ['a short account id', { action: 'advance', accountId: '12345' }, 'an account id is 12 digits'],
    ['an unknown worker', { action: 'advance', accountId: ACCOUNT, worker: 'mainframe' }, 'worker'],
    [
      'an unknown signal',
      { action: 'resume', accountId: ACCOUNT, signal: { name: 'telepathy', actor: 'U1', payload: {} } },
      'signal.name',
    ],
    [
      'an approval without a decision',
      { action: 'resume', accountId: ACCOUNT, signal: { name: 'approval', actor: 'U1', payload: {} } },
      'decision',
    ],
    [
      'a reset link over plain http',
      {
        action: 'resume',
        accountId: ACCOUNT,
        signal: { name: 'reset-link', actor: 'mail', payload: { link: 'http://signin.aws.amazon.com/x' } },
      },
      'link',
    ],
    [
      'a code with spaces inside',
      {
        action: 'resume',
        accountId: ACCOUNT,
        signal: { name: 'sign-in-code', actor: 'mail', payload: { code: '12 34' } },
      },
      'a code is 4 to 12 letters or digits',
    ],
    ['a notice without its teardown', { action: 'notify', notice: { event: {} } }, 'notice.teardown'],
    ['not an object', 'advance 111111111111', 'expected object'],
  ])('refuses %s, saying why', (_what, event, reason) => {
    const parsed = parsePipelineEvent(event);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });
});

describe('the retention timer event', () => {
  const event = { action: 'forget-root-credentials', accountId: '111111111111', teardownId: 't-1' };
  const logger = createLogger('unit', { logLevel: 'ERROR' });
  const notifier = { notify: async () => {} };
  const runner = {} as Runner;

  it('is checked like every event: an account id of 12 digits and a teardown id', () => {
    expect(parsePipelineEvent(event)).toEqual({ ok: true, event });
    expect(parsePipelineEvent({ ...event, teardownId: undefined }).ok).toBe(false);
  });

  it('deletes the credentials where the function can, and is dropped, saying so, where it cannot', async () => {
    const forgotten: unknown[] = [];
    const result = await handlePipelineEvent(runner, event, logger, notifier, {
      forgetRootCredentials: async (item) => {
        forgotten.push(item);
        return { forgotten: true };
      },
    });
    expect(result).toEqual({ forgotten: true });
    expect(forgotten).toEqual([{ accountId: '111111111111', teardownId: 't-1' }]);
    expect(await handlePipelineEvent(runner, event, logger, notifier)).toEqual({ error: 'not handled here' });
  });
});
