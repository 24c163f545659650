import type { Logger } from '@aws-lambda-powertools/logger';
import type { Teardown } from '../../pipeline/model';
import type { SealedValues } from '../../pipeline/ports/sealed-values';
import { isSealed } from '../../pipeline/ports/sealed-values';
import type { CaptchaChainDeps, Solver } from '../captcha/solve-captcha';
import type { RootCredentials } from '../ports';

/** How long the flows wait for pages. */
export interface FlowSettings {
  /** The most any page may take to show what the flow waits for. */
  pageTimeoutMs: number;
}

/** What one page flow works with, besides its browser session. */
export interface FlowContext {
  teardown: Teardown;
  stepTitle: string;
  /** The root user's email address (from preflight). */
  email: string;
  credentials: RootCredentials;
  /** Mailed links and codes, handed over by reference. */
  sealed: SealedValues;
  captcha: CaptchaChainDeps;
  settings: FlowSettings;
  logger: Logger;
  now: () => number;
  /** Who solved each CAPTCHA of this run, in order. */
  solvers: Solver[];
}

/** A hand-over value itself: opened from the secret store when it came sealed (undefined once it was dropped). */
export async function handedOver(flow: FlowContext, value: string | undefined): Promise<string | undefined> {
  return isSealed(value) ? flow.sealed.open(value) : value;
}

/** Forgets a sealed hand-over value once it has been used. */
export async function usedUp(flow: FlowContext, value: string | undefined): Promise<void> {
  if (isSealed(value)) await flow.sealed.drop(value);
}
