import { type AccountId, parseAccountId } from '../common/account-id';
import { InvalidAccountIdError } from '../common/errors';

/** The slash command as registered in infra/slack-manifest.yml. */
export const SLASH_COMMAND = '/sandbox';

export const USAGE = {
  delete: `${SLASH_COMMAND} delete <account-id> [--remove] [--dry-run] [reason…]`,
  status: `${SLASH_COMMAND} status <account-id>`,
  list: `${SLASH_COMMAND} list`,
  cancel: `${SLASH_COMMAND} cancel <account-id>`,
  help: `${SLASH_COMMAND} help`,
} as const;

export type Subcommand = keyof typeof USAGE;

export const MAX_REASON_LENGTH = 300;

export type Command =
  | { kind: 'delete'; accountId: AccountId; remove: boolean; dryRun: boolean; reason?: string }
  | { kind: 'status'; accountId: AccountId }
  | { kind: 'cancel'; accountId: AccountId }
  | { kind: 'list' }
  | { kind: 'help' };

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string };

const OPTIONS = { '--remove': 'remove', '--dry-run': 'dryRun' } as const;
type OptionFlag = keyof typeof OPTIONS;

function isOption(token: string): token is OptionFlag {
  return Object.hasOwn(OPTIONS, token);
}

// Slack sends command text HTML-escaped.
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function fail(problem: string, usage: string | readonly string[]): ParseResult {
  const forms = typeof usage === 'string' ? [usage] : usage;
  return {
    ok: false,
    error: `${problem}\n${forms.length === 1 ? 'Usage' : 'Usage, one of'}: ${forms.map((f) => `\`${f}\``).join(', ')}`,
  };
}

function accountIdFrom(
  token: string | undefined,
  sub: 'delete' | 'status' | 'cancel',
): AccountId | ParseResult {
  if (token === undefined) return fail(`\`${SLASH_COMMAND} ${sub}\` needs an account id.`, USAGE[sub]);
  try {
    return parseAccountId(token);
  } catch (error) {
    if (error instanceof InvalidAccountIdError) return fail(error.message, USAGE[sub]);
    throw error;
  }
}

/**
 * Parses the text after `/sandbox`. Strict: an unknown subcommand or option, a malformed account id or a stray
 * argument is an error whose text says what was wrong and shows the right form.
 */
export function parseCommand(rawText: string): ParseResult {
  const text = unescapeSlack(rawText).trim();
  // Slack turns nothing into ""; that means "show me what you can do".
  if (text === '') return { ok: true, command: { kind: 'help' } };
  const tokens = text.split(/\s+/u);
  const [word = '', ...args] = tokens;
  const sub = word.toLowerCase();

  switch (sub) {
    case 'delete': {
      const id = accountIdFrom(args[0], 'delete');
      if (typeof id !== 'string') return id;
      const seen = new Set<OptionFlag>();
      const reason: string[] = [];
      for (const token of args.slice(1)) {
        if (isOption(token)) {
          if (seen.has(token)) return fail(`\`${token}\` is given twice.`, USAGE.delete);
          seen.add(token);
          continue;
        }
        // macOS and phones turn "--" into an em or en dash.
        if (/^[—–]\S/u.test(token)) {
          return fail(
            `Unknown option \`${token}\`: options start with two hyphens, e.g. \`--${token.slice(1)}\`.`,
            USAGE.delete,
          );
        }
        if (token.startsWith('--')) {
          return fail(`Unknown option \`${token}\`; the options are --remove and --dry-run.`, USAGE.delete);
        }
        reason.push(token);
      }
      const joined = reason.join(' ');
      if (joined.length > MAX_REASON_LENGTH) {
        return fail(
          `The reason is too long (${joined.length} characters; at most ${MAX_REASON_LENGTH}).`,
          USAGE.delete,
        );
      }
      return {
        ok: true,
        command: {
          kind: 'delete',
          accountId: id,
          remove: seen.has('--remove'),
          dryRun: seen.has('--dry-run'),
          ...(joined ? { reason: joined } : {}),
        },
      };
    }
    case 'status':
    case 'cancel': {
      const id = accountIdFrom(args[0], sub);
      if (typeof id !== 'string') return id;
      if (args.length > 1) {
        return fail(
          `\`${SLASH_COMMAND} ${sub}\` takes only the account id; remove \`${args.slice(1).join(' ')}\`.`,
          USAGE[sub],
        );
      }
      return { ok: true, command: { kind: sub, accountId: id } };
    }
    case 'list':
    case 'help':
      if (args.length > 0) {
        return fail(
          `\`${SLASH_COMMAND} ${sub}\` takes no arguments; remove \`${args.join(' ')}\`.`,
          USAGE[sub],
        );
      }
      return { ok: true, command: { kind: sub } };
    default: {
      const shown = word.length > 30 ? `${word.slice(0, 30)}…` : word;
      // A bare account id is the likeliest slip: say which command was probably meant.
      const hint = /^\d{12}$/.test(word) ? ` Did you mean \`${SLASH_COMMAND} delete ${word}\`?` : '';
      return fail(`Unknown command \`${shown}\`.${hint}`, Object.values(USAGE));
    }
  }
}
