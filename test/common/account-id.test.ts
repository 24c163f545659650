import { describe, expect, it } from 'vitest';
import { isAccountId, parseAccountId } from '../../src/common/account-id';
import { InvalidAccountIdError } from '../../src/common/errors';

function rejection(input: unknown): InvalidAccountIdError {
  try {
    parseAccountId(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidAccountIdError);
    return error as InvalidAccountIdError;
  }
  throw new Error(`parseAccountId(${JSON.stringify(input)}) was accepted`);
}

describe('parseAccountId', () => {
  it('accepts exactly 12 digits', () => {
    expect(parseAccountId('123456789012')).toBe('123456789012');
  });

  it('keeps leading zeros, which are part of the id', () => {
    expect(parseAccountId('000000000042')).toBe('000000000042');
    expect(parseAccountId('012345678901')).toBe('012345678901');
  });

  it('trims whitespace around a pasted id', () => {
    expect(parseAccountId('  123456789012\n')).toBe('123456789012');
    expect(parseAccountId('\t012345678901 ')).toBe('012345678901');
  });

  it('tells how many digits a too short id has, and to keep leading zeros', () => {
    const error = rejection('12345678901');
    expect(error.message).toBe(
      '"12345678901" has 11 digits; an AWS account id has exactly 12 (keep leading zeros).',
    );
    expect(error.code).toBe('INVALID_ACCOUNT_ID');
  });

  it('tells how many digits a too long id has', () => {
    expect(rejection('1234567890123').message).toBe(
      '"1234567890123" has 13 digits; an AWS account id has exactly 12 (keep leading zeros).',
    );
  });

  it('shows the trimmed value in the message', () => {
    expect(rejection('  42  ').message).toBe(
      '"42" has 2 digits; an AWS account id has exactly 12 (keep leading zeros).',
    );
  });

  it.each([
    ['letters', '12345678901a'],
    ['an ARN', 'arn:aws:iam::123456789012:root'],
    ['dashes', '1234-5678-9012'],
    ['inner spaces', '1234 5678 9012'],
    ['a sign', '-12345678901'],
    ['a decimal point', '12345678901.0'],
  ])('rejects %s as not an account id, quoting what was typed', (_kind, input) => {
    expect(rejection(input).message).toBe(
      `"${input}" is not an AWS account id: use exactly 12 digits, e.g. 012345678901.`,
    );
  });

  it('shortens a long bad value to 40 characters in the message', () => {
    const input = `arn:aws:organizations::123456789012:account/o-abcdefghij/123456789012`;
    expect(rejection(input).message).toBe(
      `"${input.slice(0, 40)}…" is not an AWS account id: use exactly 12 digits, e.g. 012345678901.`,
    );
  });

  it.each([
    ['an empty string', ''],
    ['only whitespace', '   '],
    ['undefined', undefined],
    ['null', null],
    ['a number', 123456789012],
    ['an object', { accountId: '123456789012' }],
  ])('asks for an account id when given %s', (_kind, input) => {
    expect(rejection(input).message).toBe('An account id is required: 12 digits, e.g. 012345678901.');
  });
});

describe('isAccountId', () => {
  it('recognises exactly 12 digits only', () => {
    expect(isAccountId('012345678901')).toBe(true);
    expect(isAccountId('12345678901')).toBe(false);
    expect(isAccountId('1234567890123')).toBe(false);
    expect(isAccountId(' 123456789012')).toBe(false);
    expect(isAccountId('12345678901a')).toBe(false);
    expect(isAccountId(123456789012)).toBe(false);
    expect(isAccountId(undefined)).toBe(false);
  });
});
