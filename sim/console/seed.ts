import { type OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import type { ConsoleSim } from './server';

/**
 * Adds every active account of the organization to the simulator, with its root email and no password (member
 * accounts created by Organizations have none). Returns the ids added.
 */
export async function seedFromOrganizations(sim: ConsoleSim, client: OrganizationsClient): Promise<string[]> {
  const added: string[] = [];
  for await (const page of paginateListAccounts({ client }, {})) {
    for (const account of page.Accounts ?? []) {
      // Newer moto and AWS give `State`; older answers only the legacy `Status`.
      const state = account.State ?? account.Status;
      if (state !== 'ACTIVE' || !account.Id || !account.Email) continue;
      sim.addAccount({ accountId: account.Id, email: account.Email });
      added.push(account.Id);
    }
  }
  return added;
}
