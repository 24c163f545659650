import { formatDuration } from '../../common/duration';
import type { Organizations } from '../ports/organizations';
import type { StepHandler, StepOutcome, WaitRules } from '../step-handler';

const CLOSED_STATES = new Set(['SUSPENDED', 'CLOSED']);

/**
 * Polls the account's state until it leaves ACTIVE for SUSPENDED (or CLOSED). How long it may poll is the
 * step's declared limit (`pollsFor`), enforced by the runner.
 */
export function awaitClosedStep(ports: { orgs: Pick<Organizations, 'describeAccount'> }): StepHandler {
  return {
    async run(ctx): Promise<StepOutcome> {
      const { teardown, now } = ctx;
      const account = await ports.orgs.describeAccount(teardown.accountId);
      // A closed account disappears from the organization after its 90 days.
      if (!account || CLOSED_STATES.has(account.state)) {
        return {
          type: 'done',
          data: { closedState: account?.state ?? 'CLOSED' },
          note: `state ${account?.state ?? 'CLOSED'}`,
        };
      }
      const polls = Number(teardown.data.closedPolls ?? 0) + 1;
      return {
        type: 'wait',
        until: now + Math.min(5 * 60_000, 5_000 * 2 ** (polls - 1)),
        reason: `account is ${account.state}; checking again`,
        data: { closedPolls: polls, lastState: account.state },
      };
    },
  };
}

export const awaitClosedRules: Partial<WaitRules> = {
  onDeadline: ({ teardown, now }) => ({
    type: 'end',
    status: 'failed',
    reason: `${teardown.accountId} is still ${teardown.data.lastState ?? 'ACTIVE'} ${formatDuration(now - teardown.stepStartedAt)} after CloseAccount.`,
  }),
};
