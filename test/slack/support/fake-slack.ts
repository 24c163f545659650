import { ErrorCode, type WebClient } from '@slack/web-api';
import type { FakeClock } from './fake-clock';

export interface FakeCall {
  method: 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral' | 'files.uploadV2';
  channel: string;
  /** The message a chat.update rewrites. */
  ts?: string;
  text: string;
  /** When Slack got it, on the fake clock. */
  at: number;
  ok: boolean;
}

/** What @slack/web-api throws for a 429 when `rejectRateLimitedCalls` is on. */
export function rateLimited(retryAfterSeconds: number): Error {
  return Object.assign(new Error('A rate limit was exceeded'), {
    code: ErrorCode.RateLimitedError,
    retryAfter: retryAfterSeconds,
  });
}

/** What @slack/web-api throws when the request never got an answer. */
export function networkError(): Error {
  return Object.assign(new Error('socket hang up'), { code: ErrorCode.RequestError });
}

/**
 * The Web API calls the outbox makes, answered at once on a fake clock: every call is recorded with its time,
 * and the next calls of a method can be made to fail.
 */
export class FakeSlack {
  readonly calls: FakeCall[] = [];
  private readonly failures: Array<{ method: FakeCall['method']; error: Error }> = [];
  private posted = 0;

  constructor(private readonly clock: FakeClock) {}

  /** The next call of `method` fails with `error`; queue several for several calls. */
  failNext(method: FakeCall['method'], error: Error): void {
    this.failures.push({ method, error });
  }

  /** Calls Slack accepted, of one method. */
  accepted(method: FakeCall['method']): FakeCall[] {
    return this.calls.filter((c) => c.ok && c.method === method);
  }

  readonly client = {
    chat: {
      postMessage: async (args: { channel: string; text: string }) => {
        this.record('chat.postMessage', args.channel, args.text);
        return { ok: true, ts: `${1000 + ++this.posted}.000100` };
      },
      update: async (args: { channel: string; ts: string; text: string }) => {
        this.record('chat.update', args.channel, args.text, args.ts);
        return { ok: true };
      },
      postEphemeral: async (args: { channel: string; text: string }) => {
        this.record('chat.postEphemeral', args.channel, args.text);
        return { ok: true };
      },
    },
    filesUploadV2: async (args: { channel_id: string; initial_comment: string }) => {
      this.record('files.uploadV2', args.channel_id, args.initial_comment);
      return { ok: true };
    },
  } as unknown as WebClient;

  private record(method: FakeCall['method'], channel: string, text: string, ts?: string): void {
    const failure = this.failures.findIndex((f) => f.method === method);
    const call = { method, channel, text, at: this.clock.now(), ok: failure < 0, ...(ts ? { ts } : {}) };
    this.calls.push(call);
    if (failure >= 0) throw this.failures.splice(failure, 1)[0]?.error;
  }
}
