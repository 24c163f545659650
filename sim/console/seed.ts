import { type OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import type { ConsoleSim } from './server';
import type { AccountOptions } from './types';

/**
 * Adds every active account of the organization to the simulator, with its root email and no password (member
 * accounts created by Organizations have none), none of the sign-up done, joined when Organizations says it joined.
 * `defaults` apply to every account (`joinedAt` replaces the JoinedTimestamp). Returns the ids added.
 */
export async function seedFromOrganizations(
  sim: ConsoleSim,
  client: OrganizationsClient,
  defaults: Omit<AccountOptions, 'accountId' | 'email'> = {},
): Promise<string[]> {
  const added: string[] = [];
  for await (const page of paginateListAccounts({ client }, {})) {
    for (const account of page.Accounts ?? []) {
      // Newer moto and AWS give `State`; older answers only the legacy `Status`.
      const state = account.State ?? account.Status;
      if (state !== 'ACTIVE' || !account.Id || !account.Email) continue;
      sim.addAccount({
        joinedAt: account.JoinedTimestamp?.getTime(),
        ...defaults,
        accountId: account.Id,
        email: account.Email,
      });
      added.push(account.Id);
    }
  }
  return added;
}
