import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { handleMailEvent } from '../mail/handler';
import { type MailIntakeDeps, MailTooEarlyError } from '../mail/intake';
import { s3EventFor } from '../mail/s3-event';
import type { OutsideActivity } from './realism';
import { startSmtpDoor } from './smtp-door';

/** Lambda tries an asynchronous event three times; offline the retries come sooner. */
const HANDLER_ATTEMPTS = 5;

export interface MailDoor {
  port: number;
  /** Mails that came in, newest first, with what the mail handler made of them. */
  mails(): OutsideActivity['mails'];
  stop(): Promise<void>;
}

/**
 * Mail in, as SES inbound takes it (DESIGN.md): the SMTP door stores each message raw in the mail bucket under
 * `inbound/`, answers 250, and the mail handler then runs with the S3 event, as S3's notification runs the mail
 * Lambda. `intake` is read at each mail: the workers are built after the door opens.
 */
export async function startMailDoor(options: {
  host: string;
  port: number;
  s3: S3Client;
  bucket: string;
  intake: () => MailIntakeDeps | undefined;
  logger: Logger;
}): Promise<MailDoor> {
  const mails: OutsideActivity['mails'] = [];
  const handling = new Set<Promise<unknown>>();
  const door = await startSmtpDoor({
    host: options.host,
    port: options.port,
    store: async (raw, recipients) => {
      const key = `inbound/${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
      await options.s3.send(new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: raw }));
      const entry = { at: Date.now(), to: recipients.join(', '), subject: subjectOf(raw), kind: 'stored' };
      mails.unshift(entry);
      const run = handOver(options, { bucket: options.bucket, key }, raw.length).then((outcome) => {
        entry.kind = outcome;
      });
      handling.add(run);
      void run.finally(() => handling.delete(run));
    },
  });
  return {
    port: door.port,
    mails: () => mails.map((m) => ({ ...m })),
    async stop() {
      await door.stop();
      await Promise.allSettled([...handling]);
    },
  };
}

/** Runs the mail handler on one stored mail, retried as Lambda retries a failed event; says what became of it. */
async function handOver(
  options: { intake: () => MailIntakeDeps | undefined; logger: Logger },
  mail: { bucket: string; key: string },
  size: number,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      const deps = options.intake();
      if (!deps) throw new Error('the mail worker is not started yet');
      const result = (await handleMailEvent(deps, s3EventFor(mail, size), options.logger)) as {
        outcomes?: Array<{ outcome: string; signal?: string; reason?: string }>;
      };
      const outcome = result.outcomes?.[0];
      if (!outcome) return 'not taken';
      const detail = outcome.signal ?? outcome.reason;
      return detail ? `${outcome.outcome}: ${detail}` : outcome.outcome;
    } catch (error) {
      // Too early (its step is still saving that it waits), or AWS unreachable: Lambda would try again.
      if (attempt >= HANDLER_ATTEMPTS) {
        options.logger.warn('mail not taken after retries', { error: String(error) });
        return 'not taken: failed';
      }
      const pauseMs = (error instanceof MailTooEarlyError ? 500 : 1_000) * attempt;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

/** The Subject header, unfolded (AWS's subjects are plain ASCII). */
function subjectOf(raw: Buffer): string {
  const head =
    raw
      .subarray(0, 16 * 1024)
      .toString('utf8')
      .split(/\r?\n\r?\n/)[0] ?? '';
  const match = /^subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(head);
  return (match?.[1] ?? '').replace(/\r?\n[ \t]+/g, ' ').trim();
}
