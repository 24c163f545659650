// Tests src/console/adapters/s3-artifacts.ts on moto.
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, expect, it } from 'vitest';
import { AwsCallError } from '../../../src/common/errors';
import { artifactKey, S3Artifacts } from '../../../src/console/adapters/s3-artifacts';

const s3 = new S3Client({ forcePathStyle: true });
const BUCKET = 'sandbox-teardown-artifacts';
const T = Date.UTC(2026, 2, 1, 12, 34, 56, 789);
const teardown = { accountId: '000000000001', teardownId: 'm7x2k9-1a2b3c4d' };

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

it('stores a screenshot and a page with their content types, encrypted, under the key it returns', async () => {
  const artifacts = new S3Artifacts(s3, BUCKET);
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const pngKey = artifactKey(teardown, 'sign-in', 'captcha.png', T);
  expect(await artifacts.put(pngKey, png, 'image/png')).toBe(pngKey);
  const html = '<html><body><h1>Sign in</h1></body></html>';
  const htmlKey = artifactKey(teardown, 'sign-in', 'page.html', T);
  expect(await artifacts.put(htmlKey, html, 'text/html; charset=utf-8')).toBe(htmlKey);

  const pngHead = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: pngKey }));
  expect(pngHead.ContentType).toBe('image/png');
  expect(pngHead.ServerSideEncryption).toBe('AES256');
  const pngObject = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: pngKey }));
  expect(await pngObject.Body?.transformToByteArray()).toEqual(png);

  const htmlObject = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: htmlKey }));
  expect(htmlObject.ContentType).toBe('text/html; charset=utf-8');
  expect(htmlObject.ServerSideEncryption).toBe('AES256');
  expect(await htmlObject.Body?.transformToString()).toBe(html);
});

it('reports a missing bucket as an AWS call error that keeps the cause and is not worth retrying', async () => {
  const error = await new S3Artifacts(s3, 'no-such-bucket')
    .put('teardowns/x/y/z.png', 'x', 'image/png')
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AwsCallError);
  expect((error as AwsCallError).message).toContain('no-such-bucket');
  expect(((error as AwsCallError).cause as Error).name).toBe('NoSuchBucket');
  expect((error as AwsCallError).retryable).toBe(false);
});

it('names artifacts by account, teardown, time, step and what they show, so they sort by time', () => {
  expect(artifactKey(teardown, 'sign-in', 'captcha.png', T)).toBe(
    'teardowns/000000000001/m7x2k9-1a2b3c4d/20260301T123456.789Z-sign-in-captcha.png',
  );
  const earlier = artifactKey(teardown, 'z-step', 'a.png', T - 1000);
  expect([artifactKey(teardown, 'a-step', 'b.png', T), earlier].sort()[0]).toBe(earlier);
});

it('keeps keys to safe file names whatever the step or the description holds', () => {
  const key = artifactKey(
    { accountId: '000000000001', teardownId: '../escape' },
    'complete signup',
    'card page: "billing" / step 2?.html',
    T,
  );
  expect(key).toBe(
    'teardowns/000000000001/escape/20260301T123456.789Z-complete-signup-card-page-billing-step-2.html',
  );
  const [, , , ...rest] = key.split('/');
  expect(rest).toHaveLength(1);
  expect(artifactKey(teardown, '', '...', T)).toBe(
    'teardowns/000000000001/m7x2k9-1a2b3c4d/20260301T123456.789Z-step-artifact',
  );
  expect(artifactKey(teardown, 'sign-in', 'x'.repeat(500), T).length).toBeLessThan(200);
});
