// Shared set-up of the browser worker's tests: the pipeline on moto with the real browser steps, the console
// simulator and 2captcha stand-in, and stand-ins for the steps of the next issues (so a remove teardown can run).

import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { AccountOptions, ConsoleSimOptions } from '../../sim/console';
import { type SimMail, seedFromOrganizations } from '../../sim/console';
import type { AccountId } from '../../src/common/account-id';
import { createLogger } from '../../src/common/logger';
import { type BrowserStepPorts, browserStepHandlers } from '../../src/console/browser-steps';
import type { CaptchaPrompter } from '../../src/console/ports';
import { S3MailObjects } from '../../src/mail/adapters/s3-mail-objects';
import { loadMailSettings } from '../../src/mail/classify';
import { handleMailEvent } from '../../src/mail/handler';
import { type MailIntakeDeps, MailTooEarlyError } from '../../src/mail/intake';
import { s3EventFor } from '../../src/mail/s3-event';
import { IMPLEMENTED_STEPS, type StepName } from '../../src/pipeline/catalogue';
import type { Teardown } from '../../src/pipeline/model';
import type { StepHandler } from '../../src/pipeline/step-handler';
import { type ConsoleRig, startConsoleRig } from '../support/console-rig';
import { createPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { requestApprovedRemoval } from '../support/runner-rig';

/** The first half's tests stop after sign-in: the later steps wait where a person would look. */
const notYet: StepHandler = {
  async run() {
    return { type: 'await', signal: 'human', reason: 'stand-in: this step comes with a later issue' };
  },
};
const LATER_STEPS: Partial<Record<StepName, StepHandler>> = {
  'complete-signup': notYet,
  'verify-phone': notYet,
  'remove-from-org': notYet,
  'close-as-root': notYet,
};

/**
 * The handlers of a remove teardown's browser steps (and stand-ins for the later ones), bound late: the browser
 * steps need the harness's challenge store, and the harness needs the handlers to know what it can run.
 */
export function lateBrowserSteps(options: { wholePath?: boolean; alsoLate?: StepName[] } = {}) {
  const late: Partial<Record<StepName, StepHandler>> = {};
  const stopAfterSignIn = options.wholePath ? {} : LATER_STEPS;
  const steps = [
    ...new Set([
      ...IMPLEMENTED_STEPS.browser,
      ...(Object.keys(stopAfterSignIn) as StepName[]),
      ...(options.alsoLate ?? []),
    ]),
  ];
  const handlers = Object.fromEntries(
    steps.map((step): [StepName, StepHandler] => [
      step,
      {
        run: (ctx) => {
          const handler = late[step];
          if (!handler) throw new Error(`no handler for ${step} yet`);
          return handler.run(ctx);
        },
      },
    ]),
  );
  return {
    handlers,
    bind(ports: BrowserStepPorts, extra: Partial<Record<StepName, StepHandler>> = {}) {
      Object.assign(late, browserStepHandlers(ports), stopAfterSignIn, extra);
    },
  };
}

export interface BrowserWorld {
  h: PipelineHarness;
  rig: ConsoleRig;
  /** The mail intake as the mail Lambda wires it (S3 on moto, the harness's store and runner). */
  mail: MailIntakeDeps;
  /** The simulator's mails SES has not delivered yet. */
  mailQueue: SimMail[];
  /** The sandbox account the tests tear down, and its root email. */
  id: AccountId;
  email: string;
  teardown(): Promise<Teardown>;
  close(): Promise<void>;
}

export async function browserWorld(
  options: {
    sim?: ConsoleSimOptions;
    account?: Partial<Omit<AccountOptions, 'accountId' | 'email'>>;
    prompter?: CaptchaPrompter;
    pageTimeoutMs?: number;
    handlers?: Partial<Record<StepName, StepHandler>>;
  } = {},
): Promise<BrowserWorld> {
  const steps = lateBrowserSteps();
  const h = await createPipelineHarness({ handlers: steps.handlers });
  const rig: ConsoleRig = await startConsoleRig({
    challenges: h.ports.captchaChallenges,
    ...(options.prompter ? { prompter: options.prompter } : {}),
    ...(options.sim ? { sim: options.sim } : {}),
    ...(options.pageTimeoutMs ? { pageTimeoutMs: options.pageTimeoutMs } : {}),
  });
  steps.bind(rig.ports, options.handlers);
  await seedFromOrganizations(rig.sim, h.orgs);
  const { id, email } = h.org.accounts.sandbox1;
  if (options.account) rig.sim.updateAccount(id, options.account);
  const mailQueue: SimMail[] = [];
  rig.sim.onMail((m) => mailQueue.push(m));
  const world: BrowserWorld = {
    h,
    rig,
    mailQueue,
    mail: {
      objects: new S3MailObjects(rig.s3),
      teardowns: h.store,
      idempotency: h.ports.idempotency,
      sealed: rig.ports.sealed,
      runner: h.runner,
      settings: loadMailSettings({}),
      logger: createLogger('mail-test', { logLevel: 'ERROR' }),
    },
    id,
    email,
    teardown: async () => {
      const t = await h.store.get(id);
      if (!t) throw new Error('no teardown');
      return t;
    },
    async close() {
      await h.stop();
      await h.close();
      await rig.close();
    },
  };
  return world;
}

/** Requests and approves a remove teardown of the world's account and runs it until it waits. */
export const startRemoval = (w: BrowserWorld) => requestApprovedRemoval(w.h, w.id);

/**
 * Hands the simulator's mails to the mail intake the way SES and S3 would: each stored in the bucket under the
 * receipt rule's prefix, then the handler with S3's event. A mail that comes before its teardown waits is
 * delivered again once the pipeline settled (Lambda's retry). Returns what became of each.
 */
export async function deliverMails(w: BrowserWorld, options: { twice?: boolean; reverse?: boolean } = {}) {
  const mails = w.mailQueue.splice(0);
  if (options.reverse) mails.reverse();
  const outcomes: unknown[] = [];
  for (const mail of options.twice ? [...mails, ...mails] : mails) {
    const key = `inbound/${createHash('sha256').update(mail.raw).digest('hex').slice(0, 20)}`;
    await w.rig.s3.send(new PutObjectCommand({ Bucket: w.rig.bucket, Key: key, Body: mail.raw }));
    const event = s3EventFor({ bucket: w.rig.bucket, key }, mail.raw.length);
    for (let attempt = 1; ; attempt++) {
      try {
        outcomes.push(await handleMailEvent(w.mail, event, w.mail.logger));
        break;
      } catch (error) {
        if (!(error instanceof MailTooEarlyError) || attempt > 3) throw error;
        await w.h.runUntilQuiet();
      }
    }
    await w.h.runUntilQuiet();
  }
  return outcomes;
}

/** The reset mail (and any mail before it) reaches the teardown through the mail intake. */
export async function resetMailArrives(w: BrowserWorld): Promise<void> {
  await deliverMails(w);
}
