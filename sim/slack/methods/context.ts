import type { Args } from '../args';
import type { SimConfig } from '../config';
import type { SimState } from '../state';
import type { JsonObject } from '../types';

export interface MethodContext {
  state: SimState;
  config: SimConfig;
  /** Base URL of the sim's HTTP server, e.g. 'http://127.0.0.1:1234'. */
  baseUrl: string;
}

/** Returns the fields of a successful answer (without `ok`), or throws SlackApiError. */
export type MethodHandler = (args: Args, ctx: MethodContext) => JsonObject;
