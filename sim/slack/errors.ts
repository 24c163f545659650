/** A Web API error answered as HTTP 200 `{ok:false, error, response_metadata?}`, as Slack does. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly messages: string[] = [],
  ) {
    super(messages.length ? `${code}: ${messages.join('; ')}` : code);
    this.name = 'SlackApiError';
  }
}
