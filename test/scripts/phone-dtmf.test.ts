// Tests scripts/phone-dtmf.ts as an operator runs it (`npm run -s phone:dtmf -- DIGITS OUT.wav`): the file it
// writes is what the contact flow plays, and a decoder hears the digits in it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { flowPlaybackWav } from '../../src/phone/dtmf';
import { runCommand } from '../support/run-command';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phone-dtmf-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Runs the npm script from the repository root. */
function phoneDtmf(args: string[]) {
  return runCommand('npm', ['run', '-s', 'phone:dtmf', '--', ...args], { cwd: root });
}

it('writes exactly what the flow plays for the digits; multimon-ng hears them', async () => {
  const out = join(dir, 'pin.wav');
  const result = await phoneDtmf(['30719', out]);
  expect(result.code).toBe(0);
  expect(await readFile(out)).toEqual(flowPlaybackWav('30719'));
  const { stdout } = await promisify(execFile)('multimon-ng', ['-q', '-a', 'DTMF', '-t', 'wav', out]);
  expect([...stdout.matchAll(/^DTMF: (\S)/gm)].map((m) => m[1]).join('')).toBe('30719');
  expect(result.stdout + result.stderr).not.toContain('30719');
});

it('refuses digits the flow cannot play with exit code 2, writing nothing and not echoing them', async () => {
  for (const bad of ['12a4', '123456789', '*21#']) {
    const out = join(dir, `bad-${bad.length}.wav`);
    const result = await phoneDtmf([bad, out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the contact flow plays 1 to 8 digits 0-9');
    expect(result.stderr).not.toContain(bad);
    expect(existsSync(out)).toBe(false);
  }
  const missing = await phoneDtmf(['1234']);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('Usage: npm run -s phone:dtmf -- DIGITS OUT.wav');
});
