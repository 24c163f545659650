import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type AccountId, parseAccountId } from '../common/account-id';
import type { Config, Strategy } from '../common/config';
import {
  ConflictError,
  NotWaitingError,
  PreflightRefusedError,
  StepUnavailableError,
  TeardownError,
  TeardownNotFoundError,
  userMessage,
} from '../common/errors';
import { noStepMetrics, type StepMetrics } from '../common/metrics';
import {
  IMPLEMENTED_STEPS,
  retryDelayMs,
  STEPS,
  STRATEGY_STEPS,
  type StepDefinition,
  type StepName,
  type Worker,
} from './catalogue';
import type { AccountSummary, Teardown, TeardownEvent } from './model';
import type { Dispatcher, WorkItem } from './ports/dispatcher';
import type { Notifier } from './ports/notifier';
import type { Organizations } from './ports/organizations';
import type { TeardownStore } from './ports/teardown-store';
import type { Timers } from './ports/timers';
import { preflight } from './preflight';
import { SIGNAL_SENDER, SIGNAL_WORDS, type Signal, type SignalName } from './signals';
import {
  applyFailure,
  applyOutcome,
  cancel,
  claim,
  type DeadlineOf,
  newTeardown,
  type Transition,
} from './state';
import type { DecisionContext, StepContext, StepHandler, StepOutcome } from './step-handler';

export interface RunnerDeps {
  teardowns: TeardownStore;
  orgs: Organizations;
  config: Config;
  dispatcher: Dispatcher;
  timers: Timers;
  notifier: Notifier;
  logger: Logger;
  metrics?: StepMetrics;
  /** The handlers of the steps this process runs itself (none in the bot: it only decides on signals). */
  handlers?: Partial<Record<StepName, StepHandler>>;
  /** The steps each worker can run (default: what this code base implements). */
  capabilities?: Record<Worker, readonly StepName[]>;
  /** Identifies this worker in leases and the event log. */
  workerId: string;
  clock?: () => number;
  random?: () => number;
}

export interface TeardownRequest {
  accountId: string;
  requester: string;
  strategy?: Strategy;
  reason?: string;
  slack?: Teardown['slack'];
}

/** What one `advance` call did, for callers and tests. */
export type AdvanceResult =
  | { ran: true; step: StepName; teardown: Teardown }
  | { ran: false; why: 'not-found' | 'ended' | 'waiting' | 'busy' | 'lost-claim' | 'handed-off' };

/** A new teardown, and whether it was handed to the pipeline (if not, the sweeper starts it within minutes). */
export interface RequestResult {
  teardown: Teardown;
  handedOff: boolean;
}

/**
 * Drives teardowns step by step. Every change is a conditional write on the record's version, so any number of
 * workers may call `advance` for the same account at once: exactly one of them runs the step.
 */
export class Runner {
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly handlers: Partial<Record<StepName, StepHandler>>;
  private readonly capabilities: Record<Worker, readonly StepName[]>;
  private readonly metrics: StepMetrics;

  constructor(private readonly deps: RunnerDeps) {
    this.clock = deps.clock ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.handlers = deps.handlers ?? {};
    this.capabilities = deps.capabilities ?? IMPLEMENTED_STEPS;
    this.metrics = deps.metrics ?? noStepMetrics;
  }

  /** Starts a teardown (preflight comes first, in the pipeline). A malformed id is refused before anything is written. */
  async request(input: TeardownRequest): Promise<RequestResult> {
    const accountId = parseAccountId(input.accountId);
    const { next, event } = newTeardown({
      accountId,
      teardownId: `${this.clock().toString(36)}-${randomUUID().slice(0, 8)}`,
      strategy: input.strategy ?? this.deps.config.defaultStrategy,
      requester: input.requester,
      reason: input.reason,
      slack: input.slack,
      now: this.clock(),
    });
    await this.deps.teardowns.create(next, event);
    const handedOff = await this.afterTransition(undefined, { next, event });
    return { teardown: next, handedOff };
  }

  /** Preflight alone, changing nothing: for dry runs and status views. */
  async preflight(accountIdInput: string): Promise<AccountSummary> {
    return preflight(this.deps.orgs, this.deps.config, parseAccountId(accountIdInput));
  }

  /**
   * Steps of a strategy this deployment cannot run: no worker configured for them, or not implemented by it.
   * A strategy with any is refused up front instead of failing after approval.
   */
  unavailableSteps(strategy: Strategy): StepName[] {
    return STRATEGY_STEPS[strategy].filter((step) => {
      const { worker } = STEPS[step];
      return !this.deps.dispatcher.workers.has(worker) || !this.capabilities[worker].includes(step);
    });
  }

  get(accountId: AccountId): Promise<Teardown | undefined> {
    return this.deps.teardowns.get(accountId);
  }

  /** Runs the teardown's current step if it is due and belongs to `worker`; otherwise hands it on or does nothing. */
  async advance(accountIdInput: string, worker: Worker = 'pipeline'): Promise<AdvanceResult> {
    const accountId = parseAccountId(accountIdInput);
    const current = await this.deps.teardowns.get(accountId);
    if (!current) return { ran: false, why: 'not-found' };
    if (current.status !== 'active') return { ran: false, why: 'ended' };
    const now = this.clock();
    if (current.stepStatus === 'waiting' && current.wait && now < current.wait.until)
      return { ran: false, why: 'waiting' };
    if (current.stepStatus === 'running' && current.lease && now < current.lease.expiresAt)
      return { ran: false, why: 'busy' };

    const definition = STEPS[current.step];
    const log = this.logFor(current);
    // A wait for a signal whose deadline passed is decided here from the catalogue's rules, whatever worker runs
    // the step: no browser starts only to apply a rule.
    const expired = current.stepStatus === 'waiting' ? current.wait?.signal : undefined;
    if (expired) return this.endWaitByDeadline(current, definition, expired, log);
    if (definition.worker !== worker) {
      if (!this.deps.dispatcher.workers.has(definition.worker)) {
        // Nothing would ever run it: say so once instead of failing on every sweep.
        const unavailable = new StepUnavailableError(`The step ${titleOf(current.step)}`);
        await this.tryWrite(current, this.failureTransition(current, unavailable));
        return { ran: false, why: 'ended' };
      }
      await this.handOff(definition.worker, current, log);
      return { ran: false, why: 'handed-off' };
    }
    if (current.stepStatus === 'running' && current.failures + 1 >= definition.retry.maxFailures) {
      // The step's workers keep dying: stop instead of looping forever.
      const message = `The step ${titleOf(current.step)} did not finish: its worker stopped ${current.failures + 1} times.`;
      const stop = { retryable: false, maxFailures: 0, delayMs: 0 };
      await this.tryWrite(current, applyFailure(current, message, stop, this.deps.workerId, now));
      return { ran: false, why: 'ended' };
    }

    const claimed = claim(current, this.deps.workerId, now, definition.leaseMs);
    if (!(await this.tryWrite(current, claimed))) return { ran: false, why: 'lost-claim' };

    const started = this.clock();
    const working: Teardown = structuredClone(claimed.next);
    let transition: Transition;
    try {
      const outcome = await this.run(definition, working, log);
      transition = applyOutcome(
        working,
        outcome,
        this.deps.workerId,
        this.clock(),
        this.deadlineOf(definition),
      );
    } catch (error) {
      transition = this.failureTransition(working, error, log);
    }
    const durationMs = this.clock() - started;
    this.metrics.stepFinished(current.step, transition.event.action, durationMs);
    log.info('step finished', {
      step: current.step,
      attempt: claimed.next.attempt,
      outcome: transition.event.action,
      detail: transition.event.detail,
      durationMs,
    });

    if (!(await this.tryWrite(claimed.next, transition))) {
      const latest = await this.deps.teardowns.get(accountId);
      log.warn('step outcome not saved: the teardown changed while the step ran', {
        step: current.step,
        status: latest?.status,
      });
      return { ran: false, why: 'lost-claim' };
    }
    return { ran: true, step: current.step, teardown: transition.next };
  }

  /** A wait for a signal ran out: the step's (or the people's) deadline rule decides, in one conditional write. */
  private async endWaitByDeadline(
    current: Teardown,
    definition: StepDefinition,
    signal: SignalName,
    log: Logger,
  ): Promise<AdvanceResult> {
    const working: Teardown = structuredClone(current);
    const outcome = definition.rules.onDeadline(this.decision(working), signal);
    const transition = applyOutcome(
      working,
      outcome,
      this.deps.workerId,
      this.clock(),
      this.deadlineOf(definition),
    );
    if (!(await this.tryWrite(current, transition))) return { ran: false, why: 'lost-claim' };
    this.metrics.stepFinished(current.step, transition.event.action, 0);
    log.info('wait ended by its deadline', { step: current.step, signal, outcome: transition.event.action });
    return { ran: true, step: current.step, teardown: transition.next };
  }

  /**
   * Ends a wait with a signal (approval, mail link, CAPTCHA answer, a person's "done"), decided by the step's
   * declared rules: no step code runs here. The first signal wins; a repeat, a late one or one for another wait
   * gets NotWaitingError and changes nothing.
   */
  async resume(
    accountIdInput: string,
    signal: Signal,
    /** What the sender saw: the teardown (and the version of the wait) its signal is for. */
    expected: { teardownId?: string; version?: number } = {},
  ): Promise<Teardown> {
    const accountId = parseAccountId(accountIdInput);
    const current = await this.deps.teardowns.get(accountId);
    const what = SIGNAL_WORDS[signal.name];
    if (!current) throw new TeardownNotFoundError(accountId);
    // A late mail or code must never reach a newer teardown of the same account.
    if (expected.teardownId !== undefined && current.teardownId !== expected.teardownId)
      throw new NotWaitingError(
        `${capitalized(what)} was for an earlier teardown of ${accountId}; nothing was changed.`,
      );
    if (current.status !== 'active')
      throw new NotWaitingError(`The teardown of ${accountId} has ended (${current.status}).`);
    if (
      current.stepStatus !== 'waiting' ||
      current.wait?.signal !== signal.name ||
      (expected.version !== undefined && current.version !== expected.version)
    ) {
      throw new NotWaitingError(
        `The teardown of ${accountId} is not waiting for ${what} (it is at ${titleOf(current.step)}, ${current.stepStatus}).`,
      );
    }
    const now = this.clock();
    if (now >= current.wait.until) {
      await this.handOff('pipeline', current, this.logFor(current));
      throw new NotWaitingError(`The wait for ${what} on ${accountId} has expired.`);
    }
    const definition = STEPS[current.step];
    const rule = definition.rules.onSignal[signal.name] as
      | ((ctx: DecisionContext, signal: Signal) => StepOutcome)
      | undefined;
    if (!rule) throw new StepUnavailableError(`The step ${titleOf(current.step)}`);
    const working: Teardown = structuredClone(current);
    const outcome = rule(this.decision(working), signal);
    const transition = applyOutcome(working, outcome, signal.actor, now, this.deadlineOf(definition));
    if (!(await this.tryWrite(current, transition))) {
      throw new NotWaitingError(`Someone else answered first; the teardown of ${accountId} has moved on.`);
    }
    return transition.next;
  }

  /** Stops a teardown before its next step; a step running now cannot save anything after this. */
  async cancel(accountIdInput: string, actor: string, reason = `Cancelled by ${actor}.`): Promise<Teardown> {
    const accountId = parseAccountId(accountIdInput);
    for (;;) {
      const current = await this.deps.teardowns.get(accountId);
      if (!current) throw new TeardownNotFoundError(accountId);
      if (current.status !== 'active')
        throw new NotWaitingError(`The teardown of ${accountId} has already ended (${current.status}).`);
      const transition = cancel(current, actor, reason, this.clock());
      if (await this.tryWrite(current, transition)) return transition.next;
    }
  }

  /** Resumes teardowns a crashed worker left behind, and waits whose timer was lost. Returns how many it woke. */
  async sweep(): Promise<number> {
    const now = this.clock();
    let woken = 0;
    let cursor: string | undefined;
    do {
      const page = await this.deps.teardowns.list('active', { cursor, limit: 100 });
      for (const teardown of page.items) {
        const due =
          (teardown.stepStatus === 'running' && (teardown.lease?.expiresAt ?? 0) <= now) ||
          (teardown.stepStatus === 'waiting' && (teardown.wait?.until ?? 0) <= now) ||
          (teardown.stepStatus === 'pending' && now - teardown.updatedAt > 60_000);
        if (due) {
          woken++;
          await this.handOff('pipeline', teardown, this.logFor(teardown));
        }
      }
      cursor = page.cursor;
    } while (cursor);
    this.metrics.sweepFinished?.(woken);
    return woken;
  }

  events(teardown: Teardown): Promise<TeardownEvent[]> {
    return this.deps.teardowns.events(teardown.accountId, teardown.teardownId);
  }

  /** The step's own run, bounded by its declared polling limit. */
  private async run(definition: StepDefinition, working: Teardown, log: Logger): Promise<StepOutcome> {
    const handler = this.handlers[definition.name];
    if (!handler) throw new StepUnavailableError(`The step ${titleOf(definition.name)}`);
    if (definition.destructive) await this.recheckBeforeDestroying(working);
    const outcome = await handler.run(this.context(working, log));
    if (outcome.type !== 'wait' || !definition.pollsFor) return outcome;
    const limit = working.stepStartedAt + this.deps.config.deadlines[definition.pollsFor];
    if (this.clock() < limit) return { ...outcome, until: Math.min(outcome.until, limit) };
    working.data = { ...working.data, ...outcome.data };
    return definition.rules.onDeadline(this.decision(working), undefined);
  }

  /** When a wait for a signal ends by itself: the step's declared deadline, or the people's. */
  private deadlineOf(definition: StepDefinition): DeadlineOf {
    return (signal: SignalName) => {
      const { deadlines } = this.deps.config;
      if (definition.waitsFor?.signal === signal)
        return this.clock() + deadlines[definition.waitsFor.deadline];
      if (SIGNAL_SENDER[signal] === 'person') return this.clock() + deadlines.humanMs;
      throw new Error(`step ${definition.name} waits for ${signal} without declaring it`);
    };
  }

  private decision(teardown: Teardown): DecisionContext {
    return { teardown, now: this.clock(), config: this.deps.config };
  }

  private context(teardown: Teardown, logger: Logger): StepContext {
    return {
      teardown,
      now: this.clock(),
      config: this.deps.config,
      logger,
      random: this.random,
      canRun: (strategy) => this.unavailableSteps(strategy).length === 0,
    };
  }

  /** Log lines about one teardown carry its ids, set once here rather than passed by hand. */
  private logFor(teardown: Teardown): Logger {
    return this.deps.logger.createChild({
      persistentKeys: { accountId: teardown.accountId, teardownId: teardown.teardownId },
    });
  }

  /** Right before a destructive step acts: the account is still what the step expects, and the teardown is ours. */
  private async recheckBeforeDestroying(working: Teardown): Promise<void> {
    const recheck = STEPS[working.step].recheck ?? 'member';
    if (recheck === 'left-organization') {
      await this.recheckLeftOrganization(working);
    } else if (
      recheck === 'member-or-left' &&
      working.attempt > 1 &&
      (await this.leftOrganization(working))
    ) {
      // An earlier run of this step removed it and died before saying so: going on is the same outcome.
    } else {
      working.summary = await preflight(this.deps.orgs, this.deps.config, working.accountId, {
        closingIsFine: recheck === 'member-or-closing',
      });
    }
    const latest = await this.deps.teardowns.get(working.accountId);
    if (latest?.version !== working.version || latest.status !== 'active') {
      throw new ConflictError(
        `The teardown of ${working.accountId} changed (${latest?.status ?? 'gone'}); not acting.`,
      );
    }
  }

  /** Whether the account this teardown checked is gone from the organization (and never the management account). */
  private async leftOrganization(working: Teardown): Promise<boolean> {
    const [managementId, member] = await Promise.all([
      this.deps.orgs.managementAccountId(),
      this.deps.orgs.describeAccount(working.accountId),
    ]);
    return !member && managementId !== working.accountId && working.summary?.accountId === working.accountId;
  }

  /**
   * Closing as root comes after the removal: the account must no longer be in this organization, must never be
   * the management account, and must be the one this teardown's preflight saw.
   */
  private async recheckLeftOrganization(working: Teardown): Promise<void> {
    const { accountId } = working;
    const [managementId, member] = await Promise.all([
      this.deps.orgs.managementAccountId(),
      this.deps.orgs.describeAccount(accountId),
    ]);
    if (managementId === accountId) {
      throw new PreflightRefusedError(
        `${accountId} is the organization's management account; it is never torn down.`,
      );
    }
    if (member) {
      throw new PreflightRefusedError(
        `${accountId} (${member.name}) is still a member of the organization; it is closed as root only after its removal.`,
      );
    }
    if (working.summary?.accountId !== accountId) {
      throw new PreflightRefusedError(`${accountId} was never checked by this teardown's preflight.`);
    }
  }

  private failureTransition(
    working: Teardown,
    error: unknown,
    log: Logger = this.logFor(working),
  ): Transition {
    const definition = STEPS[working.step];
    if (error instanceof PreflightRefusedError) {
      return applyOutcome(
        working,
        {
          type: 'end',
          status: 'refused',
          reason: `Stopped before ${titleOf(working.step)}: ${error.message}`,
        },
        this.deps.workerId,
        this.clock(),
        this.deadlineOf(definition),
      );
    }
    if (!(error instanceof TeardownError))
      log.error('step failed unexpectedly', { step: working.step, error });
    const retryable = error instanceof TeardownError ? error.retryable : true;
    const message = error instanceof TeardownError ? error.message : userMessage(error);
    return applyFailure(
      working,
      message,
      {
        retryable,
        maxFailures: definition.retry.maxFailures,
        delayMs: retryDelayMs(definition.retry, working.failures + 1, this.random),
      },
      this.deps.workerId,
      this.clock(),
    );
  }

  /** The conditional write; false when someone else wrote first. */
  private async tryWrite(current: Teardown, transition: Transition): Promise<boolean> {
    try {
      await this.write(current, transition);
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  private async write(current: Teardown, transition: Transition): Promise<void> {
    await this.deps.teardowns.transition(current.version, transition.next, transition.event);
    // Counted once: only the write that ends an active teardown as failed succeeds.
    if (current.status === 'active' && transition.next.status === 'failed') this.metrics.teardownFailed?.();
    await this.afterTransition(current, transition);
  }

  /**
   * After a saved transition: tells the notifier and hands the teardown on, to a worker now or to a timer for
   * later. Neither may undo what was saved: a failure is logged, and the sweeper picks the teardown up.
   * Returns whether the hand-off went out.
   */
  private async afterTransition(
    previous: Teardown | undefined,
    { next, event, screenshot }: Transition,
  ): Promise<boolean> {
    const log = this.logFor(next);
    // What signals handed over is never passed on with a notice.
    const { handoff: _secret, ...shown } = next;
    try {
      // The notice is in order first (its thread posts go before the next step's), then the teardown moves on.
      await this.deps.notifier.notify({
        teardown: shown,
        previous: previous && { ...previous, handoff: undefined },
        event,
        ...(screenshot ? { screenshot } : {}),
      });
    } catch (error) {
      // Showing progress must never stop the teardown itself.
      log.warn('notifier failed', { error });
    }
    return this.handOn(next, log);
  }

  /** The next move of a saved transition: a worker for a pending step, a timer for a wait. */
  private async handOn(next: Teardown, log: Logger): Promise<boolean> {
    if (next.status !== 'active') return true;
    if (next.stepStatus === 'pending') return this.handOff(STEPS[next.step].worker, next, log);
    if (next.stepStatus === 'waiting' && next.wait) {
      try {
        await this.deps.timers.schedule({
          ...workItem(next),
          at: next.wait.until,
          key: `${next.teardownId}-${next.version}`,
        });
      } catch (error) {
        log.error('timer not set; the sweeper will wake the teardown', { error, until: next.wait.until });
        return false;
      }
    }
    return true;
  }

  /** Hands the teardown to a worker; a failed hand-off is logged and left to the sweeper. */
  private async handOff(worker: Worker, teardown: Teardown, log: Logger): Promise<boolean> {
    try {
      await this.deps.dispatcher.dispatch(worker, workItem(teardown));
      return true;
    } catch (error) {
      log.error('hand-off failed; the sweeper will pick the teardown up', { worker, error });
      return false;
    }
  }
}

const workItem = ({ accountId, teardownId }: Teardown): WorkItem => ({ accountId, teardownId });

const capitalized = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** A step as people read it. */
const titleOf = (step: StepName): string => `“${STEPS[step].title}”`;
