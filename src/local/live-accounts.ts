import { DescribeAccountCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AccountId } from '../common/account-id';
import type { DataPorts } from '../pipeline/ports/data-ports';
import type { LocalDemo } from './demo-organization';
import type { OutsideWorld } from './outside-world';
import type { LiveAccount } from './realism';

/** The demo accounts and what became of them: moto's state (or gone from the organization), and any teardown. */
export async function readLiveAccounts(
  demo: LocalDemo,
  ports: DataPorts,
  world: OutsideWorld,
  /** moto's Organizations, straight (the account's own state, not the simulated AWS's view of it). */
  organizations: OrganizationsClient,
): Promise<LiveAccount[]> {
  const { org } = demo;
  const listed = [
    ...demo.sandboxes.map((a) => ({
      ...a,
      sandbox: !a.protected,
      // What the remove path will meet: its age (AWS's 4-day rule) and how AWS checks its phone.
      note: [
        a.note,
        `joined ${a.ageDays === 1 ? 'a day' : `${a.ageDays} days`} ago`,
        a.verification === 'pin' ? 'phone check: AWS calls, a PIN is keyed' : 'phone check: AWS texts a code',
      ]
        .filter(Boolean)
        .join(' · '),
    })),
    { ...org.accounts.production, note: 'in the Production OU: refused', sandbox: false, ageDays: 0 },
    { ...org.accounts.payments, note: 'in Production / Payments: refused', sandbox: false, ageDays: 0 },
    {
      id: org.managementAccountId,
      name: 'management',
      note: 'the management account: always refused',
      sandbox: false,
      ageDays: 0,
    },
  ];
  return Promise.all(
    listed.map(async (account): Promise<LiveAccount> => {
      const state = await organizations
        .send(new DescribeAccountCommand({ AccountId: account.id }))
        .then((r) => r.Account?.State ?? r.Account?.Status ?? 'UNKNOWN')
        .catch((error: { name?: string }) =>
          error.name === 'AccountNotFoundException' ? 'REMOVED' : 'UNKNOWN',
        );
      const simulated = world.console.account(account.id);
      const shown =
        state === 'REMOVED' && simulated?.closed ? 'REMOVED, then closed by its root user' : state;
      const teardown = await ports.teardowns.get(account.id as AccountId).catch(() => undefined);
      const running = teardown?.status === 'active';
      return {
        id: account.id,
        name: account.name,
        note: [account.note, running ? 'a teardown is running' : ''].filter(Boolean).join('; '),
        state: shown,
        deletable: account.sandbox && state === 'ACTIVE' && !running,
      };
    }),
  );
}
