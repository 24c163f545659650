import { PreflightRefusedError } from '../../common/errors';
import { preflight } from '../preflight';
import type { StepHandler, StepOutcome } from '../step-handler';

export const preflightStep: StepHandler = {
  async run(ctx): Promise<StepOutcome> {
    try {
      const summary = await preflight(ctx.orgs, ctx.config, ctx.teardown.accountId);
      ctx.teardown.summary = summary;
      return { type: 'done', note: `${summary.name} <${summary.email}> in ${summary.ouPath}` };
    } catch (error) {
      if (error instanceof PreflightRefusedError)
        return { type: 'end', status: 'refused', reason: error.message };
      throw error;
    }
  },
};
