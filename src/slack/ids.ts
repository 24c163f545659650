import { type AccountId, isAccountId } from '../common/account-id';

/** action_id / callback_id values: the contract between the Block Kit builders and the listeners. */
export const ACTION = {
  approve: 'teardown_approve',
  deny: 'teardown_deny',
  cancel: 'teardown_cancel',
  solve: 'captcha_solve',
  done: 'human_done',
  retry: 'human_retry',
  abort: 'human_abort',
} as const;

export const VIEW = { captcha: 'captcha_answer' } as const;

/** The CAPTCHA modal's input, named so the submission handler (and its errors) can point at it. */
export const CAPTCHA_INPUT = { block: 'captcha', action: 'answer' } as const;

/**
 * What a button stands for: the account, the teardown (so a stale button never acts on a newer teardown of
 * the same account) and, for prompts, the version of the wait it answers.
 */
export interface ButtonRef {
  accountId: AccountId;
  teardownId: string;
  version?: number;
}

export function encodeRef(ref: ButtonRef): string {
  return [ref.accountId, ref.teardownId, ...(ref.version === undefined ? [] : [String(ref.version)])].join(
    ':',
  );
}

export function decodeRef(value: unknown): ButtonRef | undefined {
  if (typeof value !== 'string') return undefined;
  const [accountId, teardownId, version, ...rest] = value.split(':');
  if (!isAccountId(accountId) || !teardownId || rest.length > 0) return undefined;
  if (version === undefined) return { accountId, teardownId };
  const n = Number(version);
  return Number.isInteger(n) && n > 0 ? { accountId, teardownId, version: n } : undefined;
}

/** Carried in the CAPTCHA modal's private_metadata: which wait it answers and which prompt to rewrite. */
export interface CaptchaMeta extends Required<ButtonRef> {
  channel: string;
  promptTs: string;
}

export function encodeCaptchaMeta(meta: CaptchaMeta): string {
  return JSON.stringify(meta);
}

export function decodeCaptchaMeta(text: string): CaptchaMeta | undefined {
  try {
    const meta = JSON.parse(text) as Partial<CaptchaMeta>;
    const ref = decodeRef(`${meta.accountId}:${meta.teardownId}:${meta.version}`);
    if (!ref?.version || typeof meta.channel !== 'string' || typeof meta.promptTs !== 'string')
      return undefined;
    return {
      accountId: ref.accountId,
      teardownId: ref.teardownId,
      version: ref.version,
      channel: meta.channel,
      promptTs: meta.promptTs,
    };
  } catch {
    return undefined;
  }
}
