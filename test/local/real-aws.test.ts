// `npm start -- --real-aws`: refused unless it can only mean a real workspace and real credentials; then a loud
// warning naming the account before anything connects.
import { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { startRealAwsBot } from '../../src/local/real-aws';

const DEPLOYMENT = {
  TEARDOWN_TABLE: 'sandbox-teardown-prod',
  TEARDOWN_ALLOWED_OUS: 'ou-ab12-sandbox1',
  TEARDOWN_REQUESTERS: 'U0ALICE',
  TEARDOWN_APPROVERS: 'U0BOB',
  PIPELINE_FUNCTION_NAME: 'sandbox-teardown-prod-pipeline',
  PIPELINE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:sandbox-teardown-prod-pipeline',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
  AWS_REGION: 'us-east-1',
};
const SLACK = {
  SLACK_APP_TOKEN: 'xapp-1-A1-local',
  SLACK_BOT_TOKEN: 'xoxb-1-local',
  SLACK_SIGNING_SECRET: 'a'.repeat(32),
};

describe('--real-aws', () => {
  it('needs a real workspace: without SLACK_APP_TOKEN it says so and starts nothing', async () => {
    const warned: string[] = [];
    await expect(
      startRealAwsBot({ env: { ...DEPLOYMENT }, warn: (l) => warned.push(l), pauseMs: 0 }),
    ).rejects.toThrow('set SLACK_APP_TOKEN, SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET');
    expect(warned).toEqual([]);
  });

  it('refuses AWS endpoints pointed at stand-ins: real AWS means real endpoints', async () => {
    await expect(
      startRealAwsBot({
        env: { ...DEPLOYMENT, ...SLACK, AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' },
        warn: () => {},
        pauseMs: 0,
      }),
    ).rejects.toThrow('unset AWS_ENDPOINT_URL first');
  });

  it('names a missing deployment setting before asking AWS anything', async () => {
    const { PIPELINE_FUNCTION_NAME: _, ...withoutPipeline } = DEPLOYMENT;
    await expect(
      startRealAwsBot({ env: { ...withoutPipeline, ...SLACK }, warn: () => {}, pauseMs: 0 }),
    ).rejects.toThrow('PIPELINE_FUNCTION_NAME');
  });

  it('says which credentials failed, and connects nothing, when there are none', async () => {
    const warned: string[] = [];
    const saved = { ...process.env };
    try {
      // No keys, no profile files, and an STS endpoint that refuses: as on a laptop without credentials.
      for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
      Object.assign(process.env, {
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_EC2_METADATA_DISABLED: 'true',
      });
      await expect(
        startRealAwsBot({ env: { ...DEPLOYMENT, ...SLACK }, warn: (l) => warned.push(l), pauseMs: 0 }),
      ).rejects.toThrow('--real-aws needs real AWS credentials');
    } finally {
      process.env = saved;
    }
    expect(warned).toEqual([]);
  });

  it('warns loudly with the account and the deployment before anything connects; Ctrl-C then stops it', async () => {
    const warned: string[] = [];
    const stop = new AbortController();
    const started = startRealAwsBot({
      env: { ...DEPLOYMENT, ...SLACK },
      warn: (line) => {
        warned.push(line);
        if (line.includes('Ctrl-C')) stop.abort();
      },
      signal: stop.signal,
      // STS answers for the credentials (moto stands in for it here).
      sts: new STSClient({ endpoint: process.env.AWS_ENDPOINT_URL, region: 'us-east-1' }),
    });
    await expect(started).rejects.toThrow('stopped during the warning: nothing connected');
    const text = warned.join('\n');
    expect(text).toContain('REAL AWS');
    expect(text).toMatch(/Credentials: arn:aws:(iam|sts)::\d{12}:/);
    expect(text).toContain(
      'table sandbox-teardown-prod, pipeline sandbox-teardown-prod-pipeline, in us-east-1',
    );
    expect(text).toContain(
      'Accounts under ou-ab12-sandbox1 that two people approve WILL BE CLOSED OR REMOVED',
    );
  });
});
