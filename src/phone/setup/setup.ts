import type { ConnectClient } from '@aws-sdk/client-connect';
import type { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { S3Client } from '@aws-sdk/client-s3';
import { ConfigError } from '../../common/errors';
import { loadContactFlow } from '../contact-flow';
import { phoneAudioFiles } from '../dtmf';
import { type AudioFile, audioBaseUrl, ensureAudio } from './audio';
import type { Polling } from './aws';
import {
  type ConnectContext,
  ensureContactFlow,
  ensureInstance,
  ensureLambdaAssociation,
  ensureLineFlowAssociations,
  ensureLines,
} from './connect';
import { type Outcome, SetupReport } from './report';
import type { PhoneSetupSettings } from './settings';
import { ensureTwoWaySms } from './sms';

export interface PhoneSetupPolling {
  /** Connect creates an instance in a minute or two. */
  instance: Polling;
  /** Claiming a number takes seconds. */
  number: Polling;
  /** A requested SMS number may take a while to become ACTIVE. */
  sms: Polling;
}

const DEFAULT_POLLING: PhoneSetupPolling = {
  instance: { intervalMs: 10_000, attempts: 60 },
  number: { intervalMs: 3_000, attempts: 60 },
  sms: { intervalMs: 5_000, attempts: 24 },
};

export interface PhoneSetupDeps {
  connect: ConnectClient;
  sms: PinpointSMSVoiceV2Client;
  s3: S3Client;
  /** Where the per-resource lines and the result go (stdout in the script). */
  print: (line: string) => void;
  /** The files the contact flow plays; by default src/phone/dtmf.ts `phoneAudioFiles()`. */
  audioFiles?: readonly AudioFile[];
  sleep?: (ms: number) => Promise<void>;
  polling?: Partial<PhoneSetupPolling>;
}

export interface PhoneSetupLine {
  number: string;
  /** Calls to it are answered by the contact flow. */
  voice: boolean;
  /** Texts to it reach the inbound SMS topic. */
  sms: boolean;
}

export interface PhoneSetupResult {
  instanceId: string | undefined;
  lines: PhoneSetupLine[];
  /** The value to put in PHONE_LINES: our lines, then the person lines as configured. */
  phoneLines: string;
  /** The contact flow's and the phone Lambda's PHONE_AUDIO_BASE_URL. */
  audioBaseUrl: string;
  outcomes: Outcome[];
  /** Whether anything was (or in a dry run would be) created or updated. */
  changed: boolean;
}

/**
 * Provisions the phone side by API, idempotently: the audio files in S3, the Connect instance, the phone
 * Lambda's association, the contact flow (from infra/contact-flow.json), the lines and their flow, and two-way
 * SMS into the inbound topic. Prints one line per resource (created / updated / unchanged / skipped / pending);
 * with `dryRun` it only reads and prints what it would do. Throws ConfigError or AwsCallError with the reason.
 */
export async function setUpPhone(
  settings: PhoneSetupSettings,
  deps: PhoneSetupDeps,
  options: { dryRun?: boolean } = {},
): Promise<PhoneSetupResult> {
  const report = new SetupReport(deps.print, options.dryRun === true);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const polling = { ...DEFAULT_POLLING, ...deps.polling };
  const baseUrl = audioBaseUrl(settings.audioBucket, settings.region, settings.audioPrefix);

  deps.print(`Phone set-up in ${settings.region}${report.dryRun ? ' — dry run: nothing is changed' : ''}`);
  // The template is checked before anything is written: a broken one stops the run here.
  let flow: ReturnType<typeof loadContactFlow>;
  try {
    flow = loadContactFlow({ PHONE_LAMBDA_ARN: settings.lambdaArn, PHONE_AUDIO_BASE_URL: baseUrl });
  } catch (error) {
    throw new ConfigError([{ variable: 'infra/contact-flow.json', problem: (error as Error).message }]);
  }

  await ensureAudio(
    deps.s3,
    { bucket: settings.audioBucket, prefix: settings.audioPrefix },
    deps.audioFiles ?? phoneAudioFiles(),
    report,
  );

  const connect: ConnectContext = {
    connect: deps.connect,
    settings,
    report,
    sleep,
    polling: { instance: polling.instance, number: polling.number },
  };
  const instance = await ensureInstance(connect);
  await ensureLambdaAssociation(connect, instance);
  const contactFlow = await ensureContactFlow(connect, instance, flow);
  const claimed = await ensureLines(connect, instance);
  await ensureLineFlowAssociations(connect, instance, contactFlow, claimed);

  const voiceNumbers = claimed.map((line) => line.number);
  const texted = await ensureTwoWaySms(
    { sms: deps.sms, settings, report, sleep, polling: polling.sms },
    voiceNumbers,
  );

  const lines: PhoneSetupLine[] = [
    ...voiceNumbers.map((number) => ({ number, voice: true, sms: texted.includes(number) })),
    ...texted
      .filter((number) => !voiceNumbers.includes(number))
      .map((number) => ({ number, voice: false, sms: true })),
  ];
  const people = settings.lines.filter((line) => line.person !== undefined);
  // A line that takes only calls or only texts says so, so that verify-phone leases it only for that.
  const phoneLines = [
    ...lines.map((line) =>
      line.voice && line.sms ? line.number : `${line.number}:${line.voice ? 'calls' : 'texts'}`,
    ),
    ...people.map((line) => `${line.number}=${line.person}`),
  ].join(',');
  printResult(deps.print, report, { lines, phoneLines, baseUrl, instanceId: instance?.id, settings });
  return {
    instanceId: instance?.id,
    lines,
    phoneLines,
    audioBaseUrl: baseUrl,
    outcomes: report.outcomes,
    changed: report.changed,
  };
}

function printResult(
  print: (line: string) => void,
  report: SetupReport,
  result: {
    lines: PhoneSetupLine[];
    phoneLines: string;
    baseUrl: string;
    instanceId: string | undefined;
    settings: PhoneSetupSettings;
  },
): void {
  print('');
  if (result.lines.length > 0) print('Lines:');
  for (const line of result.lines) {
    const calls = line.voice
      ? `calls answered by "${result.settings.contactFlowName}"`
      : 'calls NOT answered';
    const texts = line.sms ? 'texts into the inbound topic' : 'texts NOT received';
    print(`  ${line.number}  ${calls}; ${texts}`);
  }
  if (result.lines.some((line) => !line.voice || !line.sms)) {
    print(
      '  A line does whatever the sign-up page asks (a call or a text): one that cannot do both hands that case to a person.',
    );
  }
  print('');
  print('Settings for the deployment:');
  print(`PHONE_LINES=${result.phoneLines}`);
  print(`PHONE_AUDIO_BASE_URL=${result.baseUrl}`);
  if (result.instanceId) print(`PHONE_CONNECT_INSTANCE_ID=${result.instanceId}`);
  print('');
  const counts = report.summary();
  if (!report.changed) print(`Nothing to change: ${counts}.`);
  else if (report.dryRun) print(`Dry run, nothing changed: ${counts}.`);
  else print(`Done: ${counts}.`);
}
