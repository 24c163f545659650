import type { Principals } from '../common/config';
import { NotAuthorizedError } from '../common/errors';
import type { Teardown } from '../pipeline/model';

/** Members of a Slack user group (usergroups.users.list in production). */
export type GroupMembers = (groupId: string) => Promise<string[]>;

interface Cached {
  members: Set<string>;
  expiresAt: number;
}

const GROUP_CACHE_MS = 60_000;

/**
 * Who may ask for and who may decide on teardowns: configured user ids, or members of configured user groups.
 * Group members are cached briefly so a click costs no Slack call; a lookup that fails falls back to the last
 * answer, and with none it refuses (fail closed).
 */
export class Authorizer {
  private readonly cache = new Map<string, Cached>();
  private readonly loading = new Map<string, Promise<Set<string>>>();
  private readonly clock: () => number;
  private readonly ttlMs: number;

  constructor(
    private readonly principals: { requesters: Principals; approvers: Principals },
    private readonly groupMembers: GroupMembers,
    options: { clock?: () => number; ttlMs?: number } = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.ttlMs = options.ttlMs ?? GROUP_CACHE_MS;
  }

  isRequester(userId: string): Promise<boolean> {
    return this.isIn(this.principals.requesters, userId);
  }

  isApprover(userId: string): Promise<boolean> {
    return this.isIn(this.principals.approvers, userId);
  }

  /** Throws NotAuthorizedError unless `userId` may ask for teardowns. */
  async assertRequester(userId: string): Promise<void> {
    if (!(await this.isRequester(userId))) {
      throw new NotAuthorizedError(
        'Only configured requesters may ask for teardowns; ask your platform team.',
      );
    }
  }

  /** Throws NotAuthorizedError unless `userId` may decide on this teardown (an approver, not its requester). */
  async assertCanDecide(userId: string, teardown: Pick<Teardown, 'requester'>): Promise<void> {
    if (!(await this.isApprover(userId))) {
      throw new NotAuthorizedError('Only configured approvers may approve, deny or answer for a teardown.');
    }
    if (teardown.requester === userId) {
      throw new NotAuthorizedError('You asked for this teardown; someone else has to approve or deny it.');
    }
  }

  /** The requester of this teardown or any approver may cancel it. */
  async assertCanCancel(userId: string, teardown: Pick<Teardown, 'requester'>): Promise<void> {
    if (teardown.requester === userId) return;
    if (!(await this.isApprover(userId))) {
      throw new NotAuthorizedError('Only the requester of this teardown or an approver may cancel it.');
    }
  }

  /** Requesters and approvers: the people who may look at teardowns and answer prompts. */
  async assertMember(userId: string): Promise<void> {
    if ((await this.isRequester(userId)) || (await this.isApprover(userId))) return;
    throw new NotAuthorizedError('Only configured requesters and approvers may use /sandbox.');
  }

  private async isIn(principals: Principals, userId: string): Promise<boolean> {
    if (principals.users.includes(userId)) return true;
    for (const group of principals.groups) {
      if ((await this.members(group)).has(userId)) return true;
    }
    return false;
  }

  private async members(groupId: string): Promise<Set<string>> {
    const cached = this.cache.get(groupId);
    if (cached && cached.expiresAt > this.clock()) return cached.members;
    let pending = this.loading.get(groupId);
    if (!pending) {
      pending = this.groupMembers(groupId)
        .then((ids) => {
          const members = new Set(ids);
          this.cache.set(groupId, { members, expiresAt: this.clock() + this.ttlMs });
          return members;
        })
        .finally(() => this.loading.delete(groupId));
      this.loading.set(groupId, pending);
    }
    try {
      return await pending;
    } catch (error) {
      if (cached) return cached.members;
      throw new NotAuthorizedError(
        `Could not check membership of user group ${groupId} (${(error as Error).message}); try again shortly.`,
      );
    }
  }
}
