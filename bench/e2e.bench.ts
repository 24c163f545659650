/**
 * End-to-end benchmark of the local stack (`startLocalStack`: moto, the console, 2captcha, phone and Slack
 * simulators, the bot and every worker in this process), driven through the playground's HTTP routes as people
 * would drive it: alice types `/sandbox delete …`, bob clicks Approve.
 *
 * - `display_lag_ms`: one remove teardown (waits a tenth of the ones below) watched twice: in a real Chromium page
 *   of the playground (a MutationObserver notes each change of the request message and its thread) and by reading
 *   `/playground/state` every 50 ms. Per transition of its event log, the time until the status line shows it (or
 *   anything later); per finished step, the time until its reply is in the thread. The page asks for the state every
 *   700 ms and the bot posts at most one message a second per channel, as Slack allows.
 * - `overhead_ratio`: one remove teardown of an account whose phone check is a PIN (so AWS calls our line) with
 *   the injected waits of the issue (CAPTCHA solving 15 s, mail 10 s, call 30 s, each page load 1 s; all times
 *   BENCH_E2E_WAIT_SCALE): from the Approve click to `succeeded`, over the waits the simulators injected meanwhile.
 * - `api_path_ms`: the close path with no injected waits, from the Approve click until moto says SUSPENDED
 *   (DescribeAccount polled every 25 ms); the median of BENCH_E2E_API_RUNS accounts.
 * - `parallel20_ratio`: BENCH_E2E_PARALLEL (20) remove teardowns at once on a fresh stack, half PIN (a call), half
 *   texted code, with 4 lines, waits as for overhead_ratio: from the first Approve click to the last `succeeded`,
 *   over the physical floor (see `physicalFloor`). `crosstalk`: calls, texts, reset links and root passwords that
 *   did not reach their own teardown. `peak_rss_mb`: this process and its descendants (moto, Chromium) meanwhile.
 *
 * A teardown that asks for a person gets bob's Retry (counted as `person_retries`). The bench follows teardowns as the workers write them, not by reading the
 * table, so that it does not load moto itself. Knobs: BENCH_E2E_WAIT_SCALE (1), BENCH_E2E_PARALLEL (20),
 * BENCH_E2E_API_RUNS (3), BENCH_E2E_PARALLEL_TIMEOUT_MS (600000). About 11 minutes on 2 cores.
 *
 * Figures print as `name=value` as they come; lines starting with `#` say where the time went.
 */
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateAccountCommand,
  DescribeAccountCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import puppeteer from 'puppeteer-core';
import type { AccountId } from '../src/common/account-id';
import { SecretsManagerRootCredentials } from '../src/console/adapters/secrets-manager-root-credentials';
import type { Realism } from '../src/local/realism';
import { LOCAL_PEOPLE, type LocalStack, startLocalStack } from '../src/local/stack';
import { STRATEGY_STEPS } from '../src/pipeline/catalogue';
import type { Teardown, TeardownEvent } from '../src/pipeline/model';
import { SIGNAL } from '../src/pipeline/signals';
import { timeCalls } from './support/call-timer';
import { DisplayLog } from './support/display-lag';
import { type LineLedger, watchLineLeases } from './support/line-ledger';
import { type Button, PlaygroundClient } from './support/playground-client';
import { sampleProcessTree, type TreeUsage } from './support/process-tree';
import { percentile } from './support/stats';
import { type TeardownWatch, watchTeardowns } from './support/teardown-watch';

const WAIT_SCALE = Number(process.env.BENCH_E2E_WAIT_SCALE ?? 1);
const PARALLEL = Number(process.env.BENCH_E2E_PARALLEL ?? 20);
const API_RUNS = Number(process.env.BENCH_E2E_API_RUNS ?? 3);
const LINES = ['+15550101', '+15550102', '+15550103', '+15550104'];
const OVERHEAD_GOAL = 1.1;
const PARALLEL_GOAL = 1.25;
/** Beyond this the parallel run is cut short and reported as it stands (the whole bench stays near 15 minutes). */
const PARALLEL_TIMEOUT_MS = Number(process.env.BENCH_E2E_PARALLEL_TIMEOUT_MS ?? 600_000);
/** Where the local stack keeps its secrets (root passwords among them) in moto. */
const SECRET_PREFIX = 'sandbox-teardown-local';
const REQUESTER = LOCAL_PEOPLE.alice.id;
const APPROVER = LOCAL_PEOPLE.bob.id;
const DAY_MS = 86_400_000;
/** Slack's limit for acknowledging a command or a click. */
const SLACK_ACK_MS = 3_000;

const WAITS: Realism = {
  captchaSolveMs: 15_000 * WAIT_SCALE,
  mailDelayMs: 10_000 * WAIT_SCALE,
  callMs: 30_000 * WAIT_SCALE,
  pageLoadMs: 1_000 * WAIT_SCALE,
  captchaGiveUpRate: 0,
  unknownPageRate: 0,
};
const NO_WAITS: Realism = {
  captchaSolveMs: 0,
  mailDelayMs: 0,
  callMs: 0,
  pageLoadMs: 0,
  captchaGiveUpRate: 0,
  unknownPageRate: 0,
};
/** Short waits for the watched teardown: its transitions still come seconds apart, as a viewer sees them. */
const DISPLAY_WAITS: Realism = {
  ...WAITS,
  captchaSolveMs: WAITS.captchaSolveMs / 10,
  mailDelayMs: WAITS.mailDelayMs / 10,
  callMs: WAITS.callMs / 10,
  pageLoadMs: WAITS.pageLoadMs / 10,
};

type Injected = ReturnType<LocalStack['world']['injected']>;
const sumOf = (i: Injected) => i.captchaMs + i.mailMs + i.callMs + i.pageMs;
const minus = (a: Injected, b: Injected): Injected => ({
  captchaMs: a.captchaMs - b.captchaMs,
  mailMs: a.mailMs - b.mailMs,
  callMs: a.callMs - b.callMs,
  pageMs: a.pageMs - b.pageMs,
});
const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);
const p = (values: readonly number[], q: number) => percentile(sorted(values), q);
const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : 'NaN');
const load = () => {
  const [one = 0, five = 0] = loadavg();
  return `load_1m=${one.toFixed(2)} load_5m=${five.toFixed(2)}`;
};

/** A local stack on free ports with the bench's four lines, and a watch on its teardowns. */
async function startStack(realism: Realism): Promise<{ stack: LocalStack; watch: TeardownWatch }> {
  const stack = await startLocalStack({
    port: 0,
    smtpPort: 0,
    realism,
    env: { ...process.env, PHONE_LINES: LINES.join(','), POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  return { stack, watch: watchTeardowns(stack.runtime.teardowns) };
}

/** What requesting and approving took: when each Approve was clicked, and the commands' acknowledgements. */
interface Requested {
  clickedAt: Map<string, number>;
  /** How long the bot took to acknowledge each command (ms). */
  ackMs: number[];
  /** Commands the bot did not acknowledge within Slack's 3 s (the request went on regardless). */
  lateAcks: number;
}

/**
 * Requests a teardown of each account as alice, one command after the other, waits for each Approve button; then
 * bob clicks them one by one.
 */
async function requestAndApprove(
  stack: LocalStack,
  accounts: readonly string[],
  options: { remove: boolean },
): Promise<Requested> {
  const client = new PlaygroundClient(stack.url);
  const ackMs: number[] = [];
  let lateAcks = 0;
  for (const id of accounts) {
    const answer = await client.command(
      REQUESTER,
      `delete ${id}${options.remove ? ' --remove' : ''} benchmark`,
    );
    ackMs.push(answer.elapsedMs);
    if (answer.status !== 200 || answer.elapsedMs > SLACK_ACK_MS) lateAcks++;
  }
  const buttons = new Map<string, Button>();
  const deadline = Date.now() + 60_000 + accounts.length * 3_000;
  while (buttons.size < accounts.length) {
    if (Date.now() > deadline) {
      throw new Error(`only ${buttons.size} of ${accounts.length} requests show an Approve button`);
    }
    const state = await client.state(APPROVER);
    for (const id of accounts) {
      const button = PlaygroundClient.approveButton(state, id);
      if (button) buttons.set(id, button);
    }
    if (buttons.size < accounts.length) await sleep(200);
  }
  const clickedAt = new Map<string, number>();
  for (const id of accounts) {
    const button = buttons.get(id);
    if (!button) continue;
    clickedAt.set(id, Date.now());
    const answer = await client.click(APPROVER, button);
    if (answer.status !== 200) throw new Error(`the Approve click for ${id} was answered ${answer.status}`);
  }
  return { clickedAt, ackMs, lateAcks };
}

/** How a set of teardowns ended: the final records, and those still running at the deadline or waiting for a person. */
interface Ended {
  records: Map<string, Teardown>;
  /** Still running at the deadline, or waiting for a person once more than the bench answers. */
  stuck: Teardown[];
  /** Prompts for a person the bench answered with Retry (as bob), by account. */
  retries: Map<string, number>;
}

/** Retries the bench presses per teardown, as a person in the thread would, before it gives up on it. */
const RETRIES_PER_TEARDOWN = 2;

/**
 * Waits until every teardown has ended, or the deadline passed, following the records as the workers write them
 * (the table itself is read only every 10 s, as a safety net). A teardown that asks for a person gets one: bob
 * presses Retry on its prompt (counted), up to RETRIES_PER_TEARDOWN times; after that it counts as stuck.
 */
async function ended(
  stack: LocalStack,
  watch: TeardownWatch,
  accounts: readonly string[],
  timeoutMs: number,
): Promise<Ended> {
  const client = new PlaygroundClient(stack.url);
  const records = new Map<string, Teardown>();
  const retries = new Map<string, number>();
  const answered = new Set<string>();
  const givenUp = new Set<string>();
  const read = new Map<string, Teardown>();
  const deadline = Date.now() + timeoutMs;
  let readAt = 0;
  const current = (id: string) => {
    const seen = watch.latest(id);
    const stored = read.get(id);
    if (!seen) return stored;
    return stored && stored.teardownId === seen.teardownId && stored.version > seen.version ? stored : seen;
  };
  for (;;) {
    if (Date.now() - readAt >= 10_000) {
      readAt = Date.now();
      for (const id of accounts) {
        if (records.has(id) || givenUp.has(id)) continue;
        const stored = await stack.runtime.teardowns.get(id as AccountId);
        if (stored) read.set(id, stored);
      }
    }
    for (const id of accounts) {
      if (records.has(id) || givenUp.has(id)) continue;
      const teardown = current(id);
      if (!teardown) continue;
      if (teardown.status !== 'active') {
        records.set(id, teardown);
        continue;
      }
      const waitsForPerson =
        teardown.wait?.signal === SIGNAL.human || teardown.wait?.signal === SIGNAL.captchaAnswer;
      const waitKey = `${teardown.teardownId}@${teardown.version}`;
      if (!waitsForPerson || answered.has(waitKey)) continue;
      if ((retries.get(id) ?? 0) >= RETRIES_PER_TEARDOWN || teardown.wait?.signal !== SIGNAL.human) {
        givenUp.add(id);
        continue;
      }
      // The prompt may still be queued behind the channel's posts: pressed once it shows.
      const button = PlaygroundClient.retryButton(await client.state(APPROVER), id);
      if (!button) continue;
      answered.add(waitKey);
      retries.set(id, (retries.get(id) ?? 0) + 1);
      console.log(
        `# a person was needed: ${id} at ${teardown.step} (${teardown.wait?.reason}); bob pressed Retry`,
      );
      await client.click(APPROVER, button);
    }
    if (records.size + givenUp.size === accounts.length || Date.now() > deadline) {
      const stuck = accounts
        .filter((id) => !records.has(id))
        .map(current)
        .filter((t): t is Teardown => t !== undefined);
      return { records, stuck, retries };
    }
    await sleep(200);
  }
}

function describeStuck(stuck: readonly Teardown[]): void {
  for (const t of stuck) {
    console.log(
      `# not ended: ${t.accountId} at ${t.step} (${t.stepStatus}${t.wait ? `: ${t.wait.reason}` : ''})` +
        `${t.lastError ? `, last error: ${t.lastError}` : ''}`,
    );
  }
}

/** Per step of one teardown: from its first claim to its success (waits and reruns included). */
function stepTimes(events: readonly TeardownEvent[]): Map<string, number> {
  const times = new Map<string, number>();
  const started = new Map<string, number>();
  for (const event of events) {
    if (event.action === 'claimed' && !started.has(event.step)) started.set(event.step, event.at);
    if (event.action === 'step-succeeded') {
      const from = started.get(event.step);
      if (from !== undefined) times.set(event.step, event.at - from);
    }
  }
  return times;
}

/** The simulators' injected waits at each state write of one account's teardown (by event version). */
function injectedAtWrites(stack: LocalStack, accountId: string) {
  const store = stack.runtime.teardowns;
  const own = Object.hasOwn(store, 'transition');
  const original = store.transition;
  const marks = new Map<number, { at: number; injected: Injected }>();
  store.transition = async (expectedVersion, next, event) => {
    if (next.accountId === accountId)
      marks.set(event.version, { at: event.at, injected: stack.world.injected() });
    return original.call(store, expectedVersion, next, event);
  };
  return {
    marks,
    restore() {
      if (own) store.transition = original;
      else delete (store as Partial<typeof store>).transition;
    },
  };
}

/**
 * Our own time per step (first claim to success, less the waits injected meanwhile) and between steps (a step's
 * success to the next claim: the hand-off), from the injected waits recorded at each state write. A wait is
 * counted where it starts: the reset mail's delay starts at the end of request-reset and is spent in
 * await-reset-mail, so those two are one figure.
 */
function ownTimes(
  events: readonly TeardownEvent[],
  marks: ReadonlyMap<number, { at: number; injected: Injected }>,
): string {
  const parts: string[] = [];
  let handOffs = 0;
  let lastEnd: { at: number; injected: Injected } | undefined;
  let pending: { name: string; start: { at: number; injected: Injected } } | undefined;
  for (const event of events) {
    const mark = marks.get(event.version);
    if (!mark) continue;
    if (event.action === 'claimed' && !pending) {
      if (lastEnd) handOffs += mark.at - lastEnd.at - sumOf(minus(mark.injected, lastEnd.injected));
      pending = { name: event.step, start: mark };
    } else if (event.action === 'step-succeeded' && !pending) {
      // The approval: Bob's click ends it, no claim of ours.
      lastEnd = mark;
    } else if (event.action === 'step-succeeded' && pending) {
      if (event.step === 'request-reset') {
        pending.name = 'request-reset+await-reset-mail';
        continue;
      }
      const own = mark.at - pending.start.at - sumOf(minus(mark.injected, pending.start.injected));
      parts.push(`${pending.name}=${f0(own)}`);
      lastEnd = mark;
      pending = undefined;
    }
  }
  return `${parts.join(' ')} hand-offs=${f0(handOffs)}`;
}

/**
 * The shortest time N remove teardowns sharing `lines` phone lines could take, given the waits the outside world
 * imposes. Everything but the phone lines runs side by side (2captcha, the mail and AWS serve every account at
 * once), so the last teardown needs one teardown's own injected waits (`soloInjectedMs`, measured alone, its call
 * included) plus the line holds the pool makes it wait for. A line is physically held from the moment the number is
 * sent until the page says verified: for a PIN, AWS's call (`callHoldMs` = the call plus the one page load after
 * it; the load right after the number is sent overlaps the call); for a texted code, the two page loads (the code
 * page, the page after the code) — the text itself comes at once. Packed at best onto the lines, the holds take at
 * least `rounds × callHoldMs` (calls come in rounds of `lines`) and at least the total hold time spread over the
 * lines; the last teardown's own call is already in `soloInjectedMs`.
 */
export function physicalFloor(input: {
  soloInjectedMs: number;
  callHoldMs: number;
  textHoldMs: number;
  calls: number;
  texts: number;
  lines: number;
}): { floorMs: number; linePhaseMs: number } {
  const { soloInjectedMs, callHoldMs, textHoldMs, calls, texts, lines } = input;
  const rounds = Math.ceil(calls / lines);
  const linePhaseMs = Math.max(
    rounds * callHoldMs,
    (calls * callHoldMs + texts * textHoldMs) / lines,
    calls > 0 ? callHoldMs : textHoldMs,
  );
  return { floorMs: soloInjectedMs + linePhaseMs - (calls > 0 ? callHoldMs : textHoldMs), linePhaseMs };
}

/** Watches the request message of `accountId` in a real Chromium page of the playground. */
async function watchPage(stack: LocalStack, accountId: string, log: DisplayLog) {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox'],
  });
  const page = await browser.newPage();
  await page.exposeFunction('benchSaw', (at: number, status: string, replies: string[]) =>
    log.saw(at, status, replies),
  );
  await page.goto(stack.url, { waitUntil: 'load' });
  // A script of its own (text): the bundler's helpers do not exist in the page.
  await page.evaluate(`(() => {
    const id = ${JSON.stringify(accountId)};
    const report = () => {
      const top = [...document.querySelectorAll('.msg')].find(
        (m) => !m.closest('.thread') && (m.textContent || '').includes(id));
      if (!top) return;
      const status = top.querySelector(':scope > .content > .body')?.textContent || '';
      const replies = [...top.querySelectorAll('.thread .msg .body')].map((e) => e.textContent || '');
      window.benchSaw(Date.now(), status, replies);
    };
    new MutationObserver(report).observe(document.body, { childList: true, subtree: true, characterData: true });
    report();
  })()`);
  return { close: () => browser.close() };
}

/** Reads the request message of `accountId` from `/playground/state` every 50 ms, until stopped. */
function watchState(stack: LocalStack, accountId: string, log: DisplayLog) {
  const client = new PlaygroundClient(stack.url);
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      const message = PlaygroundClient.requestMessage(await client.state(APPROVER), accountId);
      if (message) {
        const status = message.blocks
          .map((b) => (b as { text?: { text?: string } }).text?.text ?? '')
          .join('\n');
        log.saw(
          at,
          status,
          message.replies.map((r) => r.text),
        );
      }
      await sleep(50);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

function cpuTotal(usage: TreeUsage): number {
  const cpu = usage.cpuSeconds;
  return cpu.node + cpu.moto + cpu.chromium + cpu.other;
}

/** CPU seconds by part over the sampled time, and how busy the machine's cores were (anyone's processes). */
function cpuText(usage: TreeUsage | undefined): string {
  if (!usage) return 'not sampled';
  const cores = cpus().length;
  const cpu = usage.cpuSeconds;
  const share = (seconds: number) => `${((100 * seconds) / (usage.wallSeconds * cores)).toFixed(0)} %`;
  return (
    `${usage.wallSeconds.toFixed(0)} s sampled: node ${cpu.node.toFixed(1)} s, moto ${cpu.moto.toFixed(1)} s, ` +
    `chromium ${cpu.chromium.toFixed(1)} s of cpu (ours ${share(cpuTotal(usage))} of ${cores} cores, the whole ` +
    `machine ${share(usage.machineCpuSeconds)}; ${load()})`
  );
}

function printStepTable(label: string, perTeardown: ReadonlyArray<Map<string, number>>): void {
  // Preflight and approval run before the click (approval's time is the approver's).
  const steps = STRATEGY_STEPS.remove.filter(
    (s) => s !== 'preflight' && s !== 'approval' && perTeardown.some((t) => t.has(s)),
  );
  const parts = steps.map((step) => {
    const times = perTeardown.map((t) => t.get(step)).filter((v): v is number => v !== undefined);
    return perTeardown.length === 1
      ? `${step}=${f0(times[0] ?? Number.NaN)}`
      : `${step}=${f0(p(times, 50))}/${f0(p(times, 100))}`;
  });
  console.log(`# ${label} step_ms${perTeardown.length === 1 ? '' : ' (p50/max)'}: ${parts.join(' ')}`);
}

// ─── Stack 1: display lag, one teardown alone, the close path ────────────────────────────────────────────────────

console.log(`# ${load()} wait_scale=${WAIT_SCALE} cores=${cpus().length}`);
let soloInjected: Injected | undefined;
let soloTotalMs = 0;
let soloSteps: Map<string, number> | undefined;
let soloCpu: TreeUsage | undefined;
{
  const started = performance.now();
  const { stack, watch } = await startStack(DISPLAY_WAITS);
  console.log(`# stack_start_ms=${f0(performance.now() - started)}`);
  try {
    const removable = stack.demo.sandboxes.filter((a) => a.ageDays >= 4 && !a.protected);
    const pinAccounts = removable.filter((a) => a.verification === 'pin');
    const [overheadAccount, displayAccount] = pinAccounts;
    if (!overheadAccount || !displayAccount) throw new Error('the demo has fewer than two PIN accounts');
    const closeAccounts = removable
      .filter((a) => a !== overheadAccount && a !== displayAccount)
      .slice(0, API_RUNS);

    // 3. display_lag_ms (first: it also starts the shared Chromium, which a running stack has started long ago).
    {
      const pageLog = new DisplayLog();
      const stateLog = new DisplayLog();
      const page = await watchPage(stack, displayAccount.id, pageLog);
      const state = watchState(stack, displayAccount.id, stateLog);
      const { clickedAt: clicked } = await requestAndApprove(stack, [displayAccount.id], { remove: true });
      const watched = await ended(stack, watch, [displayAccount.id], 300_000);
      describeStuck(watched.stuck);
      const [teardown] = watched.records.values();
      if (!teardown) throw new Error('the watched teardown did not end');
      // Until the thread shows the last reply.
      await stack.runtime.queue.idle();
      await sleep(1_500);
      await state.stop();
      await page.close();
      const events = await stack.runtime.teardowns.events(teardown.accountId, teardown.teardownId);
      const since = clicked.get(displayAccount.id) ?? 0;
      const onPage = pageLog.lags(teardown, events, since);
      const onServer = stateLog.lags(teardown, events, since);
      console.log(
        `display_lag_ms_p50=${f0(p(onPage.status, 50))} display_lag_ms_max=${f0(p(onPage.status, 100))} ` +
          `display_reply_lag_ms_p50=${f0(p(onPage.replies, 50))} display_reply_lag_ms_max=${f0(p(onPage.replies, 100))}`,
      );
      console.log(
        `# display: teardown ${teardown.status}, ${onPage.status.length} status transitions and ` +
          `${onPage.replies.length} step replies seen in the page (${onPage.unseen} unseen, ${onPage.skipped} not shown ` +
          `by design: API steps' claims, reruns); /playground/state read every 50 ms: status p50=${f0(p(onServer.status, 50))} ` +
          `max=${f0(p(onServer.status, 100))}, replies p50=${f0(p(onServer.replies, 50))} max=${f0(p(onServer.replies, 100))} ` +
          `(the page adds its 700 ms poll; replies wait for the channel's 1 post/s pace)`,
      );
    }

    // 1. overhead_ratio
    {
      stack.realism.set({ ...WAITS });
      await stack.runtime.queue.idle();
      const before = stack.world.injected();
      const marks = injectedAtWrites(stack, overheadAccount.id);
      const soloLines = watchLineLeases(stack.runtime.phoneLines);
      const { clickedAt: clicked } = await requestAndApprove(stack, [overheadAccount.id], { remove: true });
      const sampler = sampleProcessTree(process.pid, 200);
      const solo = await ended(stack, watch, [overheadAccount.id], 600_000 * Math.max(1, WAIT_SCALE)).finally(
        () => marks.restore(),
      );
      soloCpu = sampler.stop();
      soloLines.restore();
      describeStuck(solo.stuck);
      const [teardown] = solo.records.values();
      if (!teardown) throw new Error('the teardown did not end');
      const injected = minus(stack.world.injected(), before);
      const clickAt = clicked.get(overheadAccount.id) ?? 0;
      const totalMs = (teardown.endedAt ?? Date.now()) - clickAt;
      soloInjected = injected;
      soloTotalMs = totalMs;
      const ratio = totalMs / sumOf(injected);
      console.log(
        `overhead_ratio=${ratio.toFixed(3)} overhead_ok=${ratio <= OVERHEAD_GOAL} total_ms=${f0(totalMs)} ` +
          `injected_ms=${f0(sumOf(injected))} injected_captcha_ms=${f0(injected.captchaMs)} ` +
          `injected_mail_ms=${f0(injected.mailMs)} injected_call_ms=${f0(injected.callMs)} ` +
          `injected_page_ms=${f0(injected.pageMs)} own_ms=${f0(totalMs - sumOf(injected))} wait_scale=${WAIT_SCALE} ` +
          `status=${teardown.status}`,
      );
      if (injected.callMs < WAITS.callMs) {
        // The call lasts callMs in all, our contact flow's part included: a world that counts less leaves it to us.
        const withCallAsSet = totalMs / (sumOf(injected) - injected.callMs + WAITS.callMs);
        console.log(
          `# the simulated world counts ${f0(injected.callMs)} ms of the ${f0(WAITS.callMs)} ms call as injected; ` +
            `with the call at its set length the ratio is ${withCallAsSet.toFixed(3)}`,
        );
      }
      const events = await stack.runtime.teardowns.events(teardown.accountId, teardown.teardownId);
      const afterClick = events.filter((e) => e.at >= clickAt);
      console.log(
        `# solo own_ms by step (time minus the waits injected meanwhile): ${ownTimes(afterClick, marks.marks)}`,
      );
      soloSteps = stepTimes(events);
      console.log(`# solo cpu: ${cpuText(soloCpu)}`);
      const hold = soloLines.holds[0];
      console.log(
        `# solo line hold: ${hold?.until !== undefined ? f0(hold.until - hold.from) : 'none'} ms from lease to ` +
          `release; physically the call and the page after it take ${f0(injected.callMs + WAITS.pageLoadMs)} ms (the ` +
          `identity page's CAPTCHA is answered before the line is leased)`,
      );
      printStepTable('solo', [soloSteps]);
      const pages = WAITS.pageLoadMs > 0 ? injected.pageMs / WAITS.pageLoadMs : 0;
      const captchas = WAITS.captchaSolveMs > 0 ? injected.captchaMs / WAITS.captchaSolveMs : 0;
      console.log(`# solo: ${pages.toFixed(0)} page loads, ${captchas.toFixed(1)} CAPTCHAs, 1 mail, 1 call`);
    }

    // 2. api_path_ms
    {
      stack.realism.set({ ...NO_WAITS });
      const organizations = new OrganizationsClient({ endpoint: process.env.AWS_ENDPOINT_URL });
      const apiMs: number[] = [];
      const closedMs: number[] = [];
      for (const account of closeAccounts) {
        // Each on a quiet channel: the request message's post waits behind the channel's queued posts.
        await stack.runtime.queue.idle();
        const { clickedAt: clicked } = await requestAndApprove(stack, [account.id], { remove: false });
        const clickAt = clicked.get(account.id) ?? 0;
        for (;;) {
          const { Account } = await organizations.send(new DescribeAccountCommand({ AccountId: account.id }));
          if ((Account?.State ?? Account?.Status) === 'SUSPENDED') break;
          if (Date.now() - clickAt > 120_000) throw new Error(`${account.id} not SUSPENDED within 2 minutes`);
          await sleep(25);
        }
        apiMs.push(Date.now() - clickAt);
        const [teardown] = (await ended(stack, watch, [account.id], 300_000)).records.values();
        closedMs.push((teardown?.endedAt ?? Number.NaN) - clickAt);
      }
      console.log(
        `api_path_ms=${f0(p(apiMs, 50))} api_path_ms_max=${f0(p(apiMs, 100))} api_path_runs=${apiMs.length}`,
      );
      console.log(
        `# close path: approval to the teardown's end (its await-closed step polls moto every 5 s at first): ` +
          `p50=${f0(p(closedMs, 50))} ms`,
      );
    }
  } finally {
    await stack.stop();
  }
}

// ─── Stack 2: many teardowns at once ─────────────────────────────────────────────────────────────────────────────

{
  const { stack, watch } = await startStack(WAITS);
  let ledger: LineLedger | undefined;
  try {
    const organizations = new OrganizationsClient({ endpoint: process.env.AWS_ENDPOINT_URL });
    const accounts: Array<{ id: string; email: string; verification: 'pin' | 'code-sms' }> = [];
    for (let i = 0; i < PARALLEL; i++) {
      const name = `bench-parallel-${i + 1}`;
      const email = `${name}@sandboxes.example.com`;
      const { CreateAccountStatus } = await organizations.send(
        new CreateAccountCommand({ AccountName: name, Email: email }),
      );
      const id = CreateAccountStatus?.AccountId ?? '';
      await organizations.send(
        new MoveAccountCommand({
          AccountId: id,
          SourceParentId: stack.org.rootId,
          DestinationParentId: stack.org.ous.sandbox,
        }),
      );
      const verification = i % 2 === 0 ? 'pin' : 'code-sms';
      // The simulated AWS learns of it as it learned of the demo's accounts: joined a month ago.
      stack.world.console.addAccount({
        accountId: id,
        email,
        joinedAt: Date.now() - 30 * DAY_MS,
        verification,
      });
      accounts.push({ id, email, verification });
    }
    const ids = accounts.map((a) => a.id);
    ledger = watchLineLeases(stack.runtime.phoneLines);
    const transitions = timeCalls(stack.runtime.teardowns, ['transition']);
    const callsBefore = stack.world.phone.calls().length;
    const textsBefore = stack.world.phone.messages().length;
    const before = stack.world.injected();
    const sampler = sampleProcessTree(process.pid, 200);
    let usage: TreeUsage;
    let records: Map<string, Teardown>;
    let clicked: Map<string, number>;
    let requested: Requested;
    let personRetries = 0;
    try {
      requested = await requestAndApprove(stack, ids, { remove: true });
      clicked = requested.clickedAt;
      const all = await ended(stack, watch, ids, PARALLEL_TIMEOUT_MS);
      records = all.records;
      describeStuck(all.stuck);
      personRetries = [...all.retries.values()].reduce((a, b) => a + b, 0);
    } finally {
      usage = sampler.stop();
      transitions.restore();
    }
    const stoppedAt = Date.now();
    const firstClick = Math.min(...clicked.values());
    // A teardown that did not end counts until the run was cut short: the wall time is then a lower bound.
    const lastEnd = Math.max(
      ...ids.map((id) => {
        const record = records.get(id);
        return record ? (record.endedAt ?? stoppedAt) : stoppedAt;
      }),
    );
    const wallMs = lastEnd - firstClick;
    const calls = accounts.filter((a) => a.verification === 'pin').length;
    const texts = accounts.length - calls;
    if (!soloInjected) throw new Error('no solo run to take the floor from');
    const callHoldMs = soloInjected.callMs + WAITS.pageLoadMs;
    const textHoldMs = 2 * WAITS.pageLoadMs;
    const { floorMs, linePhaseMs } = physicalFloor({
      soloInjectedMs: sumOf(soloInjected),
      callHoldMs,
      textHoldMs,
      calls,
      texts,
      lines: LINES.length,
    });
    const ratio = wallMs / floorMs;
    const failed = [...records.values()].filter((t) => t.status !== 'succeeded');
    const succeeded = records.size - failed.length;
    console.log(
      `parallel20_ratio=${ratio.toFixed(3)} parallel_ok=${ratio <= PARALLEL_GOAL && succeeded === ids.length} ` +
        `wall_ms=${f0(wallMs)} floor_ms=${f0(floorMs)} teardowns=${accounts.length} succeeded=${succeeded} ` +
        `person_retries=${personRetries} ` +
        `lines=${LINES.length} browser_turns=${stack.browserTurns} wait_scale=${WAIT_SCALE}`,
    );
    console.log(
      `# floor = solo injected ${f0(sumOf(soloInjected))} + line phase ${f0(linePhaseMs)} - own call hold ` +
        `${f0(callHoldMs)} (${calls} calls of ${f0(callHoldMs)} ms and ${texts} texts of ${f0(textHoldMs)} ms on ` +
        `${LINES.length} lines); solo took ${f0(soloTotalMs)}`,
    );
    console.log(
      `# requests: ${ids.length} commands one after the other, acknowledged in p50=${f0(p(requested.ackMs, 50))} ` +
        `max=${f0(p(requested.ackMs, 100))} ms; ${requested.lateAcks} later than Slack's 3 s (the command waits for ` +
        `its request message's post, paced one a second per channel); approvals clicked within ` +
        `${f0(Math.max(...clicked.values()) - firstClick)} ms`,
    );
    const tasks = stack.world.captcha.tasks().filter((t) => t.createdAt >= firstClick);
    const rejected = stack.world.captcha.reports().filter((r) => r.kind === 'incorrect').length;
    console.log(
      `# CAPTCHAs: ${tasks.length} sent to the simulated 2captcha, ${tasks.filter((t) => t.answer === undefined).length} ` +
        `it could not read, ${rejected} answers the page rejected`,
    );
    for (const t of failed) {
      console.log(
        `# not succeeded: ${t.accountId} ${t.status} at ${t.step}: ${t.outcome ?? t.lastError ?? ''}`,
      );
    }

    // crosstalk: every PIN, code, reset link and password reached its own teardown.
    const byEmail = new Map(accounts.map((a) => [a.email.toLowerCase(), a]));
    let mismatches = 0;
    const problems: string[] = [];
    const mismatch = (what: string) => {
      mismatches++;
      if (problems.length < 10) problems.push(what);
    };
    const rel = (at: number | undefined) =>
      at === undefined ? '-' : `+${((at - firstClick) / 1000).toFixed(1)}s`;
    const holdsOn = (line: string) =>
      ledger?.holds
        .filter((h) => h.line === line)
        .map(
          (h) =>
            `${h.accountId.slice(-4)} ${rel(h.from)}..${rel(h.until)} pin ${rel(h.pinAt)} code ${rel(h.codeAt)}`,
        )
        .join('; ');
    const phoneCalls = stack.world.phone.calls().slice(callsBefore);
    for (const call of phoneCalls) {
      const hold = ledger.holderAt(call.to, call.at);
      if (hold?.pin !== undefined && call.digits === hold.pin) {
        if (stack.world.console.account(hold.accountId)?.verifiedPhone !== call.to) {
          mismatch(`${hold.accountId}'s phone is not the line it held`);
        }
        continue;
      }
      const keyedFor = ledger.holds.find((h) => h.pin !== undefined && h.pin === call.digits);
      mismatch(
        `a call to ${call.to} at ${rel(call.at)} (${call.ended}) keyed ${
          keyedFor
            ? `the PIN of ${keyedFor.accountId.slice(-4)}`
            : `no teardown's PIN (${call.digits.length} digits)`
        }; holder then ${hold ? hold.accountId.slice(-4) : 'none'}; holds on the line: ${holdsOn(call.to)}`,
      );
    }
    const phoneTexts = stack.world.phone
      .messages()
      .slice(textsBefore)
      .filter((m) => m.delivery !== 'not-ours');
    for (const text of phoneTexts) {
      const hold = ledger.holderAt(text.to, text.at);
      const code = /\b(\d{4,8})\b/.exec(text.body)?.[1];
      if (hold && code !== undefined && hold.code === code) {
        if (stack.world.console.account(hold.accountId)?.verifiedPhone !== text.to) {
          mismatch(`${hold.accountId}'s phone is not the line it held`);
        }
        continue;
      }
      const takenBy = ledger.holds.find((h) => h.code !== undefined && h.code === code);
      mismatch(
        `a text to ${text.to} at ${rel(text.at)} (${text.delivery}, ${text.attempts} deliveries) was taken by ${
          takenBy ? takenBy.accountId.slice(-4) : 'no teardown'
        }; holder then ${hold ? hold.accountId.slice(-4) : 'none'}; holds on the line: ${holdsOn(text.to)}`,
      );
    }
    for (const refused of ledger.refused) {
      mismatch(
        `${refused.accountId.slice(-4)}'s ${refused.kind} for ${refused.line} at ${rel(refused.at)} was refused`,
      );
    }
    for (const account of accounts) {
      const held = ledger.holds.filter((h) => h.accountId === account.id);
      const reached =
        account.verification === 'pin'
          ? phoneCalls.some((c) => held.some((h) => h.line === c.to && h.from <= c.at))
          : phoneTexts.some((m) => held.some((h) => h.line === m.to && h.from <= m.at));
      if (!reached)
        mismatch(`${account.id} verified its phone without a ${account.verification} on its line`);
    }
    const mails = stack.activity().mails.filter((m) => m.at >= firstClick);
    for (const mail of mails) {
      if (!byEmail.has(mail.to.toLowerCase())) mismatch(`a mail to ${mail.to}, no teardown's root address`);
    }
    const credentials = new SecretsManagerRootCredentials(new SecretsManagerClient({}), {
      prefix: SECRET_PREFIX,
    });
    for (const account of accounts) {
      const taken = mails.filter(
        (m) => m.to.toLowerCase() === account.email.toLowerCase() && !m.kind.startsWith('not taken'),
      );
      if (taken.length === 0) mismatch(`no reset mail for ${account.id} was taken`);
      const simulated = stack.world.console.account(account.id);
      // The link sets the password of the account it was mailed for; it must be the one that teardown keeps.
      const kept = await credentials.password(account.id as AccountId).catch(() => undefined);
      if (!simulated?.password || simulated.password !== kept) {
        mismatch(`${account.id}'s root password is not the one its teardown keeps`);
      }
      if (!simulated?.closed || !simulated.removed) mismatch(`${account.id} is not removed and closed`);
    }
    console.log(
      `crosstalk=${mismatches} crosstalk_calls=${phoneCalls.length} crosstalk_texts=${phoneTexts.length} ` +
        `crosstalk_mails=${mails.length} crosstalk_passwords=${accounts.length}`,
    );
    for (const problem of problems) console.log(`# crosstalk: ${problem}`);
    console.log(
      `# phone: ${phoneCalls.length} calls for ${calls} PIN accounts, ${phoneTexts.length} texts for ${texts} ` +
        `texted-code accounts (a call or text more than one per account is a verification that failed first)`,
    );

    // peak_rss_mb and where the time went.
    const mb = (kb: number) => (kb / 1024).toFixed(0);
    console.log(
      `peak_rss_mb=${mb(usage.peakRssKb)} peak_rss_node_mb=${mb(usage.atPeakKb.node)} ` +
        `peak_rss_moto_mb=${mb(usage.atPeakKb.moto)} peak_rss_chromium_mb=${mb(usage.atPeakKb.chromium)} ` +
        `peak_processes=${usage.peakProcesses} rss_samples=${usage.samples}`,
    );
    const cores = cpus().length;
    const cpuUsed = cpuTotal(usage);
    console.log(
      `# parallel cpu: ${cpuText(usage)}; ${(cpuUsed / ids.length).toFixed(1)} cpu-s per teardown, which alone ` +
        `needs ${f0((1000 * cpuUsed) / cores)} ms of wall time on ${cores} cores (floor ${f0(floorMs)})`,
    );
    const perTeardown: Array<Map<string, number>> = [];
    const reachedPhone: number[] = [];
    const toLine: number[] = [];
    const phoneRuns: number[] = [];
    const holdsByKind = { pin: [] as number[], 'code-sms': [] as number[] };
    const totals: number[] = [];
    for (const account of accounts) {
      const record = records.get(account.id);
      if (!record) continue;
      const clickAt = clicked.get(account.id) ?? Number.NaN;
      const events = await stack.runtime.teardowns.events(record.accountId, record.teardownId);
      perTeardown.push(stepTimes(events));
      totals.push((record.endedAt ?? Number.NaN) - clickAt);
      const phoneClaims = events.filter((e) => e.step === 'verify-phone' && e.action === 'claimed');
      phoneRuns.push(phoneClaims.length);
      const hold = ledger.holds.find((h) => h.teardownId === record.teardownId);
      if (phoneClaims[0]) {
        reachedPhone.push(phoneClaims[0].at - clickAt);
        if (hold) toLine.push(hold.from - phoneClaims[0].at);
      }
      if (hold?.until !== undefined) holdsByKind[account.verification].push(hold.until - hold.from);
    }
    printStepTable('parallel', perTeardown);
    if (soloSteps) printStepTable('solo', [soloSteps]);
    const heldMs = ledger.holds.reduce((sum, h) => sum + ((h.until ?? lastEnd) - h.from), 0);
    console.log(
      `# parallel: teardown_ms p50=${f0(p(totals, 50))} max=${f0(p(totals, 100))}; verify-phone reached after ` +
        `p50=${f0(p(reachedPhone, 50))} max=${f0(p(reachedPhone, 100))} ms, its line leased after p50=${f0(p(toLine, 50))} ` +
        `max=${f0(p(toLine, 100))} ms more (queue included), in ${phoneRuns.reduce((a, b) => a + b, 0)} runs of the ` +
        `step for ${phoneRuns.length} teardowns (a run far back in the queue only looks at it; one near the front ` +
        `opens the wizard page)`,
    );
    const staleStamps = ledger.holds.map((h) => h.from - h.leasedAt);
    console.log(
      `# lease stamps: a grant was written up to ${f0(p(staleStamps, 100))} ms (p50 ${f0(p(staleStamps, 50))}) after ` +
        `the \`now\` its caller passed (a retry after a lost race moves it on; the read and the write are moto's time; ` +
        `inbound texts are checked against it)`,
    );
    console.log(
      `# lines: held per PIN p50=${f0(p(holdsByKind.pin, 50))} max=${f0(p(holdsByKind.pin, 100))} ms ` +
        `(physical ${f0(callHoldMs)}), per texted code p50=${f0(p(holdsByKind['code-sms'], 50))} ` +
        `max=${f0(p(holdsByKind['code-sms'], 100))} ms (physical ${f0(textHoldMs)}); busy ` +
        `${((100 * heldMs) / (LINES.length * wallMs)).toFixed(0)} % of the wall time`,
    );
    const injected = minus(stack.world.injected(), before);
    console.log(
      `# parallel injected (all teardowns, queue polls' page loads included): captcha ${f0(injected.captchaMs)} ` +
        `mail ${f0(injected.mailMs)} call ${f0(injected.callMs)} page ${f0(injected.pageMs)} ms; ` +
        `${stack.world.console.captchaAnswers().length} CAPTCHA pictures shown`,
    );
    const writes = transitions.durations.get('transition') ?? [];
    console.log(
      `# state writes (moto DynamoDB): ${writes.length}, p50=${f0(p(writes, 50))} p99=${f0(p(writes, 99))} ` +
        `max=${f0(p(writes, 100))} ms`,
    );
    await stack.runtime.queue.idle();
    console.log(
      `# slack: the channel's posts were done ${f0(Date.now() - lastEnd)} ms after the ` +
        `last teardown ended (one post a second per channel)`,
    );
    if (succeeded < ids.length || mismatches > 0) process.exitCode = 1;
  } finally {
    ledger?.restore();
    await stack.stop();
  }
}
process.exit(process.exitCode ?? 0);
