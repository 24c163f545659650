// Tests src/pipeline/adapters/root-access-gateway.ts: where AssumeRoot is sent (the request is stopped before it
// is signed or leaves the process; the step's behaviour is in test/pipeline/steps/allow-password-recovery.test.ts).
import { AssumeRootCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CREATE_ROOT_PASSWORD_TASK_POLICY,
  regionalStsClient,
} from '../../../src/pipeline/adapters/root-access-gateway';

const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_STS', 'AWS_STS_REGIONAL_ENDPOINTS'];
let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(ENDPOINT_VARIABLES.map((name) => [name, process.env[name]]));
  // The test setup points every client at moto; here the SDK's own choice of endpoint is what is checked.
  for (const name of ENDPOINT_VARIABLES) delete process.env[name];
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** The URL an AssumeRoot request would go to. */
async function assumeRootUrl(region: string): Promise<string> {
  const sts = regionalStsClient(region);
  let url = '';
  sts.middlewareStack.add(
    (_next) => async (args) => {
      const request = args.request as { protocol: string; hostname: string; port?: number; path: string };
      url = `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}${request.path}`;
      throw new Error('stopped before sending');
    },
    { step: 'build' },
  );
  await expect(
    sts.send(
      new AssumeRootCommand({
        TargetPrincipal: '111111111111',
        TaskPolicyArn: { arn: CREATE_ROOT_PASSWORD_TASK_POLICY },
      }),
    ),
  ).rejects.toThrow('stopped before sending');
  sts.destroy();
  return url;
}

describe('the STS client AssumeRoot is sent with', () => {
  it('uses the configured region’s STS endpoint (AssumeRoot is refused by the global one)', async () => {
    expect(await assumeRootUrl('eu-central-1')).toBe('https://sts.eu-central-1.amazonaws.com/');
  });

  it('stays regional in us-east-1 even where the environment asks for the legacy global endpoint', async () => {
    process.env.AWS_STS_REGIONAL_ENDPOINTS = 'legacy';
    expect(await assumeRootUrl('us-east-1')).toBe('https://sts.us-east-1.amazonaws.com/');
  });

  it('goes where the SDK’s own endpoint variable points it', async () => {
    process.env.AWS_ENDPOINT_URL_STS = 'http://127.0.0.1:4599';
    expect(await assumeRootUrl('eu-central-1')).toBe('http://127.0.0.1:4599/');
  });
});
