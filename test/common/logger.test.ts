import { describe, expect, it } from 'vitest';
import { createLogger, redactingReplacer } from '../../src/common/logger';
import { REDACTED } from '../../src/common/redact';
import { captureOutput } from './capture-output';

const RESET_LINK = 'https://signin.aws.amazon.com/resetpassword?type=RESET&token=AYADeJx1c3Bf-Q2F0Y2hNZQ';
const BOT_TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp';
const SECRETS = ['hunter2', 'AYADeJx1c3Bf', BOT_TOKEN, '4111111111111111', '4111 1111 1111 1111', 'sess=abc'];

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('createLogger', () => {
  it('prints one JSON line with level, message, service and the extra fields', () => {
    const out = captureOutput(() =>
      createLogger('teardown-test').info('step finished', { accountId: '123456789012', step: 'preflight' }),
    );
    expect(out.json).toHaveLength(1);
    expect(out.json[0]).toMatchObject({
      level: 'INFO',
      message: 'step finished',
      service: 'teardown-test',
      accountId: '123456789012',
      step: 'preflight',
    });
    expect(out.json[0]?.timestamp).toEqual(expect.any(String));
  });

  it('masks secret-named fields, at any depth, but keeps the others', () => {
    const out = captureOutput(() =>
      createLogger('x').info('signing in', {
        accountId: '123456789012',
        rootPassword: 'hunter2',
        request: { headers: { 'x-slack-signature': 'v0=hunter2', cookie: 'sess=abc' } },
        card: { cardNumber: '4111111111111111', cvv: '123' },
        pin: '4711',
        resetLink: RESET_LINK,
        botToken: BOT_TOKEN,
        secret: { SecretString: 'hunter2' },
      }),
    );
    expectNoSecret(out.text);
    expect(out.text).not.toContain('4711');
    expect(out.json[0]).toMatchObject({
      accountId: '123456789012',
      rootPassword: REDACTED,
      request: { headers: { 'x-slack-signature': REDACTED, cookie: REDACTED } },
      card: REDACTED,
      pin: REDACTED,
      resetLink: REDACTED,
      botToken: REDACTED,
      secret: REDACTED,
    });
  });

  it('scrubs secrets out of the message and other free text', () => {
    const out = captureOutput(() =>
      createLogger('x').info(`opening ${RESET_LINK} with password=hunter2`, {
        note: `paid with 4111 1111 1111 1111, token ${BOT_TOKEN}`,
        lines: ['Cookie: sess=abc; other=1', 'account 123456789012 at 1700000000000'],
      }),
    );
    expectNoSecret(out.text);
    expect(out.json[0]).toMatchObject({
      message: `opening [REDACTED-LINK] with password=${REDACTED}`,
      note: 'paid with [REDACTED-CARD], token [REDACTED-TOKEN]',
      lines: [`Cookie: ${REDACTED}`, 'account 123456789012 at 1700000000000'],
    });
  });

  it('scrubs an error’s message, stack and cause when an error is logged', () => {
    const cause = new Error(`browser said: set-cookie: sess=abc; token ${BOT_TOKEN}`);
    const error = new Error(`set-password failed with password=hunter2 on ${RESET_LINK}`, { cause });
    const out = captureOutput(() => createLogger('x').error('step failed', error));

    expectNoSecret(out.text);
    expect(out.json).toHaveLength(1);
    const line = out.json[0] as { level: string; error: Record<string, unknown> };
    expect(line.level).toBe('ERROR');
    expect(line.error).toMatchObject({
      name: 'Error',
      message: `set-password failed with password=${REDACTED} on [REDACTED-LINK]`,
      stack: expect.stringContaining(`password=${REDACTED}`),
      cause: { message: `browser said: set-cookie: ${REDACTED}` },
    });
  });

  it('scrubs an error passed inside the extra fields', () => {
    const out = captureOutput(() =>
      createLogger('x').warn('notifier failed', {
        accountId: '123456789012',
        error: new Error(`POST failed: ${BOT_TOKEN}`),
      }),
    );
    expectNoSecret(out.text);
    expect(out.json[0]).toMatchObject({
      level: 'WARN',
      accountId: '123456789012',
      error: { message: 'POST failed: [REDACTED-TOKEN]' },
    });
  });

  it('masks secrets in keys appended for every later line', () => {
    const logger = createLogger('x');
    logger.appendKeys({ sessionToken: 'hunter2', teardownId: 't-1' });
    const out = captureOutput(() => logger.info('hello'));
    expectNoSecret(out.text);
    expect(out.json[0]).toMatchObject({ sessionToken: REDACTED, teardownId: 't-1' });
  });

  it('prints nothing below the chosen level', () => {
    const out = captureOutput(() => {
      const logger = createLogger('x', { logLevel: 'WARN' });
      logger.info('not shown');
      logger.warn('shown');
    });
    expect(out.json.map((line) => line.message)).toEqual(['shown']);
  });
});

describe('redactingReplacer', () => {
  it('masks a secret key, scrubs strings and passes everything else through', () => {
    expect(redactingReplacer('password', 'hunter2')).toBe(REDACTED);
    expect(redactingReplacer('note', `token ${BOT_TOKEN}`)).toBe('token [REDACTED-TOKEN]');
    expect(redactingReplacer('count', 3)).toBe(3);
    expect(redactingReplacer('password', '')).toBe('');
  });

  it('does not mask the whole document (the root key is empty)', () => {
    const root = { a: 1 };
    expect(redactingReplacer('', root)).toBe(root);
  });

  it('makes JSON.stringify safe on its own', () => {
    const text = JSON.stringify(
      { user: 'root', rootPassword: 'hunter2', err: new Error(`link ${RESET_LINK}`) },
      redactingReplacer,
    );
    expectNoSecret(text);
    expect(JSON.parse(text)).toMatchObject({
      user: 'root',
      rootPassword: REDACTED,
      err: { message: 'link [REDACTED-LINK]' },
    });
  });
});
