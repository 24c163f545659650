// `npm run phone:setup`: provisions the phone side (Amazon Connect, the DTMF audio in S3, two-way SMS) by API,
// idempotently. Only wiring here: environment → settings and clients → src/phone/setup.
import { ConnectClient } from '@aws-sdk/client-connect';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { S3Client } from '@aws-sdk/client-s3';
import { AwsCallError, ConfigError } from '../src/common/errors';
import { loadPhoneSetupSettings } from '../src/phone/setup/settings';
import { setUpPhone } from '../src/phone/setup/setup';

const USAGE = `Usage: npm run phone:setup [-- --dry-run]

Creates or reuses, by API only: the Connect instance (PHONE_CONNECT_INSTANCE_ID, or PHONE_CONNECT_ALIAS to find or
create), the DTMF audio in s3://PHONE_AUDIO_BUCKET/PHONE_AUDIO_PREFIX, the phone Lambda's association
(PHONE_LAMBDA_ARN), the contact flow from infra/contact-flow.json (PHONE_CONTACT_FLOW_NAME), the lines (PHONE_LINES,
else PHONE_LINE_COUNT numbers claimed) answered by that flow, and two-way SMS into PHONE_SMS_TOPIC_ARN.
Prints one line per resource (created / updated / unchanged / skipped / pending), then PHONE_LINES to deploy with.

  --dry-run   read only: print what would be created or updated

Exit status: 0 done (or nothing to do), 1 AWS refused or failed, 2 bad arguments or settings.`;

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((arg) => !['--dry-run', '--help', '-h'].includes(arg));
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (unknown.length > 0) {
    console.error(`phone:setup: unknown argument ${unknown.join(' ')}\n\n${USAGE}`);
    return 2;
  }
  try {
    const settings = loadPhoneSetupSettings(process.env);
    const region = settings.region;
    // A local stand-in (AWS_ENDPOINT_URL…) serves buckets by path, not by host name.
    const localS3 = Boolean(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);
    await setUpPhone(
      settings,
      {
        connect: new ConnectClient({ region }),
        sms: new PinpointSMSVoiceV2Client({ region }),
        s3: new S3Client({ region, forcePathStyle: localS3 }),
        print: (line) => console.log(line),
      },
      { dryRun: argv.includes('--dry-run') },
    );
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`phone:setup: ${error.message}`);
      return 2;
    }
    if (error instanceof AwsCallError) {
      console.error(`phone:setup: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
