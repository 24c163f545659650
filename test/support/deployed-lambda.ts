import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleLambdas } from '../../scripts/bundle';

/** The environment serverless.yml gives the functions, pointed at the test's stand-ins. */
export function deployedEnvironment(input: {
  tableName: string;
  allowedOus: string;
  lambdaEndpoint: string;
  slackApiUrl: string;
  botToken: string;
}): Record<string, string> {
  return {
    TEARDOWN_TABLE: input.tableName,
    TEARDOWN_ALLOWED_OUS: input.allowedOus,
    TEARDOWN_REQUESTERS: 'UREQUESTER1',
    TEARDOWN_APPROVERS: 'UAPPROVER1',
    PIPELINE_FUNCTION_NAME: 'sandbox-teardown-pipeline',
    PIPELINE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:sandbox-teardown-pipeline',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler-invokes-pipeline',
    SCHEDULER_GROUP: 'default',
    AWS_ENDPOINT_URL_LAMBDA: input.lambdaEndpoint,
    SLACK_BOT_TOKEN: input.botToken,
    SLACK_API_URL: input.slackApiUrl,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
}

/** Bundles a Lambda as `npm run build` does and loads it, as the runtime would (set its environment first). */
export async function importBundledLambda<T>(name: 'bot' | 'pipeline' | 'browser' | 'mail'): Promise<T> {
  const outdir = await mkdtemp(join(tmpdir(), 'bundle-'));
  const [bundle] = await bundleLambdas(outdir, [name]);
  if (!bundle) throw new Error(`no ${name} bundle`);
  return (await import(pathToFileURL(bundle.file).href)) as T;
}
