// The browser worker's outside world for one test file: the console simulator (HTTPS, real AWS host names mapped
// to it), the 2captcha stand-in answering from the simulator's own record, and the AWS parts on moto.
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type CaptchaSim, startCaptchaSim } from '../../sim/captcha';
import { type ConsoleSim, type ConsoleSimOptions, startConsoleSim } from '../../sim/console';
import type { AccountId } from '../../src/common/account-id';
import { createLogger } from '../../src/common/logger';
import type { PhoneLine } from '../../src/common/phone-lines';
import { S3Artifacts } from '../../src/console/adapters/s3-artifacts';
import { SecretsManagerPaymentCards } from '../../src/console/adapters/secrets-manager-payment-card';
import { SecretsManagerRootCredentials } from '../../src/console/adapters/secrets-manager-root-credentials';
import { SecretsManagerSealedValues } from '../../src/console/adapters/secrets-manager-sealed-values';
import { SecretsManagerSessionStore } from '../../src/console/adapters/secrets-manager-session-store';
import type { BrowserStepPorts } from '../../src/console/browser-steps';
import { TwoCaptchaSolver } from '../../src/console/captcha/two-captcha';
import { launchChromium } from '../../src/console/chromium';
import type { PhoneSettings } from '../../src/console/flows/verify-phone';
import type { CaptchaPrompter, PaymentCard, PhonePrompter } from '../../src/console/ports';
import type { StepName } from '../../src/pipeline/catalogue';
import type { Teardown } from '../../src/pipeline/model';
import type { CaptchaChallenges } from '../../src/pipeline/ports/captcha-challenges';
import type { PhoneLineLeases } from '../../src/pipeline/ports/phone-line-leases';
import { teardownAt } from './fakes';

export const TWOCAPTCHA_KEY = 'test-2captcha-key';

/** The company card of the tests: a Visa test number (passes Luhn), current for years. */
export const TEST_CARD: PaymentCard = {
  number: '4111111111111111',
  expiryMonth: 8,
  expiryYear: 2031,
  holder: 'Platform Team',
  cvv: '737',
  address: { line1: '410 Terry Ave N', city: 'Seattle', state: 'WA', postalCode: '98109', country: 'US' },
  phone: '+12065550100',
  company: 'Example Corp',
};

/** Phone waits at a test pace. */
export const TEST_PHONE_SETTINGS: PhoneSettings = {
  leaseTtlMs: 10 * 60_000,
  callWaitMs: 30_000,
  codeWaitMs: 30_000,
  personWaitMs: 30_000,
  codePollMs: 100,
  queuePollMs: 30_000,
};

/** Prompts the browser worker posted for people, in order (a stand-in for the Slack thread). */
export class RecordingPrompter implements CaptchaPrompter {
  readonly asked: Array<Parameters<CaptchaPrompter['ask']>[0]> = [];
  readonly finishedWith: Array<Parameters<CaptchaPrompter['finished']>[0]> = [];
  private readonly waiters: Array<() => void> = [];
  async ask(request: Parameters<CaptchaPrompter['ask']>[0]): Promise<void> {
    this.asked.push(request);
    for (const wake of this.waiters.splice(0)) wake();
  }
  async finished(request: Parameters<CaptchaPrompter['finished']>[0]): Promise<void> {
    this.finishedWith.push(request);
  }
  /** Resolves once `count` prompts were posted. */
  async askedAtLeast(count: number): Promise<void> {
    while (this.asked.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

export interface ConsoleRig {
  sim: ConsoleSim;
  captcha: CaptchaSim;
  /** The two simulator-mode variables, exactly as DESIGN.md names them. */
  simEnv: { CONSOLE_SIM_ADDRESS: string; CONSOLE_SIM_SPKI: string };
  ports: BrowserStepPorts;
  credentials: SecretsManagerRootCredentials;
  sessions: SecretsManagerSessionStore;
  s3: S3Client;
  bucket: string;
  prompter: CaptchaPrompter;
  /** The bodies of the artifacts kept for a teardown whose keys end with `suffix` (.png, .html), oldest first. */
  artifactsOf(teardownId: string, suffix: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startConsoleRig(options: {
  challenges: CaptchaChallenges;
  prompter?: CaptchaPrompter;
  sim?: ConsoleSimOptions;
  pageTimeoutMs?: number;
  humanWaitMs?: number;
  /** The phone lines' leases (the harness's table) and the pool; no lines by default. */
  leases?: PhoneLineLeases;
  phoneLines?: PhoneLine[];
  phonePrompter?: PhonePrompter;
  phoneSettings?: Partial<PhoneSettings>;
  card?: PaymentCard;
}): Promise<ConsoleRig> {
  const sim = await startConsoleSim({ captcha: 'never', ...options.sim });
  const pageTimeoutMs = options.pageTimeoutMs ?? 15_000;
  // The stand-in "workers" read the picture the way a person would: here, from the simulator's own record.
  const captcha = await startCaptchaSim({
    clientKey: TWOCAPTCHA_KEY,
    answerFor: () => sim.latestCaptchaAnswer(),
  });
  const simEnv = { CONSOLE_SIM_ADDRESS: sim.address, CONSOLE_SIM_SPKI: sim.spki };
  const s3 = new S3Client({ forcePathStyle: true });
  const bucket = `artifacts-${Math.random().toString(36).slice(2, 10)}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const secrets = new SecretsManagerClient({});
  const credentials = new SecretsManagerRootCredentials(secrets, { prefix: 'sandbox-teardown-test' });
  const sessions = new SecretsManagerSessionStore(secrets, { prefix: 'sandbox-teardown-test' });
  const prompter = options.prompter ?? new RecordingPrompter();
  const cardSecret = `sandbox-teardown-test/payment-card-${Math.random().toString(36).slice(2, 10)}`;
  await secrets.send(
    new CreateSecretCommand({ Name: cardSecret, SecretString: JSON.stringify(options.card ?? TEST_CARD) }),
  );
  const ports: BrowserStepPorts = {
    launch: () => launchChromium({ ...process.env, ...simEnv }),
    artifacts: new S3Artifacts(s3, bucket),
    sessions,
    credentials,
    sealed: new SecretsManagerSealedValues(secrets, { prefix: 'sandbox-teardown-test' }),
    captcha: {
      // Polls 2captcha at a test pace; the service itself asks for 5 s between polls.
      solver: new TwoCaptchaSolver({
        baseUrl: captcha.url,
        apiKey: TWOCAPTCHA_KEY,
        pollIntervalMs: 50,
        firstPollAfterMs: 0,
        logger: createLogger('two-captcha', { logLevel: 'ERROR' }),
      }),
      challenges: options.challenges,
      prompter,
      settings: {
        solverAttempts: 3,
        solverTimeoutMs: 10_000,
        humanWaitMs: options.humanWaitMs ?? 60_000,
        humanPollMs: 100,
        // As deployed (settings.ts): the page's own timeout. A shorter one read a slow page's acceptance as a
        // refusal when the whole suite loaded the machine (a correct answer reported wrong, then people asked).
        verdictTimeoutMs: pageTimeoutMs,
      },
    },
    settings: { pageTimeoutMs },
    cards: new SecretsManagerPaymentCards(secrets, cardSecret),
    phone: {
      lines: options.phoneLines ?? [],
      leases: options.leases ?? noLeases,
      ...(options.phonePrompter ? { prompter: options.phonePrompter } : {}),
      settings: { ...TEST_PHONE_SETTINGS, ...options.phoneSettings },
    },
  };
  return {
    sim,
    captcha,
    simEnv,
    ports,
    credentials,
    sessions,
    s3,
    bucket,
    prompter,
    async artifactsOf(teardownId, suffix) {
      const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'teardowns/' }));
      const keys = (Contents ?? [])
        .map((o) => o.Key ?? '')
        .filter((k) => k.split('/')[2] === teardownId && k.endsWith(suffix))
        .sort();
      return Promise.all(
        keys.map(async (Key) => {
          const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
          return (await object.Body?.transformToString('latin1')) ?? '';
        }),
      );
    },
    async close() {
      await Promise.allSettled([sim.close(), captcha.close()]);
    },
  };
}

/** For rigs without a line pool: verify-phone asks a person before it would lease. */
const noLeases: PhoneLineLeases = new Proxy({} as PhoneLineLeases, {
  get: (_target, name) => () =>
    Promise.reject(new Error(`no phone-line leases in this rig (${String(name)})`)),
});

/** The reset link of the newest reset mail to `email`, decoded from its quoted-printable text part. */
export function resetLinkFrom(sim: ConsoleSim, email: string): string {
  const mail = [...sim.mails()]
    .reverse()
    .find((m) => m.kind === 'reset' && m.to.toLowerCase() === email.toLowerCase());
  if (!mail) throw new Error(`no reset mail to ${email}`);
  const decoded = mail.raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  const link = /https:\/\/signin\.aws\.amazon\.com\/resetpassword\?[^\s"<>]+/.exec(decoded)?.[0];
  if (!link) throw new Error('the reset mail has no link');
  return link;
}

/** The code of the newest sign-in code mail to `email`. */
export function signInCodeFrom(sim: ConsoleSim, email: string): string {
  const mail = [...sim.mails()]
    .reverse()
    .find((m) => m.kind === 'sign-in-code' && m.to.toLowerCase() === email.toLowerCase());
  if (!mail) throw new Error(`no sign-in code mail to ${email}`);
  const body = mail.raw
    .split(/\r?\n\r?\n/)
    .slice(1)
    .join('\n');
  const code = /\b(\d{6})\b/.exec(body)?.[1];
  if (!code) throw new Error('the sign-in code mail has no code');
  return code;
}

/** A remove teardown of `account` at a browser step, as the runner hands it to the step's handler. */
export function teardownAtBrowserStep(
  step: StepName,
  account: { id: AccountId; email: string },
  changes: Partial<Teardown> = {},
): Teardown {
  return teardownAt(step, account.id, {
    strategy: 'remove',
    summary: {
      accountId: account.id,
      name: `sandbox-${account.id.slice(-4)}`,
      email: account.email,
      ouPath: 'Root / Sandbox',
      parentId: 'ou-sbx',
      joinedAt: undefined,
      state: 'ACTIVE',
    },
    ...changes,
  });
}

/** Fresh account ids and root emails for tests that add accounts to the simulator one test at a time. */
export function accountSeries(label: string, prefix: string) {
  let n = 0;
  return () => {
    n += 1;
    const id = `${prefix}${String(n).padStart(12 - prefix.length, '0')}` as AccountId;
    return { n, id, email: `${label}-${n}@sandboxes.example.com` };
  };
}
