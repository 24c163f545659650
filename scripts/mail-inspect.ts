// The operator's answer to "why was this mail ignored?": classifies raw messages offline with the mail Lambda's own
// classifier and settings, and prints one JSON line per file. Links and codes appear only as SHA-256 hashes.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../src/common/errors';
import { classifyMail, loadMailSettings, type MailVerdict, normaliseAddress } from '../src/mail/classify';

const USAGE = `Usage: npm run -s mail:inspect -- [--recipients ADDRESS[,ADDRESS...]] FILE...

Classifies each raw message FILE (as SES stores it) with the mail Lambda's classifier and prints one JSON line per
file, in the order given:
  {"file", "verdict", "reason", "recipient", "linkSha256", "codeSha256"}
  verdict     reset-link | sign-in-code | other | rejected
  reason      only for other and rejected
  recipient   without --recipients: the mail's first recipient (To, Cc, Delivered-To, then the SES envelope
              recipient; lower-case, +tag removed); absent when the mail names none.
              with --recipients: the first of the mail's recipients, in that order, that is in the list (the
              list is normalised the same way). If none is, a mail the classifier did not reject becomes
              verdict "rejected" with reason "no teardown waits for this address" and no recipient; a mail
              the classifier rejected keeps its own reason.
  linkSha256  SHA-256 (hex) of the reset link, only for verdict reset-link
  codeSha256  SHA-256 (hex) of the sign-in code, only for verdict sign-in-code
The link and the code themselves are never printed.

Trusted senders, the SES verdict requirement and the size limit come from MAIL_TRUSTED_SENDERS,
MAIL_REQUIRE_VERDICTS and MAIL_MAX_BYTES, as for the Lambda.

Exit status: 0 when every file was read, 1 when a file could not be read (it still gets a line, verdict
"rejected", reason "file unreadable: <error code>"), 2 for bad arguments or settings (nothing classified).`;

const NO_TEARDOWN = 'no teardown waits for this address';

interface Arguments {
  files: string[];
  recipients: string[] | undefined;
}

class UsageError extends Error {}

function parseArguments(argv: string[]): Arguments | 'help' {
  const files: string[] = [];
  let recipients: string[] | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    if (arg === '--') {
      files.push(...argv.slice(index + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--recipients' || arg.startsWith('--recipients=')) {
      const value = arg === '--recipients' ? argv[++index] : arg.slice('--recipients='.length);
      if (value === undefined || value.trim() === '')
        throw new UsageError('--recipients needs a list of addresses');
      recipients = [...(recipients ?? []), ...value.split(',').map((item) => item.trim())].filter(Boolean);
      const bad = recipients.find((address) => normaliseAddress(address) === undefined);
      if (bad !== undefined) throw new UsageError(`--recipients: "${bad}" is not an email address`);
      continue;
    }
    if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    files.push(arg);
  }
  if (files.length === 0) throw new UsageError('no FILE given');
  return { files, recipients: recipients?.map((address) => normaliseAddress(address) as string) };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The printed line: secrets hashed, fields in a fixed order, absent ones left out. */
function lineFor(file: string, mail: MailVerdict, wanted: string[] | undefined): Record<string, string> {
  const recipient = wanted ? mail.recipients.find((address) => wanted.includes(address)) : mail.recipients[0];
  if (wanted && recipient === undefined && mail.verdict !== 'rejected')
    return { file, verdict: 'rejected', reason: NO_TEARDOWN };
  const line: Record<string, string> = { file, verdict: mail.verdict };
  if (mail.verdict === 'other' || mail.verdict === 'rejected') line.reason = mail.reason;
  if (recipient !== undefined) line.recipient = recipient;
  if (mail.verdict === 'reset-link') line.linkSha256 = sha256(mail.link);
  if (mail.verdict === 'sign-in-code') line.codeSha256 = sha256(mail.code);
  return line;
}

async function main(argv: string[]): Promise<number> {
  let args: Arguments | 'help';
  let settings: ReturnType<typeof loadMailSettings>;
  try {
    args = parseArguments(argv);
    settings = loadMailSettings(process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`mail:inspect: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      console.error(`mail:inspect: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  let unreadable = false;
  for (const file of args.files) {
    let raw: Buffer;
    try {
      raw = await readFile(file);
    } catch (error) {
      unreadable = true;
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      console.log(JSON.stringify({ file, verdict: 'rejected', reason: `file unreadable: ${code}` }));
      continue;
    }
    console.log(JSON.stringify(lineFor(file, await classifyMail(raw, settings), args.recipients)));
  }
  return unreadable ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
