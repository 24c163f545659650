import type { Tracer } from '@aws-lambda-powertools/tracer';
import { redactText } from './redact';

/** The ids an invocation is about: X-Ray finds every trace of a teardown by `annotation.teardownId`. */
export interface TraceKeys {
  teardownId?: string;
  accountId?: string;
}

/** The tracer of this Lambda, once started; until then (tests, local runs) clients are left as they are. */
let active: Tracer | undefined;
const started = new Map<string, Promise<Tracer>>();

/**
 * Whether Powertools would trace here: inside Lambda (not SAM local or the Amplify mock) unless
 * POWERTOOLS_TRACE_ENABLED is "false". Checked first so tests and local runs never load the X-Ray SDK.
 */
export function tracingWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.POWERTOOLS_TRACE_ENABLED?.trim().toLowerCase() === 'false') return false;
  const executionEnv = env.AWS_EXECUTION_ENV?.trim() ?? '';
  if (executionEnv === '' || executionEnv === 'AWS_Lambda_amplify-mock') return false;
  return !env.AWS_SAM_LOCAL;
}

/**
 * Starts X-Ray tracing for this Lambda; call it before any client is built. The tracer (and the X-Ray SDK it
 * brings, ~100 ms to load) is imported only when tracing is on, so tests and local runs pay nothing.
 */
export async function startTracing(serviceName: string): Promise<Tracer | undefined> {
  if (!tracingWanted()) return undefined;
  let tracer = started.get(serviceName);
  if (!tracer) {
    tracer = import('@aws-lambda-powertools/tracer').then(({ Tracer }) => new Tracer({ serviceName }));
    started.set(serviceName, tracer);
  }
  active = await tracer;
  return active;
}

/** Stops tracing in this process (tests). */
export function stopTracing(): void {
  active = undefined;
  started.clear();
}

/** The client with its calls traced (one subsegment per call, its trace header sent on) once tracing is on. */
export function traced<Client>(client: Client): Client {
  return active?.isTracingEnabled() ? active.captureAWSv3Client(client) : client;
}

/**
 * Runs one invocation in its own subsegment (Lambda's own segment takes no annotations), annotated with the cold
 * start, the service and the teardown it is about; a failure is recorded with secrets masked.
 */
export async function traceInvocation<T>(keys: TraceKeys, work: () => Promise<T>): Promise<T> {
  const tracer = active;
  const parent = tracer?.isTracingEnabled() ? tracer.getSegment() : undefined;
  if (!tracer || !parent) return work();
  const subsegment = parent.addNewSubsegment(`## ${process.env._HANDLER ?? 'handler'}`);
  tracer.setSegment(subsegment);
  try {
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
    annotateTeardown(keys);
    return await work();
  } catch (error) {
    tracer.addErrorAsMetadata(maskedError(error));
    throw error;
  } finally {
    subsegment.close();
    tracer.setSegment(parent);
  }
}

/** Adds the teardown to the running invocation's trace, for events that name it only once read (mail, SMS). */
export function annotateTeardown(keys: TraceKeys): void {
  if (!active?.isTracingEnabled()) return;
  if (keys.teardownId) active.putAnnotation('teardownId', keys.teardownId);
  if (keys.accountId) active.putAnnotation('accountId', keys.accountId);
}

/** What X-Ray keeps of an error: its name, message and stack, with any secret in them masked. */
function maskedError(error: unknown): Error {
  const masked = new Error(redactText(error instanceof Error ? error.message : String(error)));
  if (error instanceof Error) {
    masked.name = error.name;
    masked.stack = error.stack ? redactText(error.stack) : masked.stack;
  }
  return masked;
}
