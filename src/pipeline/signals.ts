/**
 * Every signal a teardown can receive, with its payload: the one contract between the pipeline and whoever
 * answers a wait (the bot for people, the mail and phone Lambdas for AWS's mails, calls and messages). This module
 * is plain data so that any Lambda can send a signal without loading another one's code (or a schema library:
 * events are checked against `signal-schema.ts` where they arrive).
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

/** Each signal in the words people read. */
export const SIGNAL_WORDS: Record<SignalName, string> = {
  approval: 'an approval',
  'captcha-answer': 'a CAPTCHA answer',
  'reset-link': 'the password reset mail',
  'sign-in-code': 'the sign-in code mail',
  'phone-code': 'the phone verification code',
  human: 'an answer from a person',
};

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

/** One signal: its name, who sent it (a Slack user id, or the component for machine signals), its payload. */
export type Signal =
  | { name: 'approval'; actor: string; payload: { decision: 'approve' | 'deny' } }
  | { name: 'captcha-answer'; actor: string; payload: { answer: string } }
  | { name: 'reset-link'; actor: string; payload: { link: string } }
  | { name: 'sign-in-code'; actor: string; payload: { code: string } }
  | { name: 'phone-code'; actor: string; payload: { code: string; line?: string } }
  | { name: 'human'; actor: string; payload: { choice: HumanChoice } };

/** The signal of one name, e.g. `SignalOf<'approval'>`. */
export type SignalOf<N extends SignalName> = Extract<Signal, { name: N }>;
