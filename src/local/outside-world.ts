// The simulated outside world of the local stack: AWS's console and its mail and phone calls (sim/console), 2captcha
// (sim/captcha) and the phone network (sim/phone), with the realism knobs applied to them. What it sends us comes
// in through the same doors an outside simulator would use: mail by SMTP, calls and texts through the phone network.
import { setTimeout as sleep } from 'node:timers/promises';
import nodemailer from 'nodemailer';
import { type CaptchaSim, startCaptchaSim } from '../../sim/captcha';
import { type ConsoleSim, type SimMail, startConsoleSim } from '../../sim/console';
import { pictureReader } from '../../sim/console/picture-reader';
import { type PhoneSim, startPhoneSim } from '../../sim/phone';
import type { ContactFlowDocument } from '../../sim/phone/types';
import type { OutsideActivity, Realism } from './realism';

/** AWS's verification call is over within this after it stops listening, or the console gives up on it. */
const LISTEN_MS = 3 * 60_000;

export interface OutsideWorld {
  console: ConsoleSim;
  captcha: CaptchaSim;
  phone: PhoneSim;
  /** The key the simulated 2captcha accepts. */
  captchaKey: string;
  /** Applies the knobs to the simulators (the mail and call waits are read at each mail and call). */
  apply(realism: Realism): void;
  /** Waits the knobs added so far, by kind (ms): what the benchmarks compare our own time with. */
  injected(): { captchaMs: number; mailMs: number; callMs: number; pageMs: number };
  /** What AWS sent to our lines (heard and texted). */
  phoneActivity(): Pick<OutsideActivity, 'calls' | 'texts'>;
  stop(): Promise<void>;
}

export async function startOutsideWorld(options: {
  /** moto's endpoint: the simulated AWS's Organizations front stands before it. */
  organizationsUpstream: string;
  /** Our phone lines (numbers only): the phone network rings and texts only these. */
  lines: readonly string[];
  contactFlow: ContactFlowDocument;
  invokePhoneLambda: (event: unknown) => Promise<Record<string, string>>;
  deliverSms: (event: unknown) => Promise<void>;
  audio: (uri: string) => Promise<Buffer>;
  /** Where AWS's mail goes: our SMTP door. */
  smtp: { host: string; port: number };
}): Promise<OutsideWorld> {
  let realism: Realism | undefined;
  const injected = { mailMs: 0, callMs: 0 };
  const captchaKey = 'local-2captcha-key';
  const consoleSim = await startConsoleSim({
    organizationsUpstream: options.organizationsUpstream,
    phoneListenMs: LISTEN_MS,
  });
  const reader = pictureReader(consoleSim);
  const captcha = await startCaptchaSim({
    clientKey: captchaKey,
    // The simulated workers read each picture they are sent, as a person would: several teardowns may show a
    // CAPTCHA at once, so "the one shown last" would often be another teardown's.
    answerFor: (image) => reader.answerFor(image),
  });
  const phone = startPhoneSim({
    contactFlow: options.contactFlow,
    invokeLambda: options.invokePhoneLambda,
    deliverSms: options.deliverSms,
    audio: options.audio,
    lines: options.lines,
  });
  consoleSim.setPhoneNetwork({
    sms: (message) => phone.network.sms(message),
    async call(to, callOptions) {
      // The call lasts `callMs` in all (AWS's instructions and listening), of which our flow's part is played
      // first: the whole call is the outside world's time.
      const callMs = realism?.callMs ?? 0;
      const started = Date.now();
      const heard = await phone.network.call(to, callOptions);
      injected.callMs += callMs;
      const rest = callMs - (Date.now() - started);
      if (rest > 0) await sleep(rest);
      return heard;
    },
  });

  const transport = nodemailer.createTransport({
    ...options.smtp,
    secure: false,
    ignoreTLS: true,
    pool: false,
  });
  const sending = new Set<Promise<unknown>>();
  let stopping = false;
  const unsubscribe = consoleSim.onMail((mail: SimMail) => {
    const delivery = (async () => {
      const delay = realism?.mailDelayMs ?? 0;
      injected.mailMs += delay;
      if (delay > 0) await sleep(delay);
      if (stopping) return;
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          await transport.sendMail({
            envelope: { from: envelopeAddress(mail.from), to: [mail.to] },
            raw: mail.raw,
          });
          return;
        } catch {
          // A temporary refusal (451) or a busy door: AWS's mail servers try again later.
          await sleep(1_000 * attempt);
        }
      }
    })();
    sending.add(delivery);
    void delivery.finally(() => sending.delete(delivery));
  });

  return {
    console: consoleSim,
    captcha,
    phone,
    captchaKey,
    apply(next) {
      realism = { ...next };
      captcha.configure({ delayMs: next.captchaSolveMs, giveUpRate: next.captchaGiveUpRate });
      consoleSim.setFaults({ pageLoadMs: next.pageLoadMs, interstitialRate: next.unknownPageRate });
    },
    injected: () => ({
      ...injected,
      // Each task takes the solving time, whether the workers answer or give up.
      captchaMs: captcha.tasks().reduce((sum, task) => sum + (task.readyAt - task.createdAt), 0),
      pageMs: consoleSim.injectedPageWaitMs(),
    }),
    phoneActivity() {
      return {
        calls: phone
          .calls()
          .map(({ at, to, digits, ended }) => ({ at, to, digits, ended }))
          .reverse(),
        texts: phone
          .messages()
          .filter((m) => m.delivery !== 'not-ours')
          .map(({ at, to, from, body }) => ({ at, to, from, body }))
          .reverse(),
      };
    },
    async stop() {
      stopping = true;
      unsubscribe();
      await phone.close();
      await Promise.allSettled([...sending]);
      transport.close();
      await Promise.allSettled([consoleSim.close(), captcha.close()]);
    },
  };
}

/** The address inside `"Name" <address>`. */
function envelopeAddress(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from;
}
