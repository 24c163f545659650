import { formatDuration } from '../../common/duration';
import type { Organizations } from '../ports/organizations';
import type { StepHandler, StepOutcome } from '../step-handler';

/** A created account may leave its organization this long after it joined (invited accounts at once). */
export const LEAVE_WAIT_MS = 4 * 24 * 60 * 60_000;
/** Margin after that moment, so the retry does not race AWS's own clock. */
const LEAVE_MARGIN_MS = 10 * 60_000;
/** When the joining date is unknown (or already past but AWS still says too young): try again this much later. */
const TOO_YOUNG_RETRY_MS = 6 * 60 * 60_000;
/** The sign-up wizard is run again once when AWS says it is incomplete; after that a person looks. */
export const SIGNUP_AGAIN = 1;

/**
 * RemoveAccountFromOrganization from the management account (re-checked right before by the runner). The account
 * then stands alone, with its own sign-up data, and the organization's slot is free at once.
 */
export function removeFromOrgStep(ports: { orgs: Pick<Organizations, 'removeAccount'> }): StepHandler {
  return {
    async run(ctx): Promise<StepOutcome> {
      const { teardown, now } = ctx;
      const result = await ports.orgs.removeAccount(teardown.accountId);
      switch (result.kind) {
        case 'removed':
          return {
            type: 'done',
            data: { removedAt: now },
            note: 'removed from the organization; it is a standalone account now',
          };
        case 'not-member':
          // The runner's re-check saw it as a member a moment ago: it left in between (an earlier run's removal).
          return {
            type: 'done',
            data: { removedAt: now },
            note: 'the account had already left the organization',
          };
        case 'too-young': {
          const joinedAt = teardown.summary?.joinedAt;
          const allowedAt = joinedAt === undefined ? undefined : joinedAt + LEAVE_WAIT_MS + LEAVE_MARGIN_MS;
          const until = allowedAt !== undefined && allowedAt > now ? allowedAt : now + TOO_YOUNG_RETRY_MS;
          const since =
            joinedAt === undefined ? '' : ` (it joined ${new Date(joinedAt).toISOString().slice(0, 16)} UTC)`;
          return {
            type: 'wait',
            until,
            reason: `AWS lets a created account leave 4 days after it joined${since}; trying again in ${formatDuration(until - now)}`,
          };
        }
        case 'missing-prerequisite':
          return {
            type: 'back-to',
            step: 'complete-signup',
            reason: `AWS says the account is not ready to stand alone (${result.reason}): ${result.message}`,
            max: SIGNUP_AGAIN,
          };
        case 'refused':
          return {
            type: 'end',
            status: 'failed',
            reason: `AWS refused to remove the account (${result.reason || 'no reason given'}): ${result.message}`,
          };
      }
    },
  };
}
