// In-memory stand-ins of the pipeline's narrow ports, for fast step and runner unit tests (no network).
import type { AccountId } from '../../src/common/account-id';
import { type Config, loadConfig } from '../../src/common/config';
import { ConflictError, TeardownExistsError } from '../../src/common/errors';
import { createLogger } from '../../src/common/logger';
import type { StepName } from '../../src/pipeline/catalogue';
import type { Page, Teardown, TeardownEvent, TeardownStatus } from '../../src/pipeline/model';
import {
  type CaptchaChallenge,
  type CaptchaChallenges,
  type CaptchaRefusal,
  type CaptchaReply,
  type NewCaptchaChallenge,
  refusalOf,
} from '../../src/pipeline/ports/captcha-challenges';
import type { CloseLedger, CloseRecord } from '../../src/pipeline/ports/close-ledger';
import type { IdempotencyKeys } from '../../src/pipeline/ports/idempotency-keys';
import type {
  CloseResult,
  MemberAccount,
  Organizations,
  Parent,
  RemoveResult,
} from '../../src/pipeline/ports/organizations';
import {
  decideLease,
  type LineHolder,
  type LineLease,
  type PhoneLineLeases,
  type QueuedHolder,
  queuePosition,
} from '../../src/pipeline/ports/phone-line-leases';
import type { RootAccess } from '../../src/pipeline/ports/root-access';
import {
  SEALED_NAMES,
  type SealedOwner,
  type SealedValues,
  sealedReference,
} from '../../src/pipeline/ports/sealed-values';
import type { TeardownStore } from '../../src/pipeline/ports/teardown-store';
import { newTeardown } from '../../src/pipeline/state';
import type { StepContext } from '../../src/pipeline/step-handler';

export const SANDBOX_OU = 'ou-test-sandbox1';
const ROOT = 'r-test';
export const MANAGEMENT = '999999999999' as AccountId;

/** An organization in memory: accounts with their state, parent chain and tags; CloseAccount answers on demand. */
export class FakeOrganizations implements Organizations {
  readonly accounts = new Map<string, MemberAccount & { parents: Parent[]; tags: Record<string, string> }>();
  /** What the next CloseAccount calls answer (then `accepted`, which suspends the account). */
  readonly closeAnswers: CloseResult[] = [];
  /** What the next RemoveAccountFromOrganization calls answer (then `removed`, which takes the account out). */
  readonly removeAnswers: RemoveResult[] = [];
  readonly calls: string[] = [];

  add(
    id: string,
    options: {
      name?: string;
      state?: string;
      ou?: string;
      tags?: Record<string, string>;
      joinedAt?: number;
      email?: string;
    } = {},
  ) {
    const ou = options.ou ?? SANDBOX_OU;
    this.accounts.set(id, {
      id: id as AccountId,
      name: options.name ?? `sandbox-${id.slice(-4)}`,
      email: options.email ?? `sandbox-${id.slice(-4)}@example.com`,
      state: options.state ?? 'ACTIVE',
      joinedAt: options.joinedAt ?? Date.UTC(2026, 0, 1),
      parents: [
        { id: ou, name: ou === SANDBOX_OU ? 'Sandbox' : 'Elsewhere', type: 'ORGANIZATIONAL_UNIT' },
        { id: ROOT, name: 'Root', type: 'ROOT' },
      ],
      tags: options.tags ?? {},
    });
    return id as AccountId;
  }

  async managementAccountId() {
    this.calls.push('DescribeOrganization');
    return MANAGEMENT;
  }
  async describeAccount(accountId: AccountId) {
    this.calls.push('DescribeAccount');
    const found = this.accounts.get(accountId);
    if (!found) return undefined;
    const { parents: _p, tags: _t, ...account } = found;
    return account;
  }
  async parentChain(accountId: AccountId) {
    this.calls.push('ListParents');
    return this.accounts.get(accountId)?.parents ?? [];
  }
  async tags(accountId: AccountId) {
    this.calls.push('ListTagsForResource');
    return this.accounts.get(accountId)?.tags ?? {};
  }
  async activeMemberCount() {
    return [...this.accounts.values()].filter((a) => a.state === 'ACTIVE').length;
  }
  async closeAccount(accountId: AccountId): Promise<CloseResult> {
    this.calls.push('CloseAccount');
    const answer = this.closeAnswers.shift() ?? { kind: 'accepted' };
    const account = this.accounts.get(accountId);
    if (answer.kind === 'accepted' && account) account.state = 'SUSPENDED';
    return answer;
  }
  async removeAccount(accountId: AccountId): Promise<RemoveResult> {
    this.calls.push('RemoveAccountFromOrganization');
    if (!this.accounts.has(accountId)) return { kind: 'not-member' };
    const answer = this.removeAnswers.shift() ?? { kind: 'removed' };
    if (answer.kind === 'removed') this.accounts.delete(accountId);
    return answer;
  }
}

/**
 * IAM's centralized root access in memory: off unless a test turns it on (moto has none of these APIs, and an
 * organization without it is the common case). Root login profiles are kept per account.
 */
export class FakeRootAccess implements RootAccess {
  readonly calls: string[] = [];
  /** Accounts whose root user has a login profile. */
  readonly loginProfiles = new Set<string>();

  constructor(public rootCredentialsManagement: 'on' | 'off' = 'off') {}

  async rootCredentialsManagementOn() {
    this.calls.push('ListOrganizationsFeatures');
    return this.rootCredentialsManagement === 'on';
  }
  async allowPasswordRecovery(accountId: AccountId) {
    this.calls.push(`CreateLoginProfile ${accountId}`);
    if (this.loginProfiles.has(accountId)) return 'existed' as const;
    this.loginProfiles.add(accountId);
    return 'created' as const;
  }
}

/** Sealed values in memory, by the same references as the Secrets Manager adapter. */
export class MemorySealedValues implements SealedValues {
  readonly values = new Map<string, string>();
  async seal(owner: SealedOwner, name: string, value: string) {
    const reference = sealedReference(owner, name);
    this.values.set(reference, value);
    return reference;
  }
  async open(reference: string) {
    return this.values.get(reference);
  }
  async drop(reference: string) {
    this.values.delete(reference);
  }
  async dropAll(owner: SealedOwner) {
    for (const name of SEALED_NAMES) this.values.delete(sealedReference(owner, name));
  }
}

/** Idempotency keys in memory: the first claim of a key within its time to live wins. */
export class MemoryIdempotencyKeys implements IdempotencyKeys {
  private readonly claimed = new Map<string, number>();
  constructor(private readonly clock: () => number = Date.now) {}
  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const until = this.claimed.get(key);
    if (until !== undefined && until > this.clock()) return false;
    this.claimed.set(key, this.clock() + ttlMs);
    return true;
  }
  async release(key: string): Promise<void> {
    this.claimed.delete(key);
  }
}

export class MemoryCloseLedger implements CloseLedger {
  readonly records: CloseRecord[] = [];
  async recordClose(record: CloseRecord) {
    if (!this.records.some((r) => r.teardownId === record.teardownId)) this.records.push(record);
  }
  async closesSince(since: number) {
    return this.records.filter((r) => r.closedAt >= since);
  }
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    AWS_REGION: 'us-east-1',
    TEARDOWN_TABLE: 'unit-tests',
    TEARDOWN_ALLOWED_OUS: SANDBOX_OU,
    TEARDOWN_REQUESTERS: 'UREQUESTER1',
    TEARDOWN_APPROVERS: 'UAPPROVER1',
    ...env,
  });
}

/** A teardown at `step`, as the runner hands it to a step's handler. */
export function teardownAt(step: StepName, accountId: string, changes: Partial<Teardown> = {}): Teardown {
  const { next } = newTeardown({
    accountId: accountId as AccountId,
    teardownId: 't-unit',
    strategy: 'close',
    requester: 'UREQUESTER1',
    now: Date.UTC(2026, 2, 1, 12),
  });
  return { ...next, step, stepStatus: 'running', attempt: 1, ...changes };
}

export function stepContext(teardown: Teardown, changes: Partial<StepContext> = {}): StepContext {
  return {
    teardown,
    now: teardown.stepStartedAt,
    config: testConfig(),
    logger: createLogger('unit', { logLevel: 'ERROR' }),
    random: () => 0.5,
    canRun: () => true,
    ...changes,
  };
}

/** CAPTCHA challenges in memory, by the same rules as the DynamoDB adapter (test/support/port-contracts.ts). */
export class MemoryCaptchaChallenges implements CaptchaChallenges {
  private readonly challenges = new Map<string, CaptchaChallenge>();

  async open(challenge: NewCaptchaChallenge) {
    if (this.challenges.has(challenge.id)) {
      throw new ConflictError(`A CAPTCHA challenge with id ${challenge.id} exists already.`);
    }
    const { id, accountId, teardownId, imageRef, createdAt, expiresAt } = challenge;
    this.challenges.set(id, { id, accountId, teardownId, imageRef, createdAt, expiresAt, status: 'open' });
  }
  async get(id: string) {
    const challenge = this.challenges.get(id);
    return challenge && { ...challenge };
  }
  async answer(id: string, reply: CaptchaReply): Promise<{ ok: true } | { ok: false; why: CaptchaRefusal }> {
    const challenge = this.challenges.get(id);
    const why = refusalOf(challenge, reply);
    if (why || !challenge) return { ok: false, why: why ?? 'unknown' };
    Object.assign(challenge, {
      status: 'answered',
      answer: reply.answer,
      answeredBy: reply.by,
      answeredAt: reply.now,
    });
    return { ok: true };
  }
  async close(id: string) {
    const challenge = this.challenges.get(id);
    if (!challenge) return;
    challenge.status = 'closed';
    delete challenge.answer;
  }
}

/** Phone-line leases and their queue in memory, by the same rules as the DynamoDB adapter. */
export class MemoryPhoneLineLeases implements PhoneLineLeases {
  private readonly leases = new Map<string, LineLease>();
  private queue: QueuedHolder[] = [];

  async lease(pool: readonly string[], holder: LineHolder, now: number, ttlMs: number) {
    const stored = pool.flatMap((line) => this.leases.get(line) ?? []);
    const decision = decideLease(pool, stored, this.queue, holder, now, ttlMs);
    if (decision.kind === 'queued') {
      this.queue = decision.queue;
      return undefined;
    }
    if (decision.kind === 'granted') {
      this.leases.set(decision.lease.line, decision.lease);
      this.queue = decision.queue;
    }
    return { ...decision.lease };
  }
  async position(holder: LineHolder, now: number) {
    return queuePosition(this.queue, holder, now);
  }
  async place(pool: readonly string[], holder: LineHolder, now: number, ttlMs: number) {
    const stored = pool.flatMap((line) => this.leases.get(line) ?? []);
    const decision = decideLease(pool, stored, this.queue, holder, now, ttlMs);
    if (decision.kind !== 'queued') return 0;
    this.queue = decision.queue;
    return queuePosition(this.queue, holder, now) ?? 0;
  }
  async leaveQueue(holder: LineHolder) {
    this.queue = this.queue.filter((waiter) => waiter.teardownId !== holder.teardownId);
  }
  async renew(line: string, holder: LineHolder, now: number, ttlMs: number) {
    const lease = this.liveLeaseOf(line, holder, now);
    if (lease) lease.expiresAt = now + ttlMs;
    return lease !== undefined;
  }
  async setPin(line: string, holder: LineHolder, pin: string, now: number) {
    const lease = this.liveLeaseOf(line, holder, now);
    if (lease) lease.pin = pin;
    return lease !== undefined;
  }
  async setCode(line: string, holder: LineHolder, code: string, now: number) {
    const lease = this.liveLeaseOf(line, holder, now);
    if (lease) lease.code = code;
    return lease !== undefined;
  }
  async holderOf(line: string, now: number) {
    const lease = this.leases.get(line);
    return lease && lease.expiresAt > now ? { ...lease } : undefined;
  }
  async release(line: string, holder: LineHolder) {
    if (this.leases.get(line)?.teardownId === holder.teardownId) this.leases.delete(line);
  }

  private liveLeaseOf(line: string, holder: LineHolder, now: number) {
    const lease = this.leases.get(line);
    return lease?.teardownId === holder.teardownId && lease.expiresAt > now ? lease : undefined;
  }
}

/** Teardowns in memory with the adapter's guarantees: one active teardown per account, writes on the version. */
export class MemoryTeardownStore implements TeardownStore {
  private readonly current = new Map<string, Teardown>();
  private readonly log: TeardownEvent[] = [];

  async create(teardown: Teardown, event: TeardownEvent): Promise<void> {
    const existing = this.current.get(teardown.accountId);
    if (existing?.status === 'active') throw new TeardownExistsError(teardown.accountId, existing.step);
    this.current.set(teardown.accountId, structuredClone(teardown));
    this.log.push(structuredClone(event));
  }
  async get(accountId: AccountId): Promise<Teardown | undefined> {
    const found = this.current.get(accountId);
    return found && structuredClone(found);
  }
  async list(status: TeardownStatus): Promise<Page<Teardown>> {
    const items = [...this.current.values()].filter((t) => t.status === status);
    return { items: items.sort((a, b) => b.createdAt - a.createdAt).map((t) => structuredClone(t)) };
  }
  async transition(expectedVersion: number, next: Teardown, event: TeardownEvent): Promise<void> {
    const stored = this.current.get(next.accountId);
    if (stored?.version !== expectedVersion || stored.teardownId !== next.teardownId) {
      throw new ConflictError(`The teardown of ${next.accountId} was changed by someone else first.`);
    }
    this.current.set(next.accountId, structuredClone(next));
    this.log.push(structuredClone(event));
  }
  private readonly noted = new Set<string>();
  async note(event: TeardownEvent, tag: string): Promise<void> {
    const key = `${event.accountId}/${event.teardownId}/${tag}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.log.push(structuredClone(event));
  }
  async events(accountId: AccountId, teardownId: string): Promise<TeardownEvent[]> {
    return this.log.filter((e) => e.accountId === accountId && e.teardownId === teardownId);
  }
  /** Everything stored, as a whole (for "nothing secret was kept"). */
  dump(): string {
    return JSON.stringify({ current: [...this.current.values()], log: this.log });
  }
}
