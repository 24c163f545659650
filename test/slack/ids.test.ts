import { describe, expect, it } from 'vitest';
import type { AccountId } from '../../src/common/account-id';
import {
  type CaptchaMeta,
  decodeCaptchaMeta,
  decodeChallengeRef,
  decodeRef,
  encodeCaptchaMeta,
  encodeChallengeRef,
  encodeRef,
} from '../../src/slack/ids';

const accountId = '012345678901' as AccountId;

describe('button values', () => {
  it('round-trips a challenge ref, whatever characters its ids hold', () => {
    for (const challengeId of ['ch-1', '0b9f3c1e-7d2a-4c55-9a8e-5e1f2d3c4b5a', 'a:b c/d%']) {
      const ref = { accountId, teardownId: 'mbk2x-1a2b3c4d', challengeId };
      expect(decodeChallengeRef(encodeChallengeRef(ref))).toEqual(ref);
    }
  });

  it('never takes a challenge ref for a wait ref, nor the other way round', () => {
    const challenge = encodeChallengeRef({ accountId, teardownId: 't-1', challengeId: '5' });
    expect(decodeRef(challenge)).toBeUndefined();
    expect(decodeChallengeRef(encodeRef({ accountId, teardownId: 't-1', version: 5 }))).toBeUndefined();
    expect(decodeChallengeRef(encodeRef({ accountId, teardownId: 't-1' }))).toBeUndefined();
  });

  it('rejects damaged challenge refs', () => {
    for (const value of [
      undefined,
      42,
      '',
      'c',
      'c:012345678901',
      'c:012345678901:t-1',
      'c:012345678901:t-1:',
      'c:012345678901::ch-1',
      'c:12345:t-1:ch-1',
      'x:012345678901:t-1:ch-1',
      'c:012345678901:t-1:ch-1:extra',
      'c:012345678901:t-1:%E0%A4%A',
      `c:012345678901:t-1:${'a'.repeat(2000)}`,
    ]) {
      expect(decodeChallengeRef(value)).toBeUndefined();
    }
  });

  it('refuses to make a value longer than Slack takes', () => {
    expect(() => encodeChallengeRef({ accountId, teardownId: 't-1', challengeId: 'a'.repeat(1990) })).toThrow(
      RangeError,
    );
  });
});

describe('the CAPTCHA modal metadata', () => {
  const place = { channel: 'C1', promptTs: '2.000001' };

  it('round-trips a pipeline wait and a challenge', () => {
    const wait: CaptchaMeta = { accountId, teardownId: 't-1', version: 5, ...place };
    const challenge: CaptchaMeta = { accountId, teardownId: 't-1', challengeId: 'ch-1', ...place };
    expect(decodeCaptchaMeta(encodeCaptchaMeta(wait))).toEqual(wait);
    expect(decodeCaptchaMeta(encodeCaptchaMeta(challenge))).toEqual(challenge);
  });

  it('rejects metadata naming both a wait and a challenge, neither, or damaged fields', () => {
    const base = { accountId, teardownId: 't-1', ...place };
    for (const meta of [
      { ...base, version: 5, challengeId: 'ch-1' },
      base,
      { ...base, version: 0 },
      { ...base, version: '5' },
      { ...base, challengeId: '' },
      { ...base, challengeId: 7 },
      { ...base, challengeId: 'ch-1', accountId: '1234' },
      { ...base, challengeId: 'ch-1', teardownId: '' },
      { ...base, challengeId: 'ch-1', promptTs: undefined },
      { ...base, version: 5, channel: 3 },
    ]) {
      expect(decodeCaptchaMeta(JSON.stringify(meta))).toBeUndefined();
    }
    for (const text of ['', 'null', '[]', '"text"', '{']) expect(decodeCaptchaMeta(text)).toBeUndefined();
  });
});
