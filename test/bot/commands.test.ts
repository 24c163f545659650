import { describe, expect, it } from 'vitest';
import { MAX_REASON_LENGTH, parseCommand } from '../../src/bot/commands';

const ID = '012345678901';
const ok = (text: string) => {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.error}`);
  return result.command;
};
const error = (text: string) => {
  const result = parseCommand(text);
  if (result.ok) throw new Error(`expected ${text} to be refused`);
  return result.error;
};
const DELETE_USAGE = 'Usage: `/sandbox delete <account-id> [--remove] [--dry-run] [reason…]`';

describe('parseCommand', () => {
  it('reads delete with its options and the reason, keeping leading zeros', () => {
    expect(ok(`delete ${ID}`)).toEqual({ kind: 'delete', accountId: ID, remove: false, dryRun: false });
    expect(ok(`delete ${ID} --remove the sprint   demo is over`)).toEqual({
      kind: 'delete',
      accountId: ID,
      remove: true,
      dryRun: false,
      reason: 'the sprint demo is over',
    });
    expect(ok(`  DELETE ${ID} --dry-run --remove`)).toMatchObject({ remove: true, dryRun: true });
    // Slack escapes <, > and & in command text.
    expect(ok(`delete ${ID} R&amp;D &lt;done&gt;`)).toMatchObject({ reason: 'R&D <done>' });
  });

  it('reads status, cancel, list and help, and shows help for an empty command', () => {
    expect(ok(`status ${ID}`)).toEqual({ kind: 'status', accountId: ID });
    expect(ok(`cancel ${ID}`)).toEqual({ kind: 'cancel', accountId: ID });
    expect(ok('list')).toEqual({ kind: 'list' });
    expect(ok('help')).toEqual({ kind: 'help' });
    expect(ok('   ')).toEqual({ kind: 'help' });
  });

  it('says exactly what is wrong with an account id and shows the right form', () => {
    expect(error('delete')).toBe(`\`/sandbox delete\` needs an account id.\n${DELETE_USAGE}`);
    expect(error('delete 12345')).toBe(
      `"12345" has 5 digits; an AWS account id has exactly 12 (keep leading zeros).\n${DELETE_USAGE}`,
    );
    expect(error('delete 1234-5678-9012')).toBe(
      `"1234-5678-9012" is not an AWS account id: use exactly 12 digits, e.g. 012345678901.\n${DELETE_USAGE}`,
    );
    expect(error('status')).toBe(
      '`/sandbox status` needs an account id.\nUsage: `/sandbox status <account-id>`',
    );
  });

  it('refuses unknown, repeated and dash-mangled options', () => {
    expect(error(`delete ${ID} --force`)).toBe(
      `Unknown option \`--force\`; the options are --remove and --dry-run.\n${DELETE_USAGE}`,
    );
    expect(error(`delete ${ID} --remove --remove`)).toBe(`\`--remove\` is given twice.\n${DELETE_USAGE}`);
    expect(error(`delete ${ID} —remove`)).toBe(
      `Unknown option \`—remove\`: options start with two hyphens, e.g. \`--remove\`.\n${DELETE_USAGE}`,
    );
  });

  it('refuses stray arguments and a reason that is too long', () => {
    expect(error(`status ${ID} now`)).toBe(
      '`/sandbox status` takes only the account id; remove `now`.\nUsage: `/sandbox status <account-id>`',
    );
    expect(error(`cancel ${ID} ${ID}`)).toContain('`/sandbox cancel` takes only the account id');
    expect(error('list all')).toBe(
      '`/sandbox list` takes no arguments; remove `all`.\nUsage: `/sandbox list`',
    );
    const long = 'x'.repeat(MAX_REASON_LENGTH + 1);
    expect(error(`delete ${ID} ${long}`)).toBe(
      `The reason is too long (${MAX_REASON_LENGTH + 1} characters; at most ${MAX_REASON_LENGTH}).\n${DELETE_USAGE}`,
    );
  });

  it('names an unknown command and lists every form, with a hint for a bare account id', () => {
    const unknown = error('remove 123');
    expect(unknown).toMatch(/^Unknown command `remove`\.\nUsage, one of: `\/sandbox delete <account-id>/);
    expect(unknown).toContain('`/sandbox list`');
    expect(error(ID)).toContain(`Did you mean \`/sandbox delete ${ID}\`?`);
  });
});
