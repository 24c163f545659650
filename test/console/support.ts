// Shared set-up of the browser worker's tests: the pipeline on moto with the real browser steps, the console
// simulator and 2captcha stand-in, and stand-ins for the steps of the next issues (so a remove teardown can run).

import type { AccountOptions, ConsoleSimOptions } from '../../sim/console';
import { seedFromOrganizations } from '../../sim/console';
import type { AccountId } from '../../src/common/account-id';
import { type BrowserStepPorts, browserStepHandlers } from '../../src/console/browser-steps';
import type { CaptchaPrompter } from '../../src/console/ports';
import { IMPLEMENTED_STEPS, type StepName } from '../../src/pipeline/catalogue';
import type { Teardown } from '../../src/pipeline/model';
import type { StepHandler } from '../../src/pipeline/step-handler';
import { type ConsoleRig, resetLinkFrom, startConsoleRig } from '../support/console-rig';
import { createPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { requestApprovedRemoval } from '../support/runner-rig';

/** The steps after sign-in belong to the next issues: here they stop the teardown where a person would look. */
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
export function lateBrowserSteps() {
  const late: Partial<Record<StepName, StepHandler>> = {};
  const steps = [...IMPLEMENTED_STEPS.browser, ...(Object.keys(LATER_STEPS) as StepName[])];
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
      Object.assign(late, browserStepHandlers(ports), LATER_STEPS, extra);
    },
  };
}

export interface BrowserWorld {
  h: PipelineHarness;
  rig: ConsoleRig;
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
  const world: BrowserWorld = {
    h,
    rig,
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

/** The mail Lambda's signal (the next issue's), sent here from the simulator's newest reset mail. */
export async function resetMailArrives(w: BrowserWorld): Promise<void> {
  const link = resetLinkFrom(w.rig.sim, w.email);
  await w.h.runner.resume(w.id, { name: 'reset-link', actor: 'mail', payload: { link } });
  await w.h.runUntilQuiet();
}
