/**
 * Browser worker benchmark against the console simulator, the 2captcha stand-in and moto:
 * - launch: Chromium started through `launchChromium` in simulator mode until its first page is open;
 * - the `request-reset` step (a CAPTCHA on every page, read by the 2captcha stand-in at once) and the `sign-in` step
 *   (password set as set-password leaves it, straight in, no saved session), each on a fresh simulator account;
 * - the second half's browser steps from a saved root session: `complete-signup` (contact details and the card),
 *   `verify-phone` (the PIN keyed in by a phone that answers at once, then the support plan) and `close-as-root`;
 * - peak memory of what a browser Lambda holds during those steps: this process plus every Chromium process it
 *   started, sampled every 50 ms in extra runs of each step (not the timed ones). Summed RSS counts pages Chromium's processes share once per process, so PSS
 *   (each shared page split between its sharers) is printed beside it. This process also serves the simulators,
 *   which a Lambda would not, so both figures lean high.
 */
import { readFileSync } from 'node:fs';
import type { AccountId } from '../src/common/account-id';
import { browserStepHandlers } from '../src/console/browser-steps';
import { launchChromium } from '../src/console/chromium';
import { startMoto, useMotoInThisProcess } from '../src/local/moto';
import type { Teardown } from '../src/pipeline/model';
import type { StepOutcome } from '../src/pipeline/step-handler';
import { startConsoleRig } from '../test/support/console-rig';
import {
  MemoryCaptchaChallenges,
  MemoryPhoneLineLeases,
  stepContext,
  teardownAt,
} from '../test/support/fakes';
import { childrenOf } from './support/process-tree';
import { percentile } from './support/stats';

const RUNS = Number(process.env.BENCH_BROWSER_RUNS ?? 5);
const MEMORY_RUNS = Number(process.env.BENCH_BROWSER_MEMORY_RUNS ?? 2);
const SAMPLE_EVERY_MS = 50;
const PEAK_RSS_GOAL_MB = 1500;

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const ms = (values: number[], p: number) => percentile(sorted(values), p).toFixed(0);

/** `root` and all its descendants, leaving out the subtrees of `excluded`. */
function processTree(root: number, excluded: ReadonlySet<number>): number[] {
  const tree: number[] = [];
  const pending = [root];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    if (excluded.has(pid)) continue;
    tree.push(pid);
    pending.push(...childrenOf(pid));
  }
  return tree;
}

/** A `Name:   <n> kB` field of a /proc file, in kB; 0 once the process is gone. */
function kbField(path: string, name: string): number {
  try {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(path, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Peak RSS and PSS summed over this process and its descendants (but not those already running at start).
 * RSS is read every 50 ms. PSS comes from smaps_rollup, which walks a process's page tables: for Chromium, with
 * V8's large address-space reservations, that takes milliseconds per process, so it is read only when the summed
 * RSS reaches a new peak, and every tenth sample besides.
 */
class TreeMemorySampler {
  peakRssKb = 0;
  peakPssKb = 0;
  peakProcesses = 0;
  /** This process's own share of the peak RSS (it also serves the simulators, which a Lambda would not). */
  nodeRssAtPeakKb = 0;
  samples = 0;
  private readonly excluded: Set<number>;
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    // moto (and anything else already running under this process) is infrastructure, not the browser worker.
    this.excluded = new Set(processTree(process.pid, new Set()).filter((pid) => pid !== process.pid));
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
  }

  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  private sample(): void {
    const tree = processTree(process.pid, this.excluded);
    const rss = tree.reduce((sum, pid) => sum + kbField(`/proc/${pid}/status`, 'VmRSS'), 0);
    if (rss > this.peakRssKb || this.samples % 10 === 0) {
      const pss = tree.reduce((sum, pid) => sum + kbField(`/proc/${pid}/smaps_rollup`, 'Pss'), 0);
      this.peakPssKb = Math.max(this.peakPssKb, pss);
    }
    if (rss > this.peakRssKb) {
      this.peakRssKb = rss;
      this.nodeRssAtPeakKb = kbField(`/proc/${process.pid}/status`, 'VmRSS');
    }
    this.peakProcesses = Math.max(this.peakProcesses, tree.length);
    this.samples++;
  }
}

const mb = (kb: number) => (kb / 1024).toFixed(0);

const moto = await startMoto();
useMotoInThisProcess(moto);
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
const LINE = '+15550100';
const leases = new MemoryPhoneLineLeases();
const rig = await startConsoleRig({
  challenges: new MemoryCaptchaChallenges(),
  sim: { captcha: 'always', seed: 7 },
  leases,
  phoneLines: [{ number: LINE }],
});
// AWS's call is answered with the PIN the page showed, as soon as the step has put it on the line.
rig.sim.setPhoneNetwork({
  async call(to) {
    for (let i = 0; i < 400; i++) {
      const pin = (await leases.holderOf(to, Date.now()))?.pin;
      if (pin) return { digits: pin };
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return { digits: '' };
  },
  async sms() {},
});
rig.captcha.configure({ mode: 'solve', balance: 10, wrongAnswers: 0, delayMs: 0 });
try {
  // 1. Launch: Chromium up and a first page open, as ConsoleSession.open starts each step. The first launch (cold
  // disk cache, first puppeteer use) is reported apart from the median of the warm ones.
  const launchOnce = async () => {
    const started = performance.now();
    const browser = await launchChromium({ ...process.env, ...rig.simEnv });
    try {
      await browser.newPage();
      return performance.now() - started;
    } finally {
      await browser.close();
    }
  };
  const firstLaunch = await launchOnce();
  const launches: number[] = [];
  for (let i = 0; i < RUNS; i++) launches.push(await launchOnce());

  // 2. Steps, each on an account of its own so no saved session or earlier reset shortens it.
  type Step = 'request-reset' | 'sign-in' | 'complete-signup' | 'verify-phone' | 'close-as-root';
  type Account = { id: AccountId; email: string };
  let accounts = 0;
  const freshAccount = (): Account => {
    accounts++;
    const suffix = String(accounts).padStart(4, '0');
    return { id: `33333333${suffix}` as AccountId, email: `bench-${suffix}@sandboxes.example.com` };
  };
  const atStep = (step: Step, account: Account): Teardown =>
    teardownAt(step, account.id, {
      teardownId: `t-bench-${step}-${accounts}`,
      strategy: 'remove',
      slack: { channel: 'C0BENCH', requestTs: '1700000000.000100' },
      summary: {
        accountId: account.id,
        name: `sandbox-bench-${accounts}`,
        email: account.email,
        ouPath: 'Root / Sandbox',
        parentId: 'ou-sbx',
        joinedAt: undefined,
        state: 'ACTIVE',
      },
    });
  /** An account signed in as root, its session saved as the sign-in step leaves it (for the later steps). */
  const signedInAt = async (step: Step, account: Account, options: { signupDone?: boolean }) => {
    rig.sim.setFaults({ captcha: 'never' });
    const password = await rig.credentials.newPassword(account.id);
    rig.sim.addAccount({ accountId: account.id, email: account.email, password, joinedAt: 0, ...options });
    const cookie = rig.sim.openRootSession(account.id);
    await rig.sessions.save(atStep(step, account).teardownId, account.id, [
      { ...cookie, path: '/', expires: -1, httpOnly: true, secure: true },
    ]);
  };
  // What each step expects of the simulator and of the account it meets, and how its success reads.
  const steps: Record<Step, { prepare: (account: Account) => Promise<void>; success: RegExp }> = {
    'request-reset': {
      prepare: async (account) => {
        rig.sim.setFaults({ captcha: 'always' });
        rig.sim.addAccount({ accountId: account.id, email: account.email });
      },
      success: /CAPTCHA solved by 2captcha/,
    },
    'sign-in': {
      prepare: async (account) => {
        rig.sim.setFaults({ captcha: 'never' });
        const password = await rig.credentials.newPassword(account.id);
        rig.sim.addAccount({
          accountId: account.id,
          email: account.email,
          password,
          afterPassword: 'straight-in',
        });
      },
      success: /^signed in as root/,
    },
    'complete-signup': {
      prepare: (account) => signedInAt('complete-signup', account, {}),
      success: /payment card added; phone verification next/,
    },
    'verify-phone': {
      prepare: async (account) => {
        await signedInAt('verify-phone', account, { signupDone: true });
        rig.sim.updateAccount(account.id, { signup: { phone: false } });
      },
      success: /^phone verified on the line ending 0100/,
    },
    'close-as-root': {
      prepare: (account) => signedInAt('close-as-root', account, { signupDone: true }),
      success: /^closed as root/,
    },
  };
  const handlers = browserStepHandlers(rig.ports);
  let failures = 0;
  /** Runs the step once on a fresh account; its duration in ms, the account's setting-up left out. */
  const runStep = async (step: Step): Promise<number> => {
    const account = freshAccount();
    await steps[step].prepare(account);
    const started = performance.now();
    const outcome: StepOutcome = await handlers[step]!.run(stepContext(atStep(step, account)));
    const elapsed = performance.now() - started;
    if (outcome.type !== 'done' || !steps[step].success.test(outcome.note ?? '')) {
      failures++;
      console.error(`${step} ended ${outcome.type}${outcome.type === 'done' ? `: ${outcome.note}` : ''}`);
    }
    return elapsed;
  };
  const timed = async (step: Step): Promise<number[]> => {
    await runStep(step); // warms the SDK clients and the simulators' first pages
    const durations: number[] = [];
    for (let i = 0; i < RUNS; i++) durations.push(await runStep(step));
    return durations;
  };
  const resets = await timed('request-reset');
  const signIns = await timed('sign-in');
  const signups = await timed('complete-signup');
  const verifications = await timed('verify-phone');
  const closes = await timed('close-as-root');

  // 3. Memory, in runs of their own so that the sampler's reads do not slow the steps timed above.
  const peakDuring = async (step: Step) => {
    const sampler = new TreeMemorySampler();
    sampler.start();
    try {
      for (let i = 0; i < MEMORY_RUNS; i++) await runStep(step);
    } finally {
      sampler.stop();
    }
    return sampler;
  };
  const resetMemory = await peakDuring('request-reset');
  const signInMemory = await peakDuring('sign-in');
  const signupMemory = await peakDuring('complete-signup');
  const measured = [resetMemory, signInMemory, signupMemory];
  const peakRssKb = Math.max(...measured.map((m) => m.peakRssKb));
  const atPeak = measured.find((m) => m.peakRssKb === peakRssKb) ?? resetMemory;
  const peakPssKb = Math.max(...measured.map((m) => m.peakPssKb));

  console.log(
    `runs=${RUNS} browser_launch_ms=${ms(launches, 50)} browser_launch_ms_max=${ms(launches, 100)} ` +
      `browser_launch_ms_first=${firstLaunch.toFixed(0)}`,
  );
  console.log(
    `step_ms_request_reset=${ms(resets, 50)} step_ms_request_reset_max=${ms(resets, 100)} ` +
      `step_ms_sign_in=${ms(signIns, 50)} step_ms_sign_in_max=${ms(signIns, 100)} ` +
      `step_ms_complete_signup=${ms(signups, 50)} step_ms_verify_phone=${ms(verifications, 50)} ` +
      `step_ms_close_as_root=${ms(closes, 50)} failed=${failures}`,
  );
  console.log(
    `peak_rss_mb=${mb(peakRssKb)} peak_pss_mb=${mb(peakPssKb)} peak_rss_goal_mb=${PEAK_RSS_GOAL_MB} ` +
      `peak_rss_ok=${peakRssKb / 1024 <= PEAK_RSS_GOAL_MB}`,
  );
  console.log(
    `memory_runs=${MEMORY_RUNS} peak_rss_mb_request_reset=${mb(resetMemory.peakRssKb)} ` +
      `peak_pss_mb_request_reset=${mb(resetMemory.peakPssKb)} peak_rss_mb_sign_in=${mb(signInMemory.peakRssKb)} ` +
      `peak_pss_mb_sign_in=${mb(signInMemory.peakPssKb)} peak_rss_mb_complete_signup=${mb(signupMemory.peakRssKb)} ` +
      `node_rss_mb_at_peak=${mb(atPeak.nodeRssAtPeakKb)} ` +
      `peak_processes=${Math.max(...measured.map((m) => m.peakProcesses))} ` +
      `memory_samples=${measured.reduce((sum, m) => sum + m.samples, 0)}`,
  );
  if (failures > 0) process.exitCode = 1;
} finally {
  await rig.close();
  await moto.stop();
}
