// One inbound call as Amazon Connect runs it: the contact flow's blocks in turn (the subset of the flow language
// our template uses; anything else is refused loudly, so the template cannot drift from what is tested), the
// audio it plays laid end to end on the call's timeline, and what AWS's caller hears while it listens.
import { performance } from 'node:perf_hooks';
import { concatWavs, readWav, SAMPLE_RATE, silenceWav } from '../../src/phone/dtmf';
import { decodeDtmf } from './dtmf-decoder';
import { contactFlowEvent } from './events';
import type { CallRecord, ContactFlowDocument } from './types';

type Action = ContactFlowDocument['Actions'][number];

/** More blocks than any call of our flow goes through: a flow that loops forever is a broken template. */
const MAX_BLOCKS = 1000;

export interface CallSetup {
  flow: ContactFlowDocument;
  to: string;
  from: string;
  contactId: string;
  at: number;
  listenMs: number;
  instructionsMs: number;
  timeScale: number;
  invokeLambda: (event: unknown) => Promise<Record<string, string>>;
  audio: (uri: string) => Promise<Buffer>;
  /** Aborted when the simulator closes: the call ends where it is. */
  signal: AbortSignal;
}

/** A block the simulator does not interpret: the template uses something untested. */
export class UnsupportedFlowError extends Error {}

export async function runCall(setup: CallSetup): Promise<CallRecord> {
  const blocks = new Map(setup.flow.Actions.map((action) => [action.Identifier, action]));
  const listenEnd = setup.instructionsMs + setup.listenMs;
  const played: Buffer[] = [];
  const path: string[] = [];
  const loops = new Map<string, number>();
  let external: Record<string, string> = {};
  let callMs = 0;
  let lambdaCalls = 0;
  let ended: CallRecord['ended'] = 'listen-ended';

  const play = async (wav: Buffer, ms: number) => {
    played.push(wav);
    callMs += ms;
    await pause(ms * setup.timeScale, setup.signal);
  };
  const resolve = (value: unknown): string | undefined => {
    if (typeof value !== 'string') return undefined;
    if (!value.startsWith('$.')) return value;
    const match = /^\$\.(External|Attributes)\.([A-Za-z0-9_]+)$/.exec(value);
    if (!match) throw new UnsupportedFlowError(`sim/phone does not resolve ${value}`);
    return match[1] === 'External' ? external[match[2] as string] : undefined;
  };

  let next: string | undefined = setup.flow.StartAction;
  for (let steps = 0; ; steps++) {
    if (setup.signal.aborted) {
      ended = 'sim-closed';
      break;
    }
    if (callMs >= listenEnd) break;
    if (steps >= MAX_BLOCKS)
      throw new UnsupportedFlowError(`the flow ran ${MAX_BLOCKS} blocks without ending`);
    const action: Action | undefined = next === undefined ? undefined : blocks.get(next);
    if (!action) throw new UnsupportedFlowError(`the flow goes to "${next}", which does not exist`);
    path.push(action.Identifier);
    switch (action.Type) {
      case 'MessageParticipant': {
        const uri = resolve(mediaUriOf(action));
        const wav = uri === undefined ? undefined : await fetchPlayable(setup.audio, uri);
        if (!wav) {
          next = errorBranch(action, 'NoMatchingError');
          break;
        }
        await play(wav, (readWav(wav).samples.length * 1000) / SAMPLE_RATE);
        next = action.Transitions.NextAction;
        break;
      }
      case 'InvokeLambdaFunction': {
        lambdaCalls++;
        const started = performance.now();
        const answer = await invoke(setup, action, resolve);
        // The line is silent while the Lambda works: that time passes on the call as it is.
        const tookMs = Math.round(performance.now() - started);
        played.push(silenceWav(tookMs));
        callMs += tookMs;
        if (answer) {
          external = answer;
          next = action.Transitions.NextAction;
        } else {
          next = errorBranch(action, 'NoMatchingError');
        }
        break;
      }
      case 'Compare': {
        const value = resolve(action.Parameters.ComparisonValue);
        const matched = (action.Transitions.Conditions ?? []).find((c) => {
          if (c.Condition.Operator !== 'Equals') {
            throw new UnsupportedFlowError(`sim/phone does not compare with ${c.Condition.Operator}`);
          }
          return value !== undefined && c.Condition.Operands[0] === value;
        });
        next = matched ? matched.NextAction : errorBranch(action, 'NoMatchingCondition');
        break;
      }
      case 'Loop': {
        // "ContinueLooping" LoopCount times for the same block, then "DoneLooping" once, then it starts over.
        const count = Number(action.Parameters.LoopCount);
        if (!Number.isInteger(count) || count < 0 || count > 100) {
          throw new UnsupportedFlowError(`block "${action.Identifier}": LoopCount must be 0 to 100`);
        }
        const done = loops.get(action.Identifier) ?? 0;
        const result = done < count ? 'ContinueLooping' : 'DoneLooping';
        if (done < count) loops.set(action.Identifier, done + 1);
        else loops.delete(action.Identifier);
        next = (action.Transitions.Conditions ?? []).find(
          (c) => c.Condition.Operands[0] === result,
        )?.NextAction;
        break;
      }
      case 'DisconnectParticipant':
        ended = 'flow-disconnected';
        next = undefined;
        break;
      default:
        throw new UnsupportedFlowError(`sim/phone does not run blocks of type ${action.Type}`);
    }
    if (ended === 'flow-disconnected') break;
  }

  const audio = concatWavs(played.length > 0 ? played : [silenceWav(0)]);
  const keys = decodeDtmf(readWav(audio).samples, SAMPLE_RATE).map((key) => ({
    ...key,
    heard: key.startMs >= setup.instructionsMs && key.startMs < listenEnd,
  }));
  return {
    to: setup.to,
    contactId: setup.contactId,
    at: setup.at,
    digits: keys
      .filter((key) => key.heard)
      .map((key) => key.key)
      .join(''),
    keys,
    audio,
    path,
    ended,
    lambdaCalls,
  };
}

function mediaUriOf(action: Action): unknown {
  const { Media, ...others } = action.Parameters as { Media?: Record<string, unknown> };
  if (Object.keys(others).length > 0 || !Media) {
    throw new UnsupportedFlowError(
      `block "${action.Identifier}": sim/phone plays S3 audio (Parameters.Media) only, not ${Object.keys(others).join(', ') || 'nothing'}`,
    );
  }
  if (Media.SourceType !== 'S3' || Media.MediaType !== 'Audio') {
    throw new UnsupportedFlowError(
      `block "${action.Identifier}": Media must be SourceType S3, MediaType Audio`,
    );
  }
  return Media.Uri;
}

/** The file, if Connect could play it: a WAV of G.711 μ-law, 8 kHz, mono (what Connect's S3 prompts take). */
async function fetchPlayable(
  audio: (uri: string) => Promise<Buffer>,
  uri: string,
): Promise<Buffer | undefined> {
  try {
    const wav = await audio(uri);
    const info = readWav(wav);
    return info.format === 7 && info.sampleRate === SAMPLE_RATE && info.channels === 1 ? wav : undefined;
  } catch {
    return undefined;
  }
}

/** The Lambda's answer, or undefined where Connect takes the error branch (failure, time limit, not a string map). */
async function invoke(
  setup: CallSetup,
  action: Action,
  resolve: (value: unknown) => string | undefined,
): Promise<Record<string, string> | undefined> {
  const parameters = action.Parameters as {
    InvocationTimeLimitSeconds?: unknown;
    InvocationType?: unknown;
    ResponseValidation?: { ResponseType?: unknown };
    LambdaInvocationAttributes?: Record<string, unknown>;
  };
  const limit = Number(parameters.InvocationTimeLimitSeconds);
  if (!Number.isInteger(limit) || limit < 1 || limit > 8) {
    throw new UnsupportedFlowError(`block "${action.Identifier}": InvocationTimeLimitSeconds must be 1 to 8`);
  }
  if ((parameters.InvocationType ?? 'SYNCHRONOUS') !== 'SYNCHRONOUS') {
    throw new UnsupportedFlowError(`block "${action.Identifier}": sim/phone invokes synchronously only`);
  }
  if (parameters.ResponseValidation?.ResponseType !== 'STRING_MAP') {
    throw new UnsupportedFlowError(
      `block "${action.Identifier}": sim/phone validates STRING_MAP answers only`,
    );
  }
  const event = contactFlowEvent({
    contactId: setup.contactId,
    to: setup.to,
    from: setup.from,
    parameters: Object.fromEntries(
      Object.entries(parameters.LambdaInvocationAttributes ?? {}).map(([key, value]) => [
        key,
        resolve(value) ?? '',
      ]),
    ),
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await Promise.race([
      setup.invokeLambda(event),
      new Promise<'timeout'>((done) => {
        timer = setTimeout(() => done('timeout'), limit * 1000);
      }),
    ]);
    if (answer === 'timeout' || typeof answer !== 'object' || answer === null || Array.isArray(answer))
      return;
    return Object.values(answer).every((value) => typeof value === 'string') ? { ...answer } : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

function errorBranch(action: Action, type: string): string {
  const target = action.Transitions.Errors?.find((error) => error.ErrorType === type)?.NextAction;
  if (!target) throw new UnsupportedFlowError(`block "${action.Identifier}" has no ${type} branch`);
  return target;
}

/** Lets real time pass while audio plays (scaled); cut short when the simulator closes. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    }
    signal.addEventListener('abort', finish, { once: true });
  });
}
