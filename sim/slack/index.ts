/** Slack test double: a Web API server plus a sender of signed Slack requests to the bot. */
export { validateMessageBlocks, validateModalView } from './block-kit';
export type {
  BlockActionOptions,
  SlashCommandOptions,
  ViewStateValue,
  ViewSubmissionOptions,
} from './interactions';
export { computeSignature, formEncode, type SignOptions, signRequest } from './signing';
export { type SimPredicate, SlackSim, startSlackSim, type WaitForOptions } from './sim';
export type { Delivery } from './state';
export type * from './types';
