// A remove teardown whose verify-phone stands in for the browser step in the memory harness: it leases a line,
// "asks for the SMS" and waits for the phone-code signal; handed a code, it is done. The phone Lambda's tests
// drive it with real inbound messages.
import type { AccountId } from '../../src/common/account-id';
import type { StepName } from '../../src/pipeline/catalogue';
import { isSealed } from '../../src/pipeline/ports/sealed-values';
import type { StepHandler } from '../../src/pipeline/step-handler';
import { MemorySealedValues } from './fakes';
import { createMemoryHarness, type MemoryHarness } from './memory-harness';

export const PHONE_ACCOUNTS = { a: '333333333333' as AccountId, b: '444444444444' as AccountId };

/** The memory harness with two sandbox accounts, and what each teardown's verify-phone was handed, by account. */
export function codeWaitingHarness(lines: readonly string[]): {
  h: MemoryHarness;
  codesSeen: Map<string, string>;
  /** Where the phone Lambda seals the codes it hands over; the stand-in opens them as the browser step does. */
  sealed: MemorySealedValues;
} {
  const codesSeen = new Map<string, string>();
  const sealed = new MemorySealedValues();
  const stepDone: StepHandler = { run: async () => ({ type: 'done', note: 'stand-in' }) };
  const stopHere: StepHandler = { run: async () => ({ type: 'await', signal: 'human', reason: 'stand-in' }) };
  const verifyPhone: StepHandler = {
    async run(ctx) {
      const holder = { accountId: ctx.teardown.accountId, teardownId: ctx.teardown.teardownId };
      const handed = ctx.teardown.handoff?.phoneCode;
      if (handed) {
        // Handed over sealed, never as the code itself.
        codesSeen.set(
          holder.accountId,
          isSealed(handed) ? ((await sealed.open(handed)) ?? '') : `unsealed ${handed}`,
        );
        return { type: 'done', note: 'phone verified' };
      }
      const lease = await h.ports.phoneLines.lease(lines, holder, h.now(), 20 * 60_000);
      return lease
        ? { type: 'await', signal: 'phone-code', reason: `code sent to ${lease.line}` }
        : { type: 'await', signal: 'human', reason: 'no line free' };
    },
  };
  const handlers: Partial<Record<StepName, StepHandler>> = {
    'request-reset': stepDone,
    'set-password': stepDone,
    'sign-in': stepDone,
    'complete-signup': stepDone,
    'verify-phone': verifyPhone,
    'remove-from-org': stopHere,
    'close-as-root': stopHere,
  };
  const h = createMemoryHarness({ handlers });
  h.ports.orgs.add(PHONE_ACCOUNTS.a, { name: 'sandbox-a' });
  h.ports.orgs.add(PHONE_ACCOUNTS.b, { name: 'sandbox-b' });
  return { h, codesSeen, sealed };
}
