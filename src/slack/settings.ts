import { ConfigError } from '../common/errors';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/** What the bot needs to talk to Slack. The two secrets never reach a log or a message. */
export interface SlackSettings {
  signingSecret: string;
  botToken: string;
  /** Web API base, ending in a slash (sim/slack in tests and the local stack). */
  apiUrl: string;
  /** Socket Mode (local use with a real workspace) when set. */
  appToken?: string;
}

type Env = Record<string, string | undefined>;

/** Reads a Secrets Manager secret's string (SecretString) by id or ARN. */
export type SecretReader = (secretId: string) => Promise<string>;

const SECRET_FIELDS = {
  signingSecret: ['signingSecret', 'SLACK_SIGNING_SECRET', 'signing_secret'],
  botToken: ['botToken', 'SLACK_BOT_TOKEN', 'bot_token'],
  appToken: ['appToken', 'SLACK_APP_TOKEN', 'app_token'],
} as const;

function pick(values: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = values[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/**
 * Slack settings from the environment: SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL, SLACK_APP_TOKEN,
 * or, with SLACK_SECRET_ID, the secrets from one Secrets Manager secret (a JSON object with signingSecret and
 * botToken; variables set in the environment win). Call once per container.
 */
export async function loadSlackSettings(
  env: Env = process.env,
  readSecret?: SecretReader,
  // The pipeline only posts; it never verifies requests from Slack.
  options: { requireSigningSecret?: boolean } = {},
): Promise<SlackSettings> {
  const problems: Array<{ variable: string; problem: string }> = [];
  const fromEnv = (name: string) => (env[name]?.trim() ? env[name]?.trim() : undefined);
  let stored: Record<string, unknown> = {};
  const secretId = fromEnv('SLACK_SECRET_ID');
  if (secretId) {
    if (!readSecret) {
      problems.push({
        variable: 'SLACK_SECRET_ID',
        problem: 'SLACK_SECRET_ID is set but no secret reader is wired',
      });
    } else {
      try {
        const parsed: unknown = JSON.parse(await readSecret(secretId));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
          stored = parsed as Record<string, unknown>;
        else throw new Error('not a JSON object');
      } catch (error) {
        problems.push({
          variable: 'SLACK_SECRET_ID',
          // Only the error's name: a parser's message quotes the secret's own text.
          problem: `SLACK_SECRET_ID="${secretId}" could not be read as a JSON object (${(error as Error).name})`,
        });
      }
    }
  }
  const value = (field: keyof typeof SECRET_FIELDS, variable: string) =>
    fromEnv(variable) ?? pick(stored, SECRET_FIELDS[field]);

  const signingSecret = value('signingSecret', 'SLACK_SIGNING_SECRET');
  if (!signingSecret && options.requireSigningSecret !== false) {
    problems.push({
      variable: 'SLACK_SIGNING_SECRET',
      problem: 'SLACK_SIGNING_SECRET is required but not set',
    });
  }
  const botToken = value('botToken', 'SLACK_BOT_TOKEN');
  if (!botToken)
    problems.push({ variable: 'SLACK_BOT_TOKEN', problem: 'SLACK_BOT_TOKEN is required but not set' });
  else if (!botToken.startsWith('xoxb-')) {
    // The value itself is a secret: say what is wrong without showing it.
    problems.push({ variable: 'SLACK_BOT_TOKEN', problem: 'SLACK_BOT_TOKEN is not a bot token (xoxb-…)' });
  }
  const appToken = value('appToken', 'SLACK_APP_TOKEN');
  if (appToken && !appToken.startsWith('xapp-')) {
    problems.push({
      variable: 'SLACK_APP_TOKEN',
      problem: 'SLACK_APP_TOKEN is not an app-level token (xapp-…)',
    });
  }
  let apiUrl = fromEnv('SLACK_API_URL') ?? DEFAULT_SLACK_API_URL;
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(apiUrl)) {
    problems.push({ variable: 'SLACK_API_URL', problem: `SLACK_API_URL="${apiUrl}" is not an http(s) URL` });
  }
  if (!apiUrl.endsWith('/')) apiUrl = `${apiUrl}/`;
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    signingSecret: signingSecret ?? '',
    botToken: botToken ?? '',
    apiUrl,
    ...(appToken ? { appToken } : {}),
  };
}

/** Slack settings for a worker that only posts: the bot token and API URL (signing secret not needed). */
export function loadPostingSettings(
  env: Env = process.env,
  readSecret?: SecretReader,
): Promise<SlackSettings> {
  return loadSlackSettings(env, readSecret, { requireSigningSecret: false });
}
