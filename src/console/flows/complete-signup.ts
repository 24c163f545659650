import type { StepOutcome } from '../../pipeline/step-handler';
import type { ConsoleSession } from '../browser-session';
import type { PaymentCards } from '../ports';
import { openWizard, runWizard } from './billing-wizard';
import type { FlowContext } from './flow-context';

/**
 * The billing sign-up wizard up to the phone verification (verify-phone's page), or to its end for an account that
 * verified its phone before: contact details, the company card, the customer agreement, the Basic support plan.
 */
export async function completeSignup(
  session: ConsoleSession,
  flow: FlowContext,
  deps: { cards: PaymentCards },
): Promise<StepOutcome> {
  const first = await openWizard(session, flow);
  const progress = await runWizard(session, flow, () => deps.cards.card(), first, { stopAt: 'identity' });
  await session.saveSession();
  const notes = progress.notes.length > 0 ? progress.notes : ['nothing left to fill in'];
  const next = progress.reached === 'identity' ? 'phone verification next' : 'sign-up already complete';
  // The billing page as filled in (masked) tells people most; otherwise the page the wizard stopped on.
  const screenshot =
    progress.paymentShot ??
    (await session.screenshot(
      progress.reached === 'identity' ? 'Sign-up: phone verification next' : 'Sign-up complete',
      'signup',
    ));
  return {
    type: 'done',
    note: `${notes.join('; ')}; ${next}`,
    screenshot,
    data: { signupReached: progress.reached },
  };
}
