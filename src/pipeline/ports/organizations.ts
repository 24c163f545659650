import type { AccountId } from '../../common/account-id';

export interface MemberAccount {
  id: AccountId;
  name: string;
  email: string;
  /** ACTIVE, PENDING_ACTIVATION, SUSPENDED, PENDING_CLOSURE or CLOSED. */
  state: string;
  joinedAt: number | undefined;
}

export interface Parent {
  id: string;
  name: string;
  type: 'ROOT' | 'ORGANIZATIONAL_UNIT';
}

/** How CloseAccount answered, in the terms the close step decides on. */
export type CloseResult =
  | { kind: 'accepted' }
  | { kind: 'already-closed' }
  | { kind: 'in-progress' }
  | { kind: 'quota-exceeded'; message: string }
  | { kind: 'too-many-at-once'; message: string };

/**
 * How RemoveAccountFromOrganization answered. `too-young`: a created account may leave only 4 days after it
 * joined (`WAIT_PERIOD_ACTIVE`); `missing-prerequisite`: the account lacks what a standalone account needs
 * (customer agreement, payment method, phone verification, support plan); `refused`: anything else AWS refuses
 * (a delegated administrator, for example), with its reason.
 */
export type RemoveResult =
  | { kind: 'removed' }
  | { kind: 'not-member' }
  | { kind: 'too-young'; message: string }
  | { kind: 'missing-prerequisite'; reason: string; message: string }
  | { kind: 'refused'; reason: string; message: string };

/** The Organizations calls the pipeline makes, in its own words (management account credentials). */
export interface Organizations {
  managementAccountId(): Promise<string>;
  /** The account, or undefined when it is not (or no longer) in this organization. */
  describeAccount(accountId: AccountId): Promise<MemberAccount | undefined>;
  /** Parents from the account's direct parent up to the root. */
  parentChain(accountId: AccountId): Promise<Parent[]>;
  tags(accountId: AccountId): Promise<Record<string, string>>;
  /** Members that count towards the close quota. */
  activeMemberCount(): Promise<number>;
  closeAccount(accountId: AccountId): Promise<CloseResult>;
  removeAccount(accountId: AccountId): Promise<RemoveResult>;
}
