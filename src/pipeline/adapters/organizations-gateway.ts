import {
  CloseAccountCommand,
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  type OrganizationsClient,
  paginateListAccounts,
  RemoveAccountFromOrganizationCommand,
} from '@aws-sdk/client-organizations';
import type { AccountId } from '../../common/account-id';
import { asAwsCallError } from '../../common/errors';
import type { CloseResult, MemberAccount, Organizations, Parent, RemoveResult } from '../ports/organizations';

/**
 * Reasons of RemoveAccountFromOrganization's ConstraintViolationException that mean "not yet standalone": the
 * sign-up wizard supplies what is missing. ACCOUNT_CANNOT_LEAVE_ORGANIZATION also names the management account,
 * which preflight never lets this far.
 */
const MISSING_PREREQUISITES = new Set([
  'ACCOUNT_CANNOT_LEAVE_WITHOUT_EULA',
  'ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION',
  'MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED',
  'ACCOUNT_CANNOT_LEAVE_ORGANIZATION',
]);

/** The Organizations port on the AWS SDK; OU names and parents are kept, since OUs never move. */
export class OrganizationsGateway implements Organizations {
  private managementId: Promise<string> | undefined;
  private readonly ouNames = new Map<string, Promise<string>>();
  private readonly ouParents = new Map<string, Promise<Parent | undefined>>();

  constructor(private readonly client: OrganizationsClient) {}

  managementAccountId(): Promise<string> {
    this.managementId ??= this.client
      .send(new DescribeOrganizationCommand({}))
      .then((r) => r.Organization?.MasterAccountId ?? '')
      .catch((error) => {
        this.managementId = undefined;
        throw asAwsCallError('DescribeOrganization', error);
      });
    return this.managementId;
  }

  /** The account, or undefined when it is not in this organization. */
  async describeAccount(accountId: AccountId): Promise<MemberAccount | undefined> {
    try {
      const { Account } = await this.client.send(new DescribeAccountCommand({ AccountId: accountId }));
      if (!Account) return undefined;
      return {
        id: accountId,
        name: Account.Name ?? '',
        email: Account.Email ?? '',
        // `Status` is retired in favour of `State`; older endpoints only send `Status`.
        state: String(Account.State ?? Account.Status ?? 'UNKNOWN'),
        joinedAt: Account.JoinedTimestamp?.getTime(),
      };
    } catch (error) {
      if ((error as Error).name === 'AccountNotFoundException') return undefined;
      throw asAwsCallError(`DescribeAccount ${accountId}`, error);
    }
  }

  /** Parents from the account's direct parent up to the root. */
  async parentChain(accountId: AccountId): Promise<Parent[]> {
    const chain: Parent[] = [];
    let child: { id: string; isAccount: boolean } = { id: accountId, isAccount: true };
    try {
      for (let depth = 0; depth < 10; depth++) {
        const parent = await this.parentOf(child.id, child.isAccount);
        if (!parent) break;
        chain.push(parent);
        if (parent.type === 'ROOT') break;
        child = { id: parent.id, isAccount: false };
      }
    } catch (error) {
      throw asAwsCallError(`ListParents ${child.id}`, error);
    }
    return chain;
  }

  // An account's parent is read every time (accounts move); an OU's is kept, since Organizations cannot move OUs.
  private parentOf(childId: string, isAccount: boolean): Promise<Parent | undefined> {
    const cached = isAccount ? undefined : this.ouParents.get(childId);
    if (cached) return cached;
    const parent = this.client
      .send(new ListParentsCommand({ ChildId: childId }))
      .then(async ({ Parents }) => {
        const found = Parents?.[0];
        if (!found?.Id) return undefined;
        const type = found.Type === 'ROOT' ? 'ROOT' : 'ORGANIZATIONAL_UNIT';
        return { id: found.Id, type, name: await this.parentName(found.Id, type) } satisfies Parent;
      });
    if (!isAccount) {
      parent.catch(() => this.ouParents.delete(childId));
      this.ouParents.set(childId, parent);
    }
    return parent;
  }

  private parentName(id: string, type: Parent['type']): Promise<string> {
    let name = this.ouNames.get(id);
    if (!name) {
      name =
        type === 'ROOT'
          ? this.client
              .send(new ListRootsCommand({}))
              .then((r) => r.Roots?.find((root) => root.Id === id)?.Name ?? 'Root')
          : this.client
              .send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: id }))
              .then((r) => r.OrganizationalUnit?.Name ?? id);
      name.catch(() => this.ouNames.delete(id));
      this.ouNames.set(id, name);
    }
    return name;
  }

  async tags(accountId: AccountId): Promise<Record<string, string>> {
    const tags: Record<string, string> = {};
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListTagsForResourceCommand({ ResourceId: accountId, NextToken: token }),
        );
        for (const tag of page.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
        token = page.NextToken;
      } while (token);
    } catch (error) {
      throw asAwsCallError(`ListTagsForResource ${accountId}`, error);
    }
    return tags;
  }

  /** Members that count towards the close quota (20 % of them, at least 250, at most 1,000). */
  async activeMemberCount(): Promise<number> {
    let count = 0;
    try {
      for await (const page of paginateListAccounts({ client: this.client }, {})) {
        count += (page.Accounts ?? []).filter((a) => (a.State ?? a.Status) === 'ACTIVE').length;
      }
    } catch (error) {
      throw asAwsCallError('ListAccounts', error);
    }
    return count;
  }

  async closeAccount(accountId: AccountId): Promise<CloseResult> {
    try {
      await this.client.send(new CloseAccountCommand({ AccountId: accountId }));
      return { kind: 'accepted' };
    } catch (error) {
      const name = (error as Error).name;
      const reason = (error as { Reason?: string }).Reason;
      const message = (error as Error).message;
      if (name === 'AccountAlreadyClosedException') return { kind: 'already-closed' };
      // A close already under way for this account.
      if (name === 'ConflictException') return { kind: 'in-progress' };
      if (name === 'ConstraintViolationException' && reason === 'CLOSE_ACCOUNT_QUOTA_EXCEEDED') {
        return { kind: 'quota-exceeded', message };
      }
      if (name === 'ConstraintViolationException' && reason === 'CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED') {
        return { kind: 'too-many-at-once', message };
      }
      throw asAwsCallError(`CloseAccount ${accountId}`, error);
    }
  }

  async removeAccount(accountId: AccountId): Promise<RemoveResult> {
    try {
      await this.client.send(new RemoveAccountFromOrganizationCommand({ AccountId: accountId }));
      return { kind: 'removed' };
    } catch (error) {
      const name = (error as Error).name;
      const reason = (error as { Reason?: string }).Reason ?? '';
      const message = (error as Error).message;
      if (name === 'AccountNotFoundException') return { kind: 'not-member' };
      if (name === 'ConstraintViolationException') {
        if (reason === 'WAIT_PERIOD_ACTIVE') return { kind: 'too-young', message };
        if (MISSING_PREREQUISITES.has(reason)) return { kind: 'missing-prerequisite', reason, message };
        return { kind: 'refused', reason, message };
      }
      throw asAwsCallError(`RemoveAccountFromOrganization ${accountId}`, error);
    }
  }
}
