// The bundled browser Lambda as deployed: real SDK clients against moto, real Chromium against the console
// simulator (simulator mode by its two variables only), 2captcha's stand-in by TWOCAPTCHA_URL, Slack's by
// SLACK_API_URL, the hand-on to the pipeline by Invoke against a loopback stand-in.
import { randomUUID } from 'node:crypto';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CaptchaSim, startCaptchaSim } from '../../sim/captcha';
import { type ConsoleSim, seedFromOrganizations, startConsoleSim } from '../../sim/console';
import { newTeardown } from '../../src/pipeline/state';
import { importBundledLambda } from '../support/deployed-lambda';
import { type DeployedWorld, deployedWorld } from '../support/deployed-world';

type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
let handler: Handler;
let world: DeployedWorld;
let sim: ConsoleSim;
let captcha: CaptchaSim;
const s3 = new S3Client({ forcePathStyle: true });
const bucket = `artifacts-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  sim = await startConsoleSim({ captcha: 'always' });
  captcha = await startCaptchaSim({
    clientKey: 'deployed-2captcha-key',
    answerFor: () => sim.latestCaptchaAnswer(),
  });
  world = await deployedWorld('xoxb-1-2-browser', {
    ARTIFACTS_BUCKET: bucket,
    TWOCAPTCHA_SECRET: 'sandbox-teardown/2captcha',
    TWOCAPTCHA_URL: captcha.url,
    CONSOLE_SIM_ADDRESS: sim.address,
    CONSOLE_SIM_SPKI: sim.spki,
    AWS_S3_FORCE_PATH_STYLE: 'true',
  });
  await seedFromOrganizations(sim, new OrganizationsClient({}));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await new SecretsManagerClient({}).send(
    new CreateSecretCommand({ Name: 'sandbox-teardown/2captcha', SecretString: 'deployed-2captcha-key' }),
  );
  ({ handler } = await importBundledLambda<{ handler: Handler }>('browser'));
}, 60_000);

afterAll(async () => {
  await world?.close();
  await Promise.allSettled([sim.close(), captcha.close()]);
});

it('runs the teardown’s browser step, shows it in the thread, keeps the screenshot and hands on to the pipeline', async () => {
  const { org, store, capture, slack } = world;
  const account = org.accounts.sandbox1;
  const posted = await world.web.chat.postMessage({ channel: 'C0REQUESTS', text: 'request' });
  const { next, event } = newTeardown({
    accountId: account.id,
    teardownId: 't-browser',
    strategy: 'remove',
    requester: 'UREQUESTER1',
    now: Date.now(),
  });
  await store.create(
    {
      ...next,
      step: 'request-reset',
      approver: 'UAPPROVER1',
      slack: { channel: 'C0REQUESTS', requestTs: posted.ts, threadTs: posted.ts, statusTs: posted.ts },
      summary: {
        accountId: account.id,
        name: account.name,
        email: account.email,
        ouPath: 'Root / Sandbox',
        parentId: org.ous.sandbox,
        joinedAt: account.joinedAt,
        state: 'ACTIVE',
      },
    },
    event,
  );

  expect(
    await handler({ action: 'advance', accountId: account.id, teardownId: 't-browser', worker: 'browser' }),
  ).toMatchObject({
    ran: true,
    step: 'request-reset',
  });
  expect(await store.get(account.id)).toMatchObject({ step: 'await-reset-mail', stepStatus: 'pending' });
  expect(capture.invokes.at(-1)).toEqual({
    functionName: 'sandbox-teardown-pipeline',
    invocationType: 'Event',
    payload: { action: 'advance', accountId: account.id, teardownId: 't-browser', worker: 'pipeline' },
  });
  // 2captcha's stand-in read both CAPTCHAs with the key from Secrets Manager.
  expect(captcha.reports().filter((r) => r.kind === 'correct')).toHaveLength(2);
  expect(sim.mails().filter((m) => m.kind === 'reset' && m.to === account.email)).toHaveLength(1);
  // The thread has the step's screenshot; the bucket has it too.
  expect(slack.files.map((f) => f.filename)).toEqual([
    expect.stringMatching(/request-reset-reset-requested\.png$/),
  ]);
  const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  expect(Contents?.map((o) => o.Key)).toEqual([
    expect.stringMatching(/^teardowns\/\d{12}\/t-browser\/.*\.png$/),
  ]);
});

it('drops anything but a browser step', async () => {
  expect(await handler({ action: 'sweep' })).toEqual({ error: 'not a browser step', action: 'sweep' });
  expect(await handler({ action: 'advance', accountId: '12' })).toMatchObject({ error: 'malformed event' });
});
