import type { Logger } from '@aws-lambda-powertools/logger';
import type { Teardown } from '../../pipeline/model';
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
  captcha: CaptchaChainDeps;
  settings: FlowSettings;
  logger: Logger;
  now: () => number;
  /** Who solved each CAPTCHA of this run, in order. */
  solvers: Solver[];
}
