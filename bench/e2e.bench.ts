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
import { timeCalls } from './support/call-timer';
import { DisplayLog } from './support/display-lag';
import { type LineLedger, watchLineLeases } from './support/line-ledger';
import { type ApproveButton, PlaygroundClient } from './support/playground-client';
import { sampleProcessTree, type TreeUsage } from './support/process-tree';
import { percentile } from './support/stats';

const WAIT_SCALE = Number(process.env.BENCH_E2E_WAIT_SCALE ?? 1);
const PARALLEL = Number(process.env.BENCH_E2E_PARALLEL ?? 20);
const API_RUNS = Number(process.env.BENCH_E2E_API_RUNS ?? 3);
const LINES = ['+15550101', '+15550102', '+15550103', '+15550104'];
const OVERHEAD_GOAL = 1.1;
const PARALLEL_GOAL = 1.25;
/** The simulators' own state lives in this process; the secrets in moto under the local stack's prefix. */
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

function startStack(realism: Realism): Promise<LocalStack> {
  return startLocalStack({
    port: 0,
    smtpPort: 0,
    realism,
    env: { ...process.env, PHONE_LINES: LINES.join(','), POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
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
  const buttons = new Map<string, ApproveButton>();
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

/** Waits until every teardown has ended; its final records. */
async function ended(
  stack: LocalStack,
  accounts: readonly string[],
  timeoutMs: number,
): Promise<Map<string, Teardown>> {
  const done = new Map<string, Teardown>();
  const deadline = Date.now() + timeoutMs;
  while (done.size < accounts.length) {
    for (const id of accounts) {
      if (done.has(id)) continue;
      const teardown = await stack.runtime.teardowns.get(id as AccountId);
      if (teardown && teardown.status !== 'active') done.set(id, teardown);
    }
    if (done.size === accounts.length) break;
    if (Date.now() > deadline) {
      const left = accounts.filter((id) => !done.has(id));
      const states = await Promise.all(left.map((id) => stack.runtime.teardowns.get(id as AccountId)));
      throw new Error(
        `${left.length} teardowns still running after ${timeoutMs} ms: ${states
          .map((t) => `${t?.step}/${t?.stepStatus} ${t?.wait?.reason ?? ''}`)
          .join('; ')}`,
      );
    }
    await sleep(250);
  }
  return done;
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

function printStepTable(label: string, perTeardown: ReadonlyArray<Map<string, number>>): void {
  const steps = STRATEGY_STEPS.remove.filter((s) => perTeardown.some((t) => t.has(s)));
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
{
  const started = performance.now();
  const stack = await startStack(DISPLAY_WAITS);
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
      const [teardown] = (await ended(stack, [displayAccount.id], 300_000)).values();
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
      const { clickedAt: clicked } = await requestAndApprove(stack, [overheadAccount.id], { remove: true });
      const [teardown] = (
        await ended(stack, [overheadAccount.id], 900_000 * Math.max(1, WAIT_SCALE))
      ).values();
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
      const events = await stack.runtime.teardowns.events(teardown.accountId, teardown.teardownId);
      soloSteps = stepTimes(events);
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
        const [teardown] = (await ended(stack, [account.id], 300_000)).values();
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
  const stack = await startStack(WAITS);
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
    try {
      requested = await requestAndApprove(stack, ids, { remove: true });
      clicked = requested.clickedAt;
      records = await ended(stack, ids, 1_200_000 * Math.max(1, WAIT_SCALE));
    } finally {
      usage = sampler.stop();
      transitions.restore();
    }
    const firstClick = Math.min(...clicked.values());
    const lastEnd = Math.max(...[...records.values()].map((t) => t.endedAt ?? Date.now()));
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
    console.log(
      `parallel20_ratio=${ratio.toFixed(3)} parallel_ok=${ratio <= PARALLEL_GOAL} wall_ms=${f0(wallMs)} ` +
        `floor_ms=${f0(floorMs)} teardowns=${accounts.length} succeeded=${accounts.length - failed.length} ` +
        `lines=${LINES.length} wait_scale=${WAIT_SCALE}`,
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
    const phoneCalls = stack.world.phone.calls().slice(callsBefore);
    for (const call of phoneCalls) {
      const hold = ledger.holderAt(call.to, call.at);
      if (!hold) mismatch(`a call to ${call.to} while no teardown held it`);
      else if (!hold.pin || call.digits !== hold.pin) mismatch(`a call to ${call.to} keyed another PIN`);
      else if (stack.world.console.account(hold.accountId)?.verifiedPhone !== call.to) {
        mismatch(`${hold.accountId}'s phone is not the line it held`);
      }
    }
    const phoneTexts = stack.world.phone
      .messages()
      .slice(textsBefore)
      .filter((m) => m.delivery !== 'not-ours');
    for (const text of phoneTexts) {
      const hold = ledger.holderAt(text.to, text.at);
      const code = /\b(\d{4,8})\b/.exec(text.body)?.[1];
      if (!hold) mismatch(`a text to ${text.to} while no teardown held it`);
      else if (!code || hold.code !== code) mismatch(`a text to ${text.to} was not taken by its holder`);
      else if (stack.world.console.account(hold.accountId)?.verifiedPhone !== text.to) {
        mismatch(`${hold.accountId}'s phone is not the line it held`);
      }
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

    // peak_rss_mb and where the time went.
    const mb = (kb: number) => (kb / 1024).toFixed(0);
    console.log(
      `peak_rss_mb=${mb(usage.peakRssKb)} peak_rss_node_mb=${mb(usage.atPeakKb.node)} ` +
        `peak_rss_moto_mb=${mb(usage.atPeakKb.moto)} peak_rss_chromium_mb=${mb(usage.atPeakKb.chromium)} ` +
        `peak_processes=${usage.peakProcesses} rss_samples=${usage.samples}`,
    );
    const cores = cpus().length;
    const cpu = usage.cpuSeconds;
    const ours = cpu.node + cpu.moto + cpu.chromium + cpu.other;
    console.log(
      `# cpu during the ${usage.wallSeconds.toFixed(0)} s: node ${cpu.node.toFixed(0)} s, moto ${cpu.moto.toFixed(0)} s, ` +
        `chromium ${cpu.chromium.toFixed(0)} s (ours ${((100 * ours) / (usage.wallSeconds * cores)).toFixed(0)} % of ` +
        `${cores} cores); the whole machine ${((100 * usage.machineCpuSeconds) / (usage.wallSeconds * cores)).toFixed(0)} % ` +
        `(${load()})`,
    );
    const perTeardown: Array<Map<string, number>> = [];
    const lineWaits: number[] = [];
    const holdsByKind = { pin: [] as number[], 'code-sms': [] as number[] };
    const totals: number[] = [];
    for (const account of accounts) {
      const record = records.get(account.id);
      if (!record) continue;
      const events = await stack.runtime.teardowns.events(record.accountId, record.teardownId);
      perTeardown.push(stepTimes(events));
      totals.push((record.endedAt ?? Number.NaN) - (clicked.get(account.id) ?? Number.NaN));
      const phoneClaim = events.find((e) => e.step === 'verify-phone' && e.action === 'claimed');
      const hold = ledger.holds.find((h) => h.teardownId === record.teardownId);
      if (phoneClaim && hold) lineWaits.push(hold.from - phoneClaim.at);
      if (hold?.until !== undefined) holdsByKind[account.verification].push(hold.until - hold.from);
    }
    printStepTable('parallel', perTeardown);
    if (soloSteps) printStepTable('solo', [soloSteps]);
    const heldMs = ledger.holds.reduce((sum, h) => sum + ((h.until ?? lastEnd) - h.from), 0);
    console.log(
      `# parallel: teardown_ms p50=${f0(p(totals, 50))} max=${f0(p(totals, 100))}; wait for a line ` +
        `p50=${f0(p(lineWaits, 50))} max=${f0(p(lineWaits, 100))}; line held per PIN p50=${f0(p(holdsByKind.pin, 50))} ` +
        `(physical ${f0(callHoldMs)}), per text p50=${f0(p(holdsByKind['code-sms'], 50))} (physical ${f0(textHoldMs)}); ` +
        `lines busy ${((100 * heldMs) / (LINES.length * wallMs)).toFixed(0)} % of the wall time`,
    );
    const injected = minus(stack.world.injected(), before);
    console.log(
      `# parallel injected (all teardowns, queue polls' page loads included): captcha ${f0(injected.captchaMs)} ` +
        `mail ${f0(injected.mailMs)} call ${f0(injected.callMs)} page ${f0(injected.pageMs)} ms; ` +
        `${stack.world.console.captchaAnswers().filter((c) => !c.solved).length} CAPTCHAs not solved`,
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
    if (failed.length > 0 || mismatches > 0) process.exitCode = 1;
  } finally {
    ledger?.restore();
    await stack.stop();
  }
}
process.exit(process.exitCode ?? 0);
