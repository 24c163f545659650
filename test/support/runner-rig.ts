// The runners of one test over whichever ports it gives (moto or memory), driven by a clock the test moves.
import type { Config } from '../../src/common/config';
import { createLogger } from '../../src/common/logger';
import type { StepMetrics } from '../../src/common/metrics';
import { InProcessDispatcher, InProcessTimers } from '../../src/local/in-process';
import { IMPLEMENTED_STEPS, STEPS, type StepName, type Worker } from '../../src/pipeline/catalogue';
import { pipelineStepHandlers } from '../../src/pipeline/pipeline-worker';
import type { DataPorts } from '../../src/pipeline/ports/data-ports';
import type { TeardownNotice } from '../../src/pipeline/ports/notifier';
import type { RootAccess } from '../../src/pipeline/ports/root-access';
import type { TimerRequest } from '../../src/pipeline/ports/timers';
import { Runner } from '../../src/pipeline/runner';
import type { StepHandler } from '../../src/pipeline/step-handler';
import { FakeRootAccess } from './fakes';

/**
 * What a process running these stand-in handlers can do: the pipeline's own steps plus the stand-ins, and the
 * browser worker (in this process) as soon as any browser step has one.
 */
export function withStandIns(handlers: Partial<Record<StepName, StepHandler>> = {}) {
  const standIns = Object.keys(handlers) as StepName[];
  const capabilities: Record<Worker, StepName[]> = {
    pipeline: [...IMPLEMENTED_STEPS.pipeline, ...standIns.filter((s) => STEPS[s].worker === 'pipeline')],
    browser: standIns.filter((s) => STEPS[s].worker === 'browser'),
  };
  const workers: Worker[] = capabilities.browser.length > 0 ? ['pipeline', 'browser'] : ['pipeline'];
  return { capabilities, workers };
}

export interface RunnerRig {
  runner: Runner;
  dispatcher: InProcessDispatcher;
  timers: InProcessTimers;
  notices: TeardownNotice[];
  /** Retention timers that fired (the test decides what deleting means). */
  forgetTimers: TimerRequest[];
  measured: Array<{ step: string; outcome: string }>;
  now(): number;
  /** Moves the test clock forward. */
  advanceClock(ms: number): void;
  /** Waits until no hand-off is running or queued. */
  settle(): Promise<void>;
  /** Settles, fires timers that are due, and repeats until nothing is left to do now. */
  runUntilQuiet(): Promise<void>;
  /** Moves the clock to each pending timer in turn and runs, until no timer is left (bounded). */
  runAllTimers(maxRounds?: number): Promise<void>;
  /** Like runAllTimers, but only while `condition` holds (e.g. "still retrying preflight"). */
  runTimersWhile(condition: () => Promise<boolean>, maxRounds?: number): Promise<void>;
  /** A second runner on the same ports, as another Lambda container would be. */
  anotherRunner(handlers?: Partial<Record<StepName, StepHandler>>): Runner;
  stop(): Promise<void>;
}

/**
 * Handlers replace only the steps they name; a browser step given a stand-in handler runs in this process too
 * (as the browser worker), so whole remove-path teardowns can run before the real browser worker exists.
 */
export function rigRunners(options: {
  ports: DataPorts;
  config: Config;
  handlers?: Partial<Record<StepName, StepHandler>>;
  /** Centralized root access; by default off (moto has none of its APIs). */
  rootAccess?: RootAccess;
  startAt?: number;
}): RunnerRig {
  const { ports, config } = options;
  const rootAccess = options.rootAccess ?? new FakeRootAccess();
  let clock = options.startAt ?? Date.now();
  const now = () => clock;
  const notices: TeardownNotice[] = [];
  const measured: Array<{ step: string; outcome: string }> = [];
  const metrics: StepMetrics = { stepFinished: (step, outcome) => measured.push({ step, outcome }) };
  const { capabilities, workers } = withStandIns(options.handlers);
  const dispatcher = new InProcessDispatcher(workers);
  let primary: Runner | undefined;
  const forgetTimers: TimerRequest[] = [];
  const timers = new InProcessTimers(
    async (timer) =>
      timer.action === 'forget-root-credentials'
        ? void forgetTimers.push(timer)
        : primary?.advance(timer.accountId),
    {
      clock: now,
      realTime: false,
    },
  );
  const logger = createLogger('test', { logLevel: 'ERROR' });
  const build = (workerId: string, handlers?: Partial<Record<StepName, StepHandler>>) =>
    new Runner({
      ...ports,
      config,
      capabilities,
      dispatcher,
      timers,
      notifier: { notify: async (n) => void notices.push(n) },
      logger,
      metrics,
      workerId,
      clock: now,
      random: () => 0.5,
      handlers: { ...pipelineStepHandlers({ ...ports, rootAccess, timers }), ...handlers },
    });
  primary = build('worker-1', options.handlers);
  const runner = primary;
  dispatcher.connect((worker, { accountId }) => runner.advance(accountId, worker));

  const settle = () => dispatcher.idle();
  const runUntilQuiet = async () => {
    do await settle();
    while ((await timers.fireDue()) > 0);
    await settle();
  };
  const runTimersWhile = async (condition: () => Promise<boolean>, maxRounds = 50) => {
    await runUntilQuiet();
    for (let round = 0; round < maxRounds; round++) {
      const next = timers.list()[0];
      if (!next || !(await condition())) return;
      clock = Math.max(clock, next.at);
      await runUntilQuiet();
    }
    throw new Error(`timers still pending after ${maxRounds} rounds`);
  };
  let others = 1;
  return {
    runner,
    dispatcher,
    timers,
    notices,
    forgetTimers,
    measured,
    now,
    advanceClock: (ms) => {
      clock += ms;
    },
    settle,
    runUntilQuiet,
    runAllTimers: (maxRounds = 50) => runTimersWhile(async () => true, maxRounds),
    runTimersWhile,
    anotherRunner: (handlers) => build(`worker-${++others}`, handlers),
    async stop() {
      dispatcher.release();
      await settle();
      timers.stop();
    },
  };
}

/** A reset link as AWS's mail carries it (the token is what must never be shown anywhere). */
export const RESET_LINK = 'https://signin.aws.amazon.com/resetpassword?type=RootUser&token=s3cr3t-t0ken';

/** A remove-path teardown requested, run to its approval, approved and run on until it waits. */
export async function requestApprovedRemoval(rig: Pick<RunnerRig, 'runner' | 'runUntilQuiet'>, id: string) {
  await rig.runner.request({ accountId: id, requester: 'UREQUESTER1', strategy: 'remove' });
  await rig.runUntilQuiet();
  await rig.runner.resume(id, { name: 'approval', actor: 'UAPPROVER1', payload: { decision: 'approve' } });
  await rig.runUntilQuiet();
}

/** The mail Lambda's signal: the reset link of this account's root user arrived. */
export const resetMailArrives = (rig: Pick<RunnerRig, 'runner'>, id: string) =>
  rig.runner.resume(id, { name: 'reset-link', actor: 'mail', payload: { link: RESET_LINK } });
