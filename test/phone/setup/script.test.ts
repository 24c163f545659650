// Tests scripts/phone-setup.ts as an operator runs it: arguments and settings are checked before any AWS call.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../support/run-command';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function phoneSetup(args: string[], env: Record<string, string> = {}) {
  // No AWS credentials or endpoints: a call to AWS would fail loudly rather than reach anything.
  return runCommand(join(root, 'node_modules/.bin/tsx'), ['scripts/phone-setup.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
}

describe('npm run phone:setup', () => {
  it('names the missing settings and exits 2 without calling AWS', async () => {
    const { code, stdout, stderr } = await phoneSetup(['--dry-run']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('phone:setup: Invalid configuration:');
    for (const variable of ['PHONE_CONNECT_ALIAS', 'PHONE_LAMBDA_ARN', 'PHONE_AUDIO_BUCKET'])
      expect(stderr).toContain(variable);
  });

  it('refuses an unknown argument with the usage', async () => {
    const { code, stderr } = await phoneSetup(['--dryrun']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown argument --dryrun');
    expect(stderr).toContain('Usage: npm run phone:setup [-- --dry-run]');
  });

  it('explains itself with --help', async () => {
    const { code, stdout } = await phoneSetup(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--dry-run   read only: print what would be created or updated');
  });
});
