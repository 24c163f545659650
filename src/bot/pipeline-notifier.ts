import { loadSlackSettings, type SecretReader } from './config';

/** Slack settings for a worker that only posts: the bot token and API URL (signing secret not needed). */
export function loadPostingSettings(env: Record<string, string | undefined>, readSecret?: SecretReader) {
  return loadSlackSettings(env, readSecret, { requireSigningSecret: false });
}
