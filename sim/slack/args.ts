import { SlackApiError } from './errors';

/** Arguments of a Web API call after decoding (form fields are strings; JSON fields parsed). */
export type Args = Record<string, unknown>;

/** Fields @slack/web-api JSON-encodes in form bodies; decoded so methods and recorded calls see structures. */
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'files', 'metadata'];

export function decodeJsonFields(args: Args): Args {
  const decoded: Args = { ...args };
  for (const key of JSON_FIELDS) {
    const value = decoded[key];
    if (typeof value !== 'string') continue;
    try {
      decoded[key] = JSON.parse(value);
    } catch {
      // Left as a string: the method reports it as malformed, like Slack does.
    }
  }
  return decoded;
}

/** A string argument; numbers are accepted as their text (form bodies only carry strings anyway). */
export function optString(args: Args, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** A non-empty string argument, or the given Slack error. */
export function requireString(args: Args, key: string, error: string): string {
  const value = optString(args, key);
  if (value === undefined || value === '') {
    throw new SlackApiError(
      error,
      error === 'invalid_arguments' ? [`[ERROR] missing required field: ${key}`] : [],
    );
  }
  return value;
}
