import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { asAwsCallError } from '../../common/errors';
import type { Artifacts } from '../ports';

const MAX_PART_LENGTH = 80;

/**
 * One part of a key that is safe as a file name everywhere it may be downloaded to: letters, digits, `.`, `_`
 * and `-` only, never empty, never `.` or `..`.
 */
function safePart(text: string, fallback: string): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-+(?=\.)/g, '')
    .slice(0, MAX_PART_LENGTH)
    .replace(/^[-.]+|[-.]+$/g, '');
  return cleaned === '' ? fallback : cleaned;
}

/**
 * Where a teardown's artifact goes: `teardowns/<accountId>/<teardownId>/<time>-<step>-<what>`. The time is ISO
 * 8601 in its basic form (`20260301T120000.000Z`): it sorts by time and has no `:`, which some file systems refuse.
 */
export function artifactKey(
  teardown: { accountId: string; teardownId: string },
  step: string,
  what: string,
  at: number,
): string {
  const time = new Date(at).toISOString().replace(/[-:]/g, '');
  const name = `${time}-${safePart(step, 'step')}-${safePart(what, 'artifact')}`;
  return `teardowns/${safePart(teardown.accountId, 'account')}/${safePart(teardown.teardownId, 'teardown')}/${name}`;
}

/** Screenshots and page HTML in an S3 bucket, encrypted at rest with S3's own keys. */
export class S3Artifacts implements Artifacts {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: Uint8Array | string, contentType: string): Promise<string> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ServerSideEncryption: 'AES256',
        }),
      );
    } catch (error) {
      throw asAwsCallError(`Storing ${key} in the bucket ${this.bucket}`, error);
    }
    return key;
  }
}
