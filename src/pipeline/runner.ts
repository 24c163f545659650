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
import type { StepMetrics } from '../common/metrics';
import { retryDelayMs, STEPS, STRATEGY_STEPS, type StepName, type Worker } from './catalogue';
import type { AccountSummary, Teardown, TeardownEvent } from './model';
import type { OrganizationsGateway } from './organizations';
import type { Dispatcher, WorkItem } from './ports/dispatcher';
import type { Notifier } from './ports/notifier';
import type { Timers } from './ports/timers';
import { preflight } from './preflight';
import { applyFailure, applyOutcome, cancel, claim, newTeardown, type Transition } from './state';
import type { Signal, StepContext, StepHandler, StepOutcome } from './step-handler';
import type { TeardownStore } from './store';

export interface RunnerDeps {
  store: TeardownStore;
  orgs: OrganizationsGateway;
  config: Config;
  dispatcher: Dispatcher;
  timers: Timers;
  notifier: Notifier;
  logger: Logger;
  metrics: StepMetrics;
  handlers: Partial<Record<StepName, StepHandler>>;
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

/**
 * Drives teardowns step by step. Every change is a conditional write on the record's version, so any number of
 * workers may call `advance` for the same account at once: exactly one of them runs the step.
 */
export class Runner {
  private readonly clock: () => number;
  private readonly random: () => number;

  constructor(private readonly deps: RunnerDeps) {
    this.clock = deps.clock ?? Date.now;
    this.random = deps.random ?? Math.random;
  }

  /** Starts a teardown (preflight comes first, in the pipeline). A malformed id is refused before anything is written. */
  async request(input: TeardownRequest): Promise<Teardown> {
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
    await this.deps.store.create(next, event);
    await this.afterTransition(undefined, { next, event });
    return next;
  }

  /** Preflight alone, changing nothing: for dry runs and status views. */
  async preflight(accountIdInput: string): Promise<AccountSummary> {
    return preflight(this.deps.orgs, this.deps.config, parseAccountId(accountIdInput));
  }

  /**
   * Steps of a strategy that this deployment has no handler for (pipeline steps only: browser steps are the
   * browser worker's). A strategy with any is refused up front instead of failing after approval.
   */
  unavailableSteps(strategy: Strategy): StepName[] {
    return STRATEGY_STEPS[strategy].filter(
      (step) => STEPS[step].worker === 'pipeline' && !this.deps.handlers[step],
    );
  }

  get(accountId: AccountId): Promise<Teardown | undefined> {
    return this.deps.store.get(accountId);
  }

  /** Runs the teardown's current step if it is due and belongs to `worker`; otherwise hands it on or does nothing. */
  async advance(accountIdInput: string, worker: Worker = 'pipeline'): Promise<AdvanceResult> {
    const accountId = parseAccountId(accountIdInput);
    const current = await this.deps.store.get(accountId);
    if (!current) return { ran: false, why: 'not-found' };
    if (current.status !== 'active') return { ran: false, why: 'ended' };
    const now = this.clock();
    if (current.stepStatus === 'waiting' && current.wait && now < current.wait.until)
      return { ran: false, why: 'waiting' };
    if (current.stepStatus === 'running' && current.lease && now < current.lease.expiresAt)
      return { ran: false, why: 'busy' };

    const definition = STEPS[current.step];
    if (definition.worker !== worker) {
      await this.deps.dispatcher.dispatch(definition.worker, workItem(current));
      return { ran: false, why: 'handed-off' };
    }
    if (current.stepStatus === 'running' && current.failures + 1 >= definition.retry.maxFailures) {
      // The step's workers keep dying: stop instead of looping forever.
      const message = `Step ${current.step} did not finish: its worker stopped ${current.failures + 1} times.`;
      await this.write(
        current,
        applyFailure(
          current,
          message,
          { retryable: false, maxFailures: 0, delayMs: 0 },
          this.deps.workerId,
          now,
        ),
      );
      return { ran: false, why: 'ended' };
    }

    const claimed = claim(current, this.deps.workerId, now, definition.leaseMs);
    if (!(await this.tryWrite(current, claimed))) return { ran: false, why: 'lost-claim' };

    const started = this.clock();
    const handler = this.deps.handlers[current.step];
    const working: Teardown = structuredClone(claimed.next);
    const ctx = this.context(working);
    let transition: Transition;
    try {
      if (!handler) throw new StepUnavailableError(current.step);
      const signalWaitEnded = current.stepStatus === 'waiting' && current.wait?.signal !== undefined;
      let outcome: StepOutcome;
      if (signalWaitEnded && handler.onDeadline) {
        outcome = handler.onDeadline(ctx);
      } else {
        if (definition.destructive) await this.recheckBeforeDestroying(working);
        outcome = await handler.run(ctx);
      }
      transition = applyOutcome(working, outcome, this.deps.workerId, this.clock());
    } catch (error) {
      transition = this.failureTransition(working, error);
    }
    const durationMs = this.clock() - started;
    this.deps.metrics.stepFinished(current.step, transition.event.action, durationMs);
    this.deps.logger.info('step finished', {
      accountId,
      step: current.step,
      attempt: claimed.next.attempt,
      outcome: transition.event.action,
      detail: transition.event.detail,
      durationMs,
    });

    if (!(await this.tryWrite(claimed.next, transition))) {
      const latest = await this.deps.store.get(accountId);
      this.deps.logger.warn('step outcome not saved: the teardown changed while the step ran', {
        accountId,
        step: current.step,
        status: latest?.status,
      });
      return { ran: false, why: 'lost-claim' };
    }
    return { ran: true, step: current.step, teardown: transition.next };
  }

  /**
   * Ends a wait with a signal (approval, mail link, CAPTCHA answer, a person's "done"). The first signal wins;
   * a repeat, a late one or one for another wait gets NotWaitingError and changes nothing.
   */
  async resume(accountIdInput: string, signal: Signal): Promise<Teardown> {
    const accountId = parseAccountId(accountIdInput);
    const current = await this.deps.store.get(accountId);
    if (!current) throw new TeardownNotFoundError(accountId);
    if (current.status !== 'active')
      throw new NotWaitingError(`The teardown of ${accountId} has ended (${current.status}).`);
    if (current.stepStatus !== 'waiting' || current.wait?.signal !== signal.name) {
      throw new NotWaitingError(
        `The teardown of ${accountId} is not waiting for ${signal.name} (step ${current.step} is ${current.stepStatus}).`,
      );
    }
    const now = this.clock();
    if (now >= current.wait.until) {
      await this.deps.dispatcher.dispatch('pipeline', workItem(current));
      throw new NotWaitingError(`The wait for ${signal.name} on ${accountId} has expired.`);
    }
    const handler = this.deps.handlers[current.step];
    if (!handler?.onSignal) throw new StepUnavailableError(current.step);
    const working: Teardown = structuredClone(current);
    const outcome = handler.onSignal(this.context(working), signal);
    const transition = applyOutcome(working, outcome, signal.actor, now);
    if (!(await this.tryWrite(current, transition))) {
      throw new NotWaitingError(`Someone else answered first; the teardown of ${accountId} has moved on.`);
    }
    return transition.next;
  }

  /** Stops a teardown before its next step; a step running now cannot save anything after this. */
  async cancel(accountIdInput: string, actor: string, reason = `Cancelled by ${actor}.`): Promise<Teardown> {
    const accountId = parseAccountId(accountIdInput);
    for (;;) {
      const current = await this.deps.store.get(accountId);
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
      const page = await this.deps.store.list('active', { cursor, limit: 100 });
      for (const teardown of page.items) {
        const due =
          (teardown.stepStatus === 'running' && (teardown.lease?.expiresAt ?? 0) <= now) ||
          (teardown.stepStatus === 'waiting' && (teardown.wait?.until ?? 0) <= now) ||
          (teardown.stepStatus === 'pending' && now - teardown.updatedAt > 60_000);
        if (due) {
          woken++;
          await this.deps.dispatcher.dispatch('pipeline', workItem(teardown));
        }
      }
      cursor = page.cursor;
    } while (cursor);
    return woken;
  }

  events(teardown: Teardown): Promise<TeardownEvent[]> {
    return this.deps.store.events(teardown.accountId, teardown.teardownId);
  }

  private context(teardown: Teardown): StepContext {
    const { config, orgs, store, logger } = this.deps;
    return {
      teardown,
      now: this.clock(),
      config,
      orgs,
      store,
      logger,
      random: this.random,
      canRun: (strategy) => this.unavailableSteps(strategy).length === 0,
    };
  }

  /** Right before a destructive step acts: the account still passes preflight, and the teardown is still ours. */
  private async recheckBeforeDestroying(working: Teardown): Promise<void> {
    const recheck = STEPS[working.step].recheck ?? 'member';
    if (recheck !== 'teardown-only') {
      working.summary = await preflight(this.deps.orgs, this.deps.config, working.accountId, {
        closingIsFine: recheck === 'member-or-closing',
      });
    }
    const latest = await this.deps.store.get(working.accountId);
    if (latest?.version !== working.version || latest.status !== 'active') {
      throw new ConflictError(
        `The teardown of ${working.accountId} changed (${latest?.status ?? 'gone'}); not acting.`,
      );
    }
  }

  private failureTransition(working: Teardown, error: unknown): Transition {
    const definition = STEPS[working.step];
    if (error instanceof PreflightRefusedError) {
      return applyOutcome(
        working,
        { type: 'end', status: 'refused', reason: `Stopped before ${working.step}: ${error.message}` },
        this.deps.workerId,
        this.clock(),
      );
    }
    if (!(error instanceof TeardownError)) {
      this.deps.logger.error('step failed unexpectedly', {
        accountId: working.accountId,
        step: working.step,
        error,
      });
    }
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
    await this.deps.store.transition(current.version, transition.next, transition.event);
    await this.afterTransition(current, transition);
  }

  /** Tells the notifier and hands the teardown on: to a worker now, or to a timer for later. */
  private async afterTransition(
    previous: Teardown | undefined,
    { next, event, screenshot }: Transition,
  ): Promise<void> {
    try {
      await this.deps.notifier.notify({
        teardown: next,
        previous,
        event,
        ...(screenshot ? { screenshot } : {}),
      });
    } catch (error) {
      // Showing progress must never stop the teardown itself.
      this.deps.logger.warn('notifier failed', { accountId: next.accountId, error });
    }
    if (next.status !== 'active') return;
    if (next.stepStatus === 'pending') {
      await this.deps.dispatcher.dispatch(STEPS[next.step].worker, workItem(next));
    } else if (next.stepStatus === 'waiting' && next.wait) {
      await this.deps.timers.schedule({
        ...workItem(next),
        at: next.wait.until,
        key: `${next.teardownId}-${next.version}`,
      });
    }
  }
}

const workItem = ({ accountId, teardownId }: Teardown): WorkItem => ({ accountId, teardownId });
