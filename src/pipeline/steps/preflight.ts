import { PreflightRefusedError } from '../../common/errors';
import type { Organizations } from '../ports/organizations';
import { preflight } from '../preflight';
import type { StepHandler, StepOutcome } from '../step-handler';

/** Reads the account and refuses what must not be torn down; what it learns is shown to the approver. */
export function preflightStep(ports: { orgs: Organizations }): StepHandler {
  return {
    async run(ctx): Promise<StepOutcome> {
      try {
        const summary = await preflight(ports.orgs, ctx.config, ctx.teardown.accountId);
        ctx.teardown.summary = summary;
        return { type: 'done', note: `${summary.name} <${summary.email}> in ${summary.ouPath}` };
      } catch (error) {
        if (error instanceof PreflightRefusedError)
          return { type: 'end', status: 'refused', reason: error.message };
        throw error;
      }
    },
  };
}
