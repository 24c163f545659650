import type { HeardKey } from './dtmf-decoder';

/**
 * The phone network the simulated AWS reaches our lines through (sim/console calls it; sim/phone implements it).
 */
export interface PhoneNetwork {
  /** AWS calls `to` and, after its spoken instructions, listens for keypad tones; resolves with the digits it heard (decoded from the audio). */
  call(to: string, options: { listenMs: number }): Promise<{ digits: string; contactId?: string }>;
  /** AWS texts `to` from its own sender number. */
  sms(message: { to: string; from: string; body: string }): Promise<void>;
}

/** The parsed contact flow (flow language, placeholders substituted: src/phone/contact-flow.ts loadContactFlow). */
export interface ContactFlowDocument {
  Version: string;
  StartAction: string;
  Actions: ReadonlyArray<{
    Identifier: string;
    Type: string;
    Parameters: Record<string, unknown>;
    Transitions: {
      NextAction?: string;
      Conditions?: ReadonlyArray<{ NextAction: string; Condition: { Operator: string; Operands: string[] } }>;
      Errors?: ReadonlyArray<{ NextAction: string; ErrorType: string }>;
    };
  }>;
}

export interface PhoneSimOptions {
  /** The flow Amazon Connect runs for a call to one of `lines`. */
  contactFlow: ContactFlowDocument;
  /** Invokes our phone Lambda with a Connect contact-flow event; resolves with its answer (flat string map). */
  invokeLambda: (connectEvent: unknown) => Promise<Record<string, string>>;
  /** Hands our phone Lambda an SNS event of an inbound text message (as End User Messaging SMS publishes it). */
  deliverSms: (snsEvent: unknown) => Promise<void>;
  /** The bytes of an audio file the flow plays, by the URL it names (our S3 bucket in the real world). */
  audio: (uri: string) => Promise<Buffer>;
  /** The numbers our Connect instance (calls) and our two-way SMS numbers answer; absent: every number. */
  lines?: readonly string[];
  /** How long AWS's call speaks before it listens for keys, in call time. Default 6 s. */
  instructionsMs?: number;
  /**
   * Real milliseconds per millisecond of call time while audio plays (the Lambda's own time counts as it is).
   * Default 0.1: a call with the flow's 10 s wait takes about a second; 1 is real time.
   */
  timeScale?: number;
  /** How long SNS waits before it delivers a failed message again, in call time (scaled like calls). Default 60 s. */
  smsRetryMs?: number;
  /** AWS's caller number on the call (the Connect event's CustomerEndpoint). */
  callerNumber?: string;
  /** Epoch ms for the records. Default Date.now. */
  clock?: () => number;
}

/** One call AWS made, once it is over. */
export interface CallRecord {
  to: string;
  contactId: string;
  /** When AWS dialled. */
  at: number;
  /** What AWS heard while it listened. */
  digits: string;
  /** Every key tone in the call's audio, when (call time) and whether AWS was listening then. */
  keys: Array<HeardKey & { heard: boolean }>;
  /** The call's whole audio as played by the flow: WAV, G.711 μ-law, 8 kHz, mono. Empty when nobody answered. */
  audio: Buffer;
  /** Blocks the flow went through, in order. */
  path: string[];
  /** How it ended: the flow hung up, AWS stopped listening, or nobody answered (not one of our lines). */
  ended: 'flow-disconnected' | 'listen-ended' | 'no-answer' | 'sim-closed';
  /** How many times the flow asked the Lambda. */
  lambdaCalls: number;
}

/** One text message AWS sent, and what became of its delivery to our Lambda. */
export interface SmsRecord {
  to: string;
  from: string;
  body: string;
  at: number;
  inboundMessageId: string;
  /** `not-ours`: sent to a number that is not one of our lines (nothing delivered). */
  delivery: 'delivered' | 'failed' | 'not-ours';
  /** Deliveries tried (SNS → Lambda retries a failed one). */
  attempts: number;
}

export interface PhoneSim {
  network: PhoneNetwork;
  /** Calls that are over, in the order they ended. */
  calls(): CallRecord[];
  /** Text messages, in the order sent. */
  messages(): SmsRecord[];
  /** Ends calls in progress (as if AWS hung up) and waits for them. */
  close(): Promise<void>;
}
