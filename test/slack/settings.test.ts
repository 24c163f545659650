import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/common/errors';
import { DEFAULT_SLACK_API_URL, loadSlackSettings } from '../../src/slack/settings';

const SECRET = 'f3c1b0e1d2a94c7e8b6a5d4c3b2a1f0e';
const TOKEN = 'xoxb-1111-2222-abcdefABCDEF';

async function problem(env: Record<string, string>, reader?: (id: string) => Promise<string>) {
  try {
    await loadSlackSettings(env, reader);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadSlackSettings', () => {
  it('reads the secrets and the API URL from the environment', async () => {
    expect(
      await loadSlackSettings({
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_API_URL: 'http://127.0.0.1:4000/api',
      }),
    ).toEqual({ signingSecret: SECRET, botToken: TOKEN, apiUrl: 'http://127.0.0.1:4000/api/' });
    expect((await loadSlackSettings({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: TOKEN })).apiUrl).toBe(
      DEFAULT_SLACK_API_URL,
    );
  });

  it('reads them from one Secrets Manager secret once, the environment winning', async () => {
    const asked: string[] = [];
    const reader = async (id: string) => {
      asked.push(id);
      return JSON.stringify({ signingSecret: SECRET, botToken: TOKEN, appToken: 'xapp-1-A1-abc' });
    };
    expect(await loadSlackSettings({ SLACK_SECRET_ID: 'sandbox-teardown/slack' }, reader)).toMatchObject({
      signingSecret: SECRET,
      botToken: TOKEN,
      appToken: 'xapp-1-A1-abc',
    });
    expect(asked).toEqual(['sandbox-teardown/slack']);
    const override = await loadSlackSettings({ SLACK_SECRET_ID: 's', SLACK_BOT_TOKEN: 'xoxb-env' }, reader);
    expect(override.botToken).toBe('xoxb-env');
  });

  it('names every bad variable without showing a secret', async () => {
    const error = await problem({
      SLACK_BOT_TOKEN: 'xoxp-user-token-123',
      SLACK_API_URL: 'slack.com',
      SLACK_APP_TOKEN: 'nope',
    });
    expect(error.variables).toEqual([
      'SLACK_SIGNING_SECRET',
      'SLACK_BOT_TOKEN',
      'SLACK_APP_TOKEN',
      'SLACK_API_URL',
    ]);
    expect(error.message).not.toContain('xoxp-user-token-123');
    const unreadable = await problem({ SLACK_SECRET_ID: 'missing' }, async () => {
      throw Object.assign(new Error('Secrets Manager can’t find the specified secret.'), {
        name: 'ResourceNotFoundException',
      });
    });
    expect(unreadable.message).toContain(
      'SLACK_SECRET_ID="missing" could not be read as a JSON object (ResourceNotFoundException',
    );
  });

  // Regression: the JSON parser's message quoted the secret's text into the configuration error.
  it('never quotes a malformed secret in its error', async () => {
    const error = await problem({ SLACK_SECRET_ID: 'slack' }, async () => 'xoxb-9-9-plaintexttoken');
    expect(error.message).toContain(
      'SLACK_SECRET_ID="slack" could not be read as a JSON object (SyntaxError)',
    );
    expect(error.message).not.toContain('plaintexttoken');
  });
});
