import type { Logger } from '@aws-lambda-powertools/logger';
import { answerContactFlow, type ContactFlowDeps, isContactFlowEvent } from './contact-flow-handler';
import { type InboundSmsDeps, isSnsEvent, parseSnsEvent, type SmsOutcome, takeSms } from './inbound-sms';

export interface PhoneHandlerDeps {
  contactFlow: ContactFlowDeps;
  /** Built on the first message only: a call must not wait for what messages need (the runner, Slack). */
  sms: () => Promise<InboundSmsDeps>;
  logger: Logger;
}

/**
 * The phone Lambda's work for one event, by its shape: Amazon Connect asking what to play on a call (answered
 * with the flow's flat attributes), or SNS bringing inbound text messages. Anything else is logged and refused.
 */
export async function handlePhoneEvent(deps: PhoneHandlerDeps, raw: unknown): Promise<unknown> {
  if (isContactFlowEvent(raw)) return answerContactFlow(deps.contactFlow, raw);
  if (isSnsEvent(raw)) {
    const parsed = parseSnsEvent(raw);
    if (!parsed.ok) {
      deps.logger.error('malformed sms event dropped', { reason: parsed.reason });
      return { error: 'malformed event', reason: parsed.reason };
    }
    const sms = await deps.sms();
    const outcomes: SmsOutcome[] = [];
    for (const message of parsed.messages) outcomes.push(await takeSms(sms, message));
    return { outcomes };
  }
  deps.logger.error('event rejected: neither a contact-flow event nor an SNS message', {
    shape: shapeOf(raw),
  });
  return { error: 'unrecognised event' };
}

/** What an unknown event looks like, without its values (which might hold anything). */
function shapeOf(raw: unknown): string {
  if (raw === null || typeof raw !== 'object') return typeof raw;
  if (Array.isArray(raw)) return `array of ${raw.length}`;
  return `object with ${Object.keys(raw).slice(0, 10).join(', ') || 'no keys'}`;
}
