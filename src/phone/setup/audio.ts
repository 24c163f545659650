import { createHash } from 'node:crypto';
import { HeadBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AwsCallError, asAwsCallError } from '../../common/errors';
import { awsCall, awsErrorName } from './aws';
import type { SetupReport } from './report';

export interface AudioFile {
  name: string;
  wav: Uint8Array;
}

/** Object metadata holding the SHA-256 of the stored audio, so that a second run can tell it is already there. */
const HASH_METADATA = 'sha256';

/** The https URL Connect plays the files from (the contact flow's `PHONE_AUDIO_BASE_URL`), ending in `/`. */
export function audioBaseUrl(bucket: string, region: string, prefix: string): string {
  return `https://${bucket}.s3.${region}.amazonaws.com/${prefix}`;
}

/**
 * Every audio file stored under the prefix, as WAV, encrypted with S3's own keys (Connect can read those given
 * the bucket policy; KMS keys would need grants). A file whose stored hash matches is left alone.
 */
export async function ensureAudio(
  s3: S3Client,
  target: { bucket: string; prefix: string },
  files: readonly AudioFile[],
  report: SetupReport,
): Promise<void> {
  const { bucket, prefix } = target;
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    throw new AwsCallError(
      `PHONE_AUDIO_BUCKET=${bucket}: the bucket ${name === 'NotFound' ? 'does not exist' : 'cannot be reached'} (S3 HeadBucket: ${name}${
        error instanceof Error && error.message && error.message !== name ? `: ${error.message}` : ''
      }).`,
      { cause: error },
    );
  }
  for (const file of files) {
    const key = `${prefix}${file.name}`;
    const hash = createHash('sha256').update(file.wav).digest('hex');
    const stored = await storedHash(s3, bucket, key);
    const resource = `audio s3://${bucket}/${key}`;
    if (stored === hash) {
      report.unchanged(resource);
      continue;
    }
    await report.write(stored === undefined ? 'created' : 'updated', resource, () =>
      awsCall(`S3 PutObject s3://${bucket}/${key}`, () =>
        s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: file.wav,
            ContentType: 'audio/wav',
            ServerSideEncryption: 'AES256',
            Metadata: { [HASH_METADATA]: hash },
          }),
        ),
      ),
    );
  }
}

/** The stored object's hash; undefined when there is no object, '' when it has no hash (stored otherwise). */
async function storedHash(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.Metadata?.[HASH_METADATA] ?? '';
  } catch (error) {
    if (['NotFound', 'NoSuchKey'].includes(awsErrorName(error) ?? '')) return undefined;
    throw asAwsCallError(`S3 HeadObject s3://${bucket}/${key}`, error);
  }
}
