// How many browser steps of the local stack's one Chromium work at once (BROWSER_TURNS).
import { cpus } from 'node:os';
import { expect, it } from 'vitest';
import { browserTurnsOf, startLocalStack } from '../../src/local/stack';

it('gives four turns per core unless BROWSER_TURNS says otherwise', () => {
  expect(browserTurnsOf({})).toBe(4 * cpus().length);
  expect(browserTurnsOf({ BROWSER_TURNS: ' 3 ' })).toBe(3);
});

it('refuses a BROWSER_TURNS that is not a whole number from 1 to 1000, naming it', () => {
  for (const bad of ['0', '-2', '2.5', 'many', '1001'])
    expect(() => browserTurnsOf({ BROWSER_TURNS: bad })).toThrow(`BROWSER_TURNS="${bad}"`);
});

it('stops the local stack from starting at all with a bad BROWSER_TURNS', async () => {
  // Checked before moto or anything else starts: the call fails at once, naming the variable.
  await expect(
    startLocalStack({ port: 0, smtpPort: 0, env: { ...process.env, BROWSER_TURNS: 'eight' } }),
  ).rejects.toThrow('BROWSER_TURNS="eight"');
});
