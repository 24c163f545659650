// The whole remove path's outside world for one test: Slack (sim/slack) with the bot and the pipeline on moto, the
// console simulator with its Organizations front before moto, 2captcha's stand-in, the phone network (sim/phone)
// running our contact flow with our phone handler, and the mail intake as SES and S3 would feed it. Real Chromium.
import { createHash } from 'node:crypto';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { AccountOptions, ConsoleSimOptions, SimMail } from '../../sim/console';
import { seedFromOrganizations } from '../../sim/console';
import { type PhoneSim, startPhoneSim } from '../../sim/phone';
import { createLogger } from '../../src/common/logger';
import type { PhoneLine } from '../../src/common/phone-lines';
import { sessionCleaner } from '../../src/console/adapters/secrets-manager-session-store';
import type { PhoneSettings } from '../../src/console/flows/verify-phone';
import { S3MailObjects } from '../../src/mail/adapters/s3-mail-objects';
import { loadMailSettings } from '../../src/mail/classify';
import { handleMailEvent } from '../../src/mail/handler';
import { type MailIntakeDeps, MailTooEarlyError } from '../../src/mail/intake';
import { s3EventFor } from '../../src/mail/s3-event';
import { loadContactFlow } from '../../src/phone/contact-flow';
import { digitAudioName, phoneAudioFiles } from '../../src/phone/dtmf';
import { handlePhoneEvent } from '../../src/phone/handler';
import type { Teardown } from '../../src/pipeline/model';
import { cleanupStep, releasePhoneLine } from '../../src/pipeline/steps/cleanup';
import { SlackCaptchaPrompter } from '../../src/slack/captcha-prompter';
import { ACTION } from '../../src/slack/ids';
import { createSlackOutbox } from '../../src/slack/outbox';
import { SlackPhonePrompter } from '../../src/slack/phone-prompter';
import { type BotHarness, CHANNEL, createBotHarness, PEOPLE } from '../bot/support/bot-harness';
import { buttons, visible } from '../bot/support/slack-record';
import { AwsProxy } from '../support/aws-proxy';
import { type ConsoleRig, startConsoleRig } from '../support/console-rig';
import { lateBrowserSteps } from './support';

const AUDIO_BASE = 'https://audio-bucket.s3.us-east-1.amazonaws.com/phone-audio/';
const DAY = 86_400_000;

export interface RemovePathWorld {
  h: BotHarness;
  rig: ConsoleRig;
  phone: PhoneSim;
  /** Every Organizations call of the bot and pipeline passes here, then the simulator's front, then moto. */
  proxy: AwsProxy;
  mail: MailIntakeDeps;
  /** Every call AWS placed through the phone network, with when it began and ended (real time). */
  callLog: Array<{ to: string; start: number; end: number }>;
  /** The most calls that were in progress at once. */
  mostCallsAtOnce(): number;
  mailQueue: SimMail[];
  teardown(id: string): Promise<Teardown>;
  /** `/sandbox delete <id> --remove`, approved by another person; returns the request message's ts (its thread). */
  requestApprovedRemoval(id: string): Promise<string>;
  /** Hands the simulator's mails to the mail intake as SES and S3 would, then lets the pipeline go on. */
  deliverMails(): Promise<void>;
  close(): Promise<void>;
}

export async function removePathWorld(
  options: {
    lines?: PhoneLine[];
    sim?: ConsoleSimOptions;
    /** Applied to every seeded account; by default they joined 30 days before the test's clock. */
    accounts?: Omit<AccountOptions, 'accountId' | 'email'>;
    phoneSettings?: Partial<PhoneSettings>;
    /**
     * Hold each call until this many are in progress (at most 30 s): whether teardowns verify side by side is then
     * seen in the calls, not left to timing.
     */
    callsTogether?: number;
    /**
     * Hold each call and text until this says yes (looked at every 100 ms, at most 30 s): whether a teardown waited
     * for a busy line is then caused by the test, not left to timing.
     */
    holdLineUntil?: () => Promise<boolean>;
  } = {},
): Promise<RemovePathWorld> {
  const moto = process.env.AWS_ENDPOINT_URL ?? '';
  const proxy = await new AwsProxy(moto).start();
  process.env.AWS_ENDPOINT_URL_ORGANIZATIONS = proxy.endpoint;
  // Cleanup as the pipeline Lambda wires it needs the browser's secret stores: bound with the browser steps.
  const steps = lateBrowserSteps({ wholePath: true, alsoLate: ['cleanup'] });
  const lines = options.lines ?? [{ number: '+15550100' }];
  // The bot reads the pool (for people's own phones) from its environment, as in its Lambda.
  const linesBefore = process.env.PHONE_LINES;
  process.env.PHONE_LINES = lines
    .map((l) => (l.person ? `${l.number}=${l.person}` : l.takes ? `${l.number}:${l.takes}` : l.number))
    .join(',');
  const h = await createBotHarness({ handlers: steps.handlers }).finally(() => {
    if (linesBefore === undefined) delete process.env.PHONE_LINES;
    else process.env.PHONE_LINES = linesBefore;
  });
  const logger = createLogger('remove-path', { logLevel: 'ERROR' });
  // The browser worker posts its own prompts through an outbox of its own, as in its Lambda.
  const outbox = createSlackOutbox({ botToken: h.bot.botToken, apiUrl: h.sim.apiUrl }, { paceMs: 0, logger });
  const rig = await startConsoleRig({
    challenges: h.ports.captchaChallenges,
    prompter: new SlackCaptchaPrompter({ outbox, logger }),
    phonePrompter: new SlackPhonePrompter({ outbox, logger }),
    leases: h.ports.phoneLines,
    phoneLines: lines,
    ...(options.phoneSettings ? { phoneSettings: options.phoneSettings } : {}),
    // The simulator keeps the test's time (sessions, the 4 days a created account waits before it may leave).
    sim: { captcha: 'never', clock: h.now, ...options.sim, organizationsUpstream: moto },
  });
  proxy.upstream = rig.sim.organizationsEndpoint ?? moto;
  steps.bind(rig.ports, {
    cleanup: cleanupStep({
      cleaners: [
        sessionCleaner(rig.sessions),
        ({ teardown }) => rig.ports.sealed.dropAll(teardown),
        releasePhoneLine(h.ports.phoneLines),
      ],
      history: h.store,
    }),
  });
  await seedFromOrganizations(rig.sim, new OrganizationsClient({ endpoint: moto }), {
    joinedAt: h.now() - 30 * DAY,
    ...options.accounts,
  });

  const audio = new Map(phoneAudioFiles().map((file) => [`${AUDIO_BASE}${file.name}`, file.wav]));
  const ours = lines.filter((line) => !line.person).map((line) => line.number);
  const phoneDeps = {
    contactFlow: {
      phoneLines: h.ports.phoneLines,
      digitAudio: (digit: string) => `${AUDIO_BASE}${digitAudioName(digit)}`,
      lines: ours,
      logger,
    },
    sms: async () => ({
      phoneLines: h.ports.phoneLines,
      teardowns: h.store,
      idempotency: h.ports.idempotency,
      runner: h.pipeline,
      sealed: rig.ports.sealed,
      logger,
    }),
    logger,
  };
  const phone = startPhoneSim({
    contactFlow: loadContactFlow({
      PHONE_LAMBDA_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:sandbox-teardown-phone',
      PHONE_AUDIO_BASE_URL: AUDIO_BASE,
    }),
    invokeLambda: async (event) => (await handlePhoneEvent(phoneDeps, event)) as Record<string, string>,
    deliverSms: async (event) => {
      await handlePhoneEvent(phoneDeps, event);
    },
    audio: async (uri) => {
      const wav = audio.get(uri);
      if (!wav) throw new Error(`no audio at ${uri}`);
      return wav;
    },
    lines: ours,
  });
  const callLog: RemovePathWorld['callLog'] = [];
  let inProgress = 0;
  const arrivals: Array<() => void> = [];
  const heldLine = async () => {
    const until = options.holdLineUntil;
    if (!until) return;
    for (const giveUpAt = Date.now() + 30_000; Date.now() < giveUpAt && !(await until()); )
      await new Promise((resolve) => setTimeout(resolve, 100));
  };
  rig.sim.setPhoneNetwork({
    async sms(message) {
      await heldLine();
      return phone.network.sms(message);
    },
    async call(to, callOptions) {
      await heldLine();
      const entry = { to, start: Date.now(), end: Number.POSITIVE_INFINITY };
      callLog.push(entry);
      inProgress++;
      try {
        const together = options.callsTogether ?? 1;
        if (inProgress >= together) for (const arrived of arrivals.splice(0)) arrived();
        else
          await new Promise<void>((resolve) => {
            arrivals.push(resolve);
            setTimeout(resolve, 30_000).unref();
          });
        return await phone.network.call(to, callOptions);
      } finally {
        inProgress--;
        entry.end = Date.now();
      }
    },
  });

  const mailQueue: SimMail[] = [];
  rig.sim.onMail((m) => mailQueue.push(m));
  const mail: MailIntakeDeps = {
    objects: new S3MailObjects(rig.s3),
    teardowns: h.store,
    idempotency: h.ports.idempotency,
    sealed: rig.ports.sealed,
    runner: h.pipeline,
    settings: loadMailSettings({}),
    logger,
  };
  return {
    h,
    rig,
    phone,
    proxy,
    mail,
    mailQueue,
    callLog,
    mostCallsAtOnce() {
      return Math.max(
        0,
        ...callLog.map(
          (call) => callLog.filter((other) => other.start <= call.start && call.start < other.end).length,
        ),
      );
    },
    async teardown(id) {
      const t = await h.teardown(id);
      if (!t) throw new Error(`no teardown of ${id}`);
      return t;
    },
    async requestApprovedRemoval(id) {
      await h.command(`delete ${id} --remove the sprint is over`);
      await h.settle();
      const request = h.sim
        .messages(CHANNEL)
        .find((m) => visible(m).includes(id) && buttons(m).includes(ACTION.approve));
      if (!request) throw new Error(`no request message for ${id}`);
      await h.click(PEOPLE.approver, request.ts, ACTION.approve);
      await h.settle();
      return request.ts;
    },
    async deliverMails() {
      for (const raw of mailQueue.splice(0).map((m) => m.raw)) {
        const key = `inbound/${createHash('sha256').update(raw).digest('hex').slice(0, 20)}`;
        await rig.s3.send(new PutObjectCommand({ Bucket: rig.bucket, Key: key, Body: raw }));
        const event = s3EventFor({ bucket: rig.bucket, key }, raw.length);
        for (let attempt = 1; ; attempt++) {
          try {
            await handleMailEvent(mail, event, logger);
            break;
          } catch (error) {
            if (!(error instanceof MailTooEarlyError) || attempt > 3) throw error;
            await h.settle();
          }
        }
      }
      // All mails are handed over before anything settles: their teardowns go on side by side.
      await h.settle();
    },
    async close() {
      await phone.close();
      await h.close();
      await rig.close();
      await proxy.stop();
      delete process.env.AWS_ENDPOINT_URL_ORGANIZATIONS;
    },
  };
}
