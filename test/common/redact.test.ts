import { describe, expect, it } from 'vitest';
import { isSecretKey, REDACTED, redactSecrets, redactText } from '../../src/common/redact';

const RESET_LINK =
  'https://signin.aws.amazon.com/resetpassword?type=RESET&token=AYADeJx1c3Bf-Q2F0Y2hNZQ.abc_DEF~123';
const BOT_TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';
const CARD = '4111111111111111'; // Luhn-valid test Visa
const SECRETS = ['hunter2', 'AYADeJx1c3Bf', BOT_TOKEN, CARD, '4111 1111 1111 1111', 'sess=abc123'];

function expectNoSecret(output: unknown): void {
  const text = JSON.stringify(output);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('isSecretKey', () => {
  it.each([
    'password',
    'Password',
    'rootPassword',
    'root_password',
    'passwd',
    'x-slack-signature',
    'cookie',
    'Set-Cookie',
    'cookies',
    'authorization',
    'cardNumber',
    'card',
    'cvv',
    'cvc',
    'pin',
    'PIN',
    'resetLink',
    'resetUrl',
    'botToken',
    'SLACK_BOT_TOKEN',
    'sessionToken',
    'SecretString',
    'secretAccessKey',
    'signingSecret',
    'storageState',
  ])('treats %s as secret', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each([
    'accountId',
    'email',
    'name',
    'step',
    'message',
    'requester',
    'phoneNumber',
    'shipping',
    'timestamp',
  ])('leaves %s readable', (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
});

describe('redactText', () => {
  it('hides an AWS password reset link in a sentence, keeping the words around it', () => {
    expect(redactText(`Opening ${RESET_LINK} in the browser`)).toBe('Opening [REDACTED-LINK] in the browser');
  });

  it('hides any link that carries a token in its query', () => {
    const out = redactText('see https://example.com/cb?state=1&token=s3cr3t and https://example.com/ok');
    expect(out).toBe('see [REDACTED-LINK] and https://example.com/ok');
  });

  it('hides Slack tokens', () => {
    expect(redactText(`auth with ${BOT_TOKEN} failed`)).toBe('auth with [REDACTED-TOKEN] failed');
    expect(redactText('user token xoxp-1-2-3-abc')).toBe('user token [REDACTED-TOKEN]');
  });

  it('hides the value of a Cookie header up to the end of its line', () => {
    expect(redactText('GET /console\nCookie: aws-userInfo=x; sess=abc123\nAccept: */*')).toBe(
      `GET /console\nCookie: ${REDACTED}\nAccept: */*`,
    );
    expect(redactText('set-cookie: sess=abc123; HttpOnly')).toBe(`set-cookie: ${REDACTED}`);
  });

  it.each([
    ['password=hunter2&user=root', `password=${REDACTED}&user=root`],
    ['Password: hunter2', `Password: ${REDACTED}`],
    ['password = "hunter 2", next', `password = ${REDACTED}, next`],
    ["passwd='hunter2'", `passwd=${REDACTED}`],
    ['pin=4711 then', `pin=${REDACTED} then`],
    ['PIN: 4711', `PIN: ${REDACTED}`],
    ['cvv=123;', `cvv=${REDACTED};`],
    ['secret: abc, token=def', `secret: ${REDACTED}, token=${REDACTED}`],
  ])('hides the value of a secret key=value pair: %s', (text, expected) => {
    expect(redactText(text)).toBe(expected);
  });

  it('hides the value of a pair whose key only ends in password (rootPassword=, new_password=)', () => {
    const out = redactText('CreateLoginProfile rootPassword=hunter2 new_password=hunter2');
    expect(out).not.toContain('hunter2');
  });

  it('hides a password that appears as JSON inside a message', () => {
    const out = redactText('request body was {"user":"root","password":"hunter2"}');
    expect(out).not.toContain('hunter2');
    expect(out).toContain('"user":"root"');
  });

  it.each([
    ['plain', '4111111111111111'],
    ['spaced', '4111 1111 1111 1111'],
    ['dashed', '4111-1111-1111-1111'],
    ['15-digit Amex', '378282246310005'],
    ['Mastercard', '5555 5555 5555 4444'],
  ])('hides a Luhn-valid card number, %s', (_kind, card) => {
    expect(redactText(`paid with ${card}.`)).toBe('paid with [REDACTED-CARD].');
  });

  it('leaves ordinary numbers alone: account ids, epoch-ms timestamps, Luhn-invalid 16 digits', () => {
    const text = 'account 123456789012 at 1700000000000 ref 4111111111111112 and 012345678901';
    expect(redactText(text)).toBe(text);
  });

  it('leaves text without secrets exactly as it was', () => {
    const text = 'Step close-via-api succeeded for 123456789012 (Sandbox / Team A) after 2 attempts.';
    expect(redactText(text)).toBe(text);
  });

  it('hides several kinds of secret in the same text', () => {
    const out = redactText(`link ${RESET_LINK} token ${BOT_TOKEN} card ${CARD} password=hunter2`);
    expect(out).toBe(`link [REDACTED-LINK] token [REDACTED-TOKEN] card [REDACTED-CARD] password=${REDACTED}`);
  });
});

describe('redactSecrets', () => {
  it.each([
    'password',
    'rootPassword',
    'x-slack-signature',
    'cookie',
    'cardNumber',
    'cvv',
    'pin',
    'resetLink',
    'botToken',
    'SecretString',
  ])('masks the value of a field named %s', (key) => {
    expect(redactSecrets({ [key]: 'hunter2', accountId: '123456789012' })).toEqual({
      [key]: REDACTED,
      accountId: '123456789012',
    });
  });

  it('masks secret fields whatever their value is (objects, arrays, numbers)', () => {
    expect(
      redactSecrets({ card: { number: CARD, cvc: '123' }, cookies: ['a=b'], pin: 4711, token: true }),
    ).toEqual({ card: REDACTED, cookies: REDACTED, pin: REDACTED, token: REDACTED });
  });

  it('leaves empty and missing secret fields as they are, so "no password set" stays visible', () => {
    expect(redactSecrets({ password: '', pin: null, token: undefined })).toEqual({
      password: '',
      pin: null,
      token: undefined,
    });
  });

  it('masks secrets deep inside nested objects and arrays', () => {
    const input = {
      teardown: {
        accountId: '123456789012',
        steps: [{ name: 'set-password', data: { rootPassword: 'hunter2' } }],
      },
      headers: [{ 'x-slack-signature': 'v0=abc' }, { Cookie: 'sess=abc123' }],
      notes: [`mail had ${RESET_LINK}`, 'fine'],
    };
    const out = redactSecrets(input);
    expect(out).toEqual({
      teardown: {
        accountId: '123456789012',
        steps: [{ name: 'set-password', data: { rootPassword: REDACTED } }],
      },
      headers: [{ 'x-slack-signature': REDACTED }, { Cookie: REDACTED }],
      notes: ['mail had [REDACTED-LINK]', 'fine'],
    });
    expectNoSecret(out);
  });

  it('scrubs free text in any string value', () => {
    expect(redactSecrets({ message: `card ${CARD} declined`, count: 3 })).toEqual({
      message: 'card [REDACTED-CARD] declined',
      count: 3,
    });
    expect(redactSecrets(`token ${BOT_TOKEN}`)).toBe('token [REDACTED-TOKEN]');
  });

  it('does not change the object it was given', () => {
    const input = { password: 'hunter2', nested: { text: 'password=hunter2' } };
    redactSecrets(input);
    expect(input).toEqual({ password: 'hunter2', nested: { text: 'password=hunter2' } });
  });

  it('scrubs an Error’s message, stack and cause chain, keeping its name and code', () => {
    const cause = Object.assign(new Error(`login failed for password=hunter2 at ${RESET_LINK}`), {
      code: 'ECONNRESET',
    });
    const error = new Error(`CAPTCHA token ${BOT_TOKEN} rejected`, { cause });
    error.name = 'CaptchaError';
    const out = redactSecrets(error) as Record<string, unknown>;

    expect(out.name).toBe('CaptchaError');
    expect(out.message).toBe('CAPTCHA token [REDACTED-TOKEN] rejected');
    expect(out.stack).toContain('CaptchaError: CAPTCHA token [REDACTED-TOKEN] rejected');
    expect(out.cause).toMatchObject({
      name: 'Error',
      message: `login failed for password=${REDACTED} at [REDACTED-LINK]`,
      code: 'ECONNRESET',
    });
    expect((out.cause as { stack: string }).stack).toContain('[REDACTED-LINK]');
    expectNoSecret(out);
  });

  it('scrubs an Error nested in an object and a cause that is plain text', () => {
    const out = redactSecrets({ error: new Error('wrapped', { cause: `cookie: sess=abc123` }) });
    expect(out).toMatchObject({ error: { message: 'wrapped', cause: `cookie: ${REDACTED}` } });
    expectNoSecret(out);
  });

  it('survives circular references', () => {
    const a: Record<string, unknown> = { name: 'a', password: 'hunter2' };
    a.self = a;
    expect(redactSecrets(a)).toEqual({ name: 'a', password: REDACTED, self: '[Circular]' });
  });

  it('shows binary data only by its size', () => {
    expect(redactSecrets({ png: new Uint8Array(2048), raw: Buffer.from('hunter2') })).toEqual({
      png: '[2048 bytes]',
      raw: '[7 bytes]',
    });
  });

  it('keeps dates, numbers, booleans and null as they are', () => {
    const when = new Date('2026-01-02T03:04:05Z');
    expect(redactSecrets({ when, n: 123456789012, ok: false, none: null })).toEqual({
      when,
      n: 123456789012,
      ok: false,
      none: null,
    });
  });
});
