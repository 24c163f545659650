import { z } from 'zod';

/**
 * Every signal a teardown can receive, with its payload: the one contract between the pipeline and whoever
 * answers a wait (the bot for people, the mail and phone Lambdas for AWS's mails, calls and messages). This module
 * is plain data and schemas so that any Lambda can send a signal without loading another one's code.
 */
export const SIGNAL = {
  /** An approver's Approve or Deny on the request message. */
  approval: 'approval',
  /** A person's reading of a CAPTCHA that the solver service could not answer. */
  captchaAnswer: 'captcha-answer',
  /** The password-reset link from AWS's mail (mail Lambda). */
  resetLink: 'reset-link',
  /** A one-time sign-in code AWS mailed to the root address (mail Lambda). */
  signInCode: 'sign-in-code',
  /** A verification code AWS sent to one of our phone lines by SMS (phone Lambda), or a person typed in. */
  phoneCode: 'phone-code',
  /** A person's Done / Retry / Abort on a step a machine could not finish. */
  human: 'human',
} as const;

export type SignalName = (typeof SIGNAL)[keyof typeof SIGNAL];

export const HUMAN_CHOICES = ['done', 'retry', 'abort'] as const;
export type HumanChoice = (typeof HUMAN_CHOICES)[number];

/** Who answers each signal: people get the people's deadline; machines answer within the step's own. */
export const SIGNAL_SENDER: Record<SignalName, 'person' | 'machine'> = {
  approval: 'person',
  'captcha-answer': 'person',
  'reset-link': 'machine',
  'sign-in-code': 'machine',
  'phone-code': 'machine',
  human: 'person',
};

const actor = z.string().min(1).max(200);
const code = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{4,12}$/, 'a code is 4 to 12 letters or digits');

/** Schemas of every signal, by name: how a signal arriving in an event is checked before it is used. */
export const signalSchema = z.discriminatedUnion('name', [
  z.object({
    name: z.literal(SIGNAL.approval),
    actor,
    payload: z.object({ decision: z.enum(['approve', 'deny']) }),
  }),
  z.object({
    name: z.literal(SIGNAL.captchaAnswer),
    actor,
    payload: z.object({ answer: z.string().trim().min(1).max(64) }),
  }),
  z.object({
    name: z.literal(SIGNAL.resetLink),
    actor,
    payload: z.object({ link: z.url({ protocol: /^https$/ }).max(4096) }),
  }),
  z.object({ name: z.literal(SIGNAL.signInCode), actor, payload: z.object({ code }) }),
  z.object({
    name: z.literal(SIGNAL.phoneCode),
    actor,
    payload: z.object({ code, line: z.string().max(32).optional() }),
  }),
  z.object({ name: z.literal(SIGNAL.human), actor, payload: z.object({ choice: z.enum(HUMAN_CHOICES) }) }),
]);

/** One signal: its name, who sent it (a Slack user id, or the component for machine signals), its payload. */
export type Signal = z.infer<typeof signalSchema>;

/** The signal of one name, e.g. `SignalOf<'approval'>`. */
export type SignalOf<N extends SignalName> = Extract<Signal, { name: N }>;
