import { z } from 'zod';
import type { StoredMail } from './intake';

// What S3 sends the mail Lambda when SES stored a message: only what is used is checked.
const s3EventSchema = z.object({
  Records: z
    .array(
      z.looseObject({
        eventSource: z.literal('aws:s3'),
        eventName: z.string().startsWith('ObjectCreated:'),
        s3: z.looseObject({
          bucket: z.looseObject({ name: z.string().min(3).max(63) }),
          object: z.looseObject({
            key: z.string().min(1).max(1024),
            size: z.number().int().nonnegative().optional(),
          }),
        }),
      }),
    )
    .min(1),
});

export type ParsedS3Event = { ok: true; mails: StoredMail[] } | { ok: false; reason: string };

/** The stored messages an S3 event names (keys arrive URL-encoded, spaces as `+`). */
export function parseS3Event(raw: unknown): ParsedS3Event {
  const result = s3EventSchema.safeParse(raw);
  if (!result.success) return { ok: false, reason: z.prettifyError(result.error) };
  try {
    return {
      ok: true,
      mails: result.data.Records.map((r) => ({
        bucket: r.s3.bucket.name,
        key: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')),
      })),
    };
  } catch {
    return { ok: false, reason: 'an object key is not URL-encoded' };
  }
}

/** The event S3 sends for one stored object (what the local stack and the tests hand the handler). */
export function s3EventFor(mail: StoredMail, size: number): unknown {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime: new Date().toISOString(),
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: mail.bucket, arn: `arn:aws:s3:::${mail.bucket}` },
          object: { key: encodeURIComponent(mail.key).replace(/%2F/g, '/'), size },
        },
      },
    ],
  };
}
