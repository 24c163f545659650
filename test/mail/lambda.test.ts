// The bundled mail Lambda as deployed: the S3 event of a message SES stored, real SDK clients against moto, Slack's
// stand-in by SLACK_API_URL, the hand-on to the browser worker by Invoke against a loopback stand-in.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { s3EventFor } from '../../src/mail/s3-event';
import { newTeardown } from '../../src/pipeline/state';
import { importBundledLambda } from '../support/deployed-lambda';
import { type DeployedWorld, deployedWorld } from '../support/deployed-world';

type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
const ROOT = 'aws-root-sbx-0417@sandbox-mail.example.test';
let handler: Handler;
let world: DeployedWorld;
const s3 = new S3Client({ forcePathStyle: true });
const bucket = `inbound-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  world = await deployedWorld('xoxb-1-2-mail', {
    BROWSER_FUNCTION_NAME: 'sandbox-teardown-browser',
    AWS_S3_FORCE_PATH_STYLE: 'true',
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  ({ handler } = await importBundledLambda<{ handler: Handler }>('mail'));
}, 60_000);

afterAll(async () => world?.close());

it('resumes the teardown that waits for the stored reset mail, says so in its thread, and hands on', async () => {
  const { org, store, capture, slack } = world;
  const account = org.accounts.sandbox1;
  const posted = await world.web.chat.postMessage({ channel: 'C0REQUESTS', text: 'request' });
  const now = Date.now();
  const { next, event } = newTeardown({
    accountId: account.id,
    teardownId: 't-mail',
    strategy: 'remove',
    requester: 'UREQUESTER1',
    now,
  });
  await store.create(
    {
      ...next,
      step: 'await-reset-mail',
      stepStatus: 'waiting',
      wait: {
        signal: 'reset-link',
        until: now + 15 * 60_000,
        // The corpus mail was sent on 5 January 2026; the wait began just before it.
        since: Date.UTC(2026, 0, 5, 14, 30),
        reason: 'waiting for the password reset mail',
      },
      approver: 'UAPPROVER1',
      slack: { channel: 'C0REQUESTS', requestTs: posted.ts, threadTs: posted.ts, statusTs: posted.ts },
      summary: {
        accountId: account.id,
        name: account.name,
        email: ROOT,
        ouPath: 'Root / Sandbox',
        parentId: org.ous.sandbox,
        joinedAt: account.joinedAt,
        state: 'ACTIVE',
      },
    },
    event,
  );
  const raw = await readFile(join(import.meta.dirname, 'corpus', 'reset-multipart-qp.eml'));
  const key = 'inbound/0417 reset.eml';
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: raw }));

  expect(await handler(s3EventFor({ bucket, key }, raw.length))).toEqual({
    outcomes: [{ outcome: 'resumed', signal: 'reset-link', accountId: account.id, teardownId: 't-mail' }],
  });
  // The record holds a reference; the link is in Secrets Manager, where set-password opens it.
  const resumed = await store.get(account.id);
  expect(resumed).toMatchObject({ step: 'set-password', stepStatus: 'pending' });
  expect(resumed?.handoff?.resetLink).toBe(`sealed:${account.id}/t-mail/reset-link`);
  expect(JSON.stringify(resumed)).not.toContain('resetpassword');
  const { SecretString } = await new SecretsManagerClient({}).send(
    new GetSecretValueCommand({ SecretId: `sandbox-teardown/sealed/${account.id}/t-mail/reset-link` }),
  );
  expect(SecretString).toMatch(/^https:\/\/signin\.aws\.amazon\.com\/resetpassword\?/);
  expect(capture.invokes.at(-1)).toEqual({
    functionName: 'sandbox-teardown-browser',
    invocationType: 'Event',
    payload: { action: 'advance', accountId: account.id, teardownId: 't-mail', worker: 'browser' },
  });
  const thread = slack.thread('C0REQUESTS', posted.ts as string).map((m) => m.text);
  expect(thread.join('\n')).toContain('reset mail received');
  expect(thread.join('\n')).not.toMatch(/resetpassword|token/);

  // S3 delivers the same event again: nothing changes.
  expect(await handler(s3EventFor({ bucket, key }, raw.length))).toMatchObject({
    outcomes: [{ outcome: 'dropped' }],
  });
  expect(await store.get(account.id)).toMatchObject({ step: 'set-password', stepStatus: 'pending' });
});

it('drops an event that is not S3 telling of a stored object', async () => {
  expect(await handler({ Records: [{ eventSource: 'aws:sns' }] })).toMatchObject({
    error: 'malformed event',
  });
});
