// Tests scripts/mail-inspect.ts as an operator runs it: a child process on corpus files, one JSON line per file.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyMail, loadMailSettings } from '../../src/mail/classify';
import { type CommandResult, runCommand } from '../support/run-command';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CORPUS = 'test/mail/corpus';
const ROOT = 'aws-root-sbx-0417@sandbox-mail.example.test';

type Run = CommandResult;

/** Runs the tool from the repository root, with no MAIL_* setting but those given. */
function inspect(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MAIL_')));
  return runCommand(join(root, 'node_modules/.bin/tsx'), ['scripts/mail-inspect.ts', ...args], {
    cwd: root,
    env: { ...base, ...env },
  });
}

function lines(run: Run): Array<Record<string, string>> {
  return run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const corpusFile = (name: string) => `${CORPUS}/${name}.eml`;

describe('mail:inspect', () => {
  it('prints for every corpus file what the classifier decides, with secrets only as hashes', async () => {
    const files = (await readdir(join(root, CORPUS)))
      .filter((file) => file.endsWith('.eml'))
      .sort()
      .map((file) => `${CORPUS}/${file}`);
    const run = await inspect(files);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');

    const settings = loadMailSettings({});
    const secrets: string[] = [];
    const expected = [];
    for (const file of files) {
      const mail = await classifyMail(await readFile(join(root, file)), settings);
      const line: Record<string, string> = { file, verdict: mail.verdict };
      if (mail.verdict === 'other' || mail.verdict === 'rejected') line.reason = mail.reason;
      if (mail.recipients[0]) line.recipient = mail.recipients[0];
      if (mail.verdict === 'reset-link') {
        line.linkSha256 = sha256(mail.link);
        secrets.push(mail.link, new URL(mail.link).searchParams.get('token') ?? '');
      }
      if (mail.verdict === 'sign-in-code') {
        line.codeSha256 = sha256(mail.code);
        secrets.push(mail.code);
      }
      expected.push(line);
    }
    // Key order too: the lines are read by people and by jq alike.
    expect(run.stdout).toBe(`${expected.map((line) => JSON.stringify(line)).join('\n')}\n`);
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(run.stdout).not.toContain(secret);
    expect(run.stdout).not.toContain('AYADe');
  });

  it('hashes exactly the link and the code', async () => {
    const run = await inspect([corpusFile('reset-multipart-qp'), corpusFile('code-multipart-qp')]);
    expect(lines(run)).toEqual([
      {
        file: corpusFile('reset-multipart-qp'),
        verdict: 'reset-link',
        recipient: ROOT,
        linkSha256: sha256(
          'https://signin.aws.amazon.com/resetpassword?type=RootUser&token=AYADeHEEys6AoK8gJOEfwN1_ki_r6-9DZ6tzdAOzXMdTw6HfSSzKQ6FcdHO5Dl_Xt8vZ44X4VelRpqfB8EqFaMtIpfQNTBb7uTkmjlngomKW2',
        ),
      },
      {
        file: corpusFile('code-multipart-qp'),
        verdict: 'sign-in-code',
        recipient: ROOT,
        codeSha256: sha256('508213'),
      },
    ]);
  });

  it('with --recipients, names the first recipient of the mail that is listed, and nobody waits for the others', async () => {
    const cc = corpusFile('reset-encoded-subject-subaddressed');
    const first = await inspect([
      '--recipients',
      'other@example.test,AWS-Root-SBX-0417@Sandbox-Mail.Example.TEST',
      cc,
    ]);
    expect(lines(first)).toEqual([expect.objectContaining({ verdict: 'reset-link', recipient: ROOT })]);
    // Sub-addressed and upper-case on the command line: normalised as the mail's recipients are.
    const tagged = await inspect([
      '--recipients=someone@example.test,AWS-Root-SBX-0417+teardown@Sandbox-Mail.Example.test',
      cc,
      corpusFile('other-billing-statement-pdf'),
    ]);
    expect(lines(tagged)).toEqual([
      expect.objectContaining({ verdict: 'reset-link', recipient: ROOT }),
      {
        file: corpusFile('other-billing-statement-pdf'),
        verdict: 'other',
        reason: 'not a reset or code mail',
        recipient: ROOT,
      },
    ]);

    const nobody = await inspect([
      '--recipients',
      'someone@example.test',
      cc,
      corpusFile('code-multipart-qp'),
      corpusFile('other-welcome-promotional'),
      corpusFile('reject-spam-fail'),
    ]);
    expect(nobody.code).toBe(0);
    expect(lines(nobody)).toEqual([
      { file: cc, verdict: 'rejected', reason: 'no teardown waits for this address' },
      {
        file: corpusFile('code-multipart-qp'),
        verdict: 'rejected',
        reason: 'no teardown waits for this address',
      },
      {
        file: corpusFile('other-welcome-promotional'),
        verdict: 'rejected',
        reason: 'no teardown waits for this address',
      },
      // The classifier's own rejection comes first.
      { file: corpusFile('reject-spam-fail'), verdict: 'rejected', reason: 'spam verdict FAIL' },
    ]);
  });

  it('answers an unreadable file with a line of its own, goes on, and exits 1', async () => {
    const run = await inspect([corpusFile('no-such-mail'), CORPUS, corpusFile('code-multipart-qp')]);
    expect(run.code).toBe(1);
    expect(lines(run)).toEqual([
      { file: corpusFile('no-such-mail'), verdict: 'rejected', reason: 'file unreadable: ENOENT' },
      { file: CORPUS, verdict: 'rejected', reason: 'file unreadable: EISDIR' },
      expect.objectContaining({ file: corpusFile('code-multipart-qp'), verdict: 'sign-in-code' }),
    ]);
  });

  it('takes trusted senders and the verdict requirement from the Lambda settings', async () => {
    const others = await inspect([corpusFile('reset-multipart-qp')], {
      MAIL_TRUSTED_SENDERS: 'aws-verification@amazon.com',
    });
    expect(lines(others)).toEqual([
      expect.objectContaining({ verdict: 'rejected', reason: 'sender not trusted: no-reply@signin.aws' }),
    ]);
    const local = await inspect([corpusFile('reject-no-verdicts')], { MAIL_REQUIRE_VERDICTS: 'false' });
    expect(lines(local)).toEqual([expect.objectContaining({ verdict: 'reset-link' })]);

    const bad = await inspect([corpusFile('reset-multipart-qp')], { MAIL_MAX_BYTES: 'lots' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('MAIL_MAX_BYTES');
  });

  it.each([
    ['no file', []],
    ['an unknown option', ['--verbose', corpusFile('reset-multipart-qp')]],
    ['--recipients without a list', [corpusFile('reset-multipart-qp'), '--recipients']],
    [
      'a recipient that is not an address',
      ['--recipients', 'root-at-example', corpusFile('reset-multipart-qp')],
    ],
  ])('refuses %s with the usage on stderr and exit 2', async (_, args) => {
    const run = await inspect(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: npm run -s mail:inspect -- [--recipients');
    expect(run.stderr).toContain('no teardown waits for this address');
  });

  it('prints the usage on stdout for --help', async () => {
    const run = await inspect(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('linkSha256');
  });
});
