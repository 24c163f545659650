import { describe, expect, it } from 'vitest';
import { maskEmail } from '../../../src/slack/render/mrkdwn';

describe('maskEmail', () => {
  it('keeps enough to recognise the account and hides the rest', () => {
    expect(maskEmail('sandbox-alice@sandboxes.example.com')).toBe('s***-alice@sandboxes.example.com');
    expect(maskEmail('alice@example.com')).toBe('a***e@example.com');
    expect(maskEmail('al@example.com')).toBe('a***@example.com');
    expect(maskEmail('nonsense')).toBe('***');
  });
});
