import { createHmac } from 'node:crypto';
import type { SignedRequest } from './types';

export interface SignOptions {
  /** Signing secret; a wrong one forges an invalid signature. */
  secret: string;
  /** Unix seconds; defaults to now. Pass an old value to test replay protection. */
  timestamp?: number;
}

/** Slack's v0 request signature: hex HMAC-SHA256 over "v0:<timestamp>:<raw body>". */
export function computeSignature(secret: string, timestamp: number | string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** Builds the request Slack would send for a form-encoded body. */
export function signRequest(body: string, opts: SignOptions): SignedRequest {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Slack-Request-Timestamp': String(timestamp),
      'X-Slack-Signature': computeSignature(opts.secret, timestamp, body),
    },
    body,
  };
}

/** Form-encodes fields the way Slack does (spaces as '+', everything else percent-encoded). */
export function formEncode(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
