// The phone network of the simulated world: AWS's verification calls reach our contact flow (run by sim/phone as
// Amazon Connect would, invoking our Lambda and playing its audio), and AWS's text messages reach our Lambda as
// End User Messaging SMS delivers them through SNS.
import { randomUUID } from 'node:crypto';
import { runCall } from './call';
import { inboundSmsEvent } from './events';
import type { CallRecord, PhoneNetwork, PhoneSim, PhoneSimOptions, SmsRecord } from './types';

export { UnsupportedFlowError } from './call';
export { decodeDtmf, type HeardKey } from './dtmf-decoder';
export { contactFlowEvent, inboundSmsEvent } from './events';
export type {
  CallRecord,
  ContactFlowDocument,
  PhoneNetwork,
  PhoneSim,
  PhoneSimOptions,
  SmsRecord,
} from './types';

/** AWS's caller id on verification calls (any number; our flow does not look at it). */
const AWS_CALLER = '+12065550142';
/** SNS retries a failed delivery to a Lambda; the simulator tries this often in all. */
const SMS_ATTEMPTS = 3;

export function startPhoneSim(options: PhoneSimOptions): PhoneSim {
  const clock = options.clock ?? Date.now;
  const ours = (number: string) => !options.lines || options.lines.includes(number);
  const closing = new AbortController();
  const running = new Set<Promise<unknown>>();
  const calls: CallRecord[] = [];
  const messages: SmsRecord[] = [];

  const network: PhoneNetwork = {
    async call(to, { listenMs }) {
      const at = clock();
      const contactId = randomUUID();
      if (!ours(to) || closing.signal.aborted) {
        calls.push({
          to,
          contactId,
          at,
          digits: '',
          keys: [],
          audio: Buffer.alloc(0),
          path: [],
          ended: 'no-answer',
          lambdaCalls: 0,
        });
        return { digits: '', contactId };
      }
      const call = runCall({
        flow: options.contactFlow,
        to,
        from: options.callerNumber ?? AWS_CALLER,
        contactId,
        at,
        listenMs,
        instructionsMs: options.instructionsMs ?? 6_000,
        timeScale: options.timeScale ?? 0.1,
        invokeLambda: options.invokeLambda,
        audio: options.audio,
        signal: closing.signal,
      });
      running.add(call);
      try {
        const record = await call;
        calls.push(record);
        return { digits: record.digits, contactId };
      } finally {
        running.delete(call);
      }
    },

    async sms({ to, from, body }) {
      const record: SmsRecord = {
        to,
        from,
        body,
        at: clock(),
        inboundMessageId: randomUUID(),
        delivery: 'not-ours',
        attempts: 0,
      };
      messages.push(record);
      if (!ours(to)) return;
      const event = inboundSmsEvent({ ...record, at: record.at });
      const sleepUnlessClosed = (ms: number) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          closing.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      const delivery = (async () => {
        // AWS's sending never fails because our Lambda did: SNS tries again, then gives up quietly.
        for (record.attempts = 1; record.attempts <= SMS_ATTEMPTS; record.attempts++) {
          try {
            await options.deliverSms(event);
            record.delivery = 'delivered';
            return;
          } catch {
            record.delivery = 'failed';
            if (record.attempts < SMS_ATTEMPTS) {
              await sleepUnlessClosed((options.smsRetryMs ?? 60_000) * (options.timeScale ?? 0.1));
            }
          }
        }
        record.attempts = SMS_ATTEMPTS;
      })();
      running.add(delivery);
      try {
        await delivery;
      } finally {
        running.delete(delivery);
      }
    },
  };

  return {
    network,
    calls: () => [...calls],
    messages: () => messages.map((message) => ({ ...message })),
    async close() {
      closing.abort();
      await Promise.allSettled([...running]);
    },
  };
}
