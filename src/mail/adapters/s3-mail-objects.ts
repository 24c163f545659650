import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { asAwsCallError, MailRejectedError } from '../../common/errors';
import type { MailObjects } from '../ports';

/** The raw messages an SES receipt rule stored in S3. */
export class S3MailObjects implements MailObjects {
  constructor(private readonly s3: S3Client) {}

  async read(bucket: string, key: string, maxBytes: number): Promise<Uint8Array> {
    let response: GetObjectCommandOutput;
    try {
      response = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') {
        throw new MailRejectedError(`The stored mail ${key} is gone.`, { cause: error });
      }
      throw asAwsCallError('Reading the stored mail', error);
    }
    const body = response.Body as
      | { transformToByteArray(): Promise<Uint8Array>; destroy?: () => void }
      | undefined;
    if ((response.ContentLength ?? 0) > maxBytes) {
      // Not read at all: a huge message is no mail of AWS's.
      body?.destroy?.();
      throw new MailRejectedError(
        `The mail is ${response.ContentLength} bytes, more than the ${maxBytes} allowed.`,
      );
    }
    if (!body) throw new MailRejectedError(`The stored mail ${key} is empty.`);
    return body.transformToByteArray();
  }
}
