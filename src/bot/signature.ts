import { isValidSlackRequest } from '@slack/bolt/dist/receivers/verify-request';

/** How far a request's timestamp may be from now, in either direction: Slack's five-minute replay window. */
const MAX_SIGNATURE_SKEW_S = 5 * 60;

/** What Slack signs: the raw body, with the two headers as received (undefined when absent). */
export interface SlackSignedRequest {
  body: string;
  /** `X-Slack-Signature`, e.g. `v0=…` */
  signature: string | undefined;
  /** `X-Slack-Request-Timestamp`, in seconds since the epoch. */
  timestamp: string | undefined;
}

/**
 * Whether Slack signed this request with `signingSecret` within five minutes of `nowMs`, before or after.
 * Bolt refuses only old timestamps; a request stamped in the future is as suspect (prepared to be replayed
 * later, or from a clock that cannot be trusted), so both directions are refused here.
 */
export function hasFreshSlackSignature(
  signingSecret: string,
  request: SlackSignedRequest,
  nowMs = Date.now(),
): boolean {
  const { body, signature, timestamp } = request;
  if (!signature || timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  const seconds = Number(timestamp);
  if (Math.abs(nowMs / 1000 - seconds) > MAX_SIGNATURE_SKEW_S) return false;
  return isValidSlackRequest({
    signingSecret,
    body,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': seconds },
    nowMilliseconds: nowMs,
  });
}
