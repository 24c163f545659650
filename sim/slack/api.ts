import { type Args, decodeJsonFields, optString } from './args';
import { SlackApiError } from './errors';
import { METHODS, type MethodContext, RATE_LIMITED_METHODS } from './methods';
import type { SlidingWindowLimiter } from './rate-limit';
import type { HttpReply, ParsedRequest } from './server';
import type { JsonObject } from './types';

/** Answers POST/GET /api/<method>: auth, rate limit, dispatch, and recording of every call. */
export function handleApiCall(
  method: string,
  req: ParsedRequest,
  ctx: MethodContext,
  limiter: SlidingWindowLimiter | undefined,
): HttpReply {
  const { state } = ctx;
  const decoded = requestArgs(req);
  const { token: bodyToken, ...args } = decoded.args;
  const token =
    bearerToken(req.headers.authorization) ?? (typeof bodyToken === 'string' ? bodyToken : undefined);

  const finish = (status: number, response: JsonObject, headers?: Record<string, string>): HttpReply => {
    const ok = response.ok === true;
    state.calls.push({
      method,
      args,
      ok,
      ...(ok ? {} : { error: String(response.error) }),
      status,
      response,
      at: state.now(),
    });
    state.changed();
    return { status, json: response, ...(headers ? { headers } : {}) };
  };
  const fail = (error: SlackApiError) =>
    finish(200, {
      ok: false,
      error: error.code,
      ...(error.messages.length ? { response_metadata: { messages: error.messages } } : {}),
    });

  if (decoded.error) return fail(new SlackApiError(decoded.error));
  if (!token) return fail(new SlackApiError('not_authed'));
  if (token !== ctx.config.botToken) return fail(new SlackApiError('invalid_auth'));
  const handler = METHODS.get(method);
  if (!handler) return fail(new SlackApiError('unknown_method'));

  if (limiter && RATE_LIMITED_METHODS.has(method)) {
    const retryAfter = limiter.take(optString(args, 'channel') ?? '');
    if (retryAfter !== undefined) {
      return finish(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(retryAfter) });
    }
  }

  try {
    return finish(200, { ok: true, ...handler(args, ctx) });
  } catch (error) {
    if (error instanceof SlackApiError) return fail(error);
    throw error;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/** Query parameters merged with the body, whichever encoding the client used. */
function requestArgs(req: ParsedRequest): { args: Args; error?: string } {
  const args: Args = Object.fromEntries(req.query);
  const { body } = req;
  switch (body.kind) {
    case 'form':
      Object.assign(args, body.fields);
      break;
    case 'multipart':
      Object.assign(args, body.fields);
      for (const file of body.files) args[file.name] = file.bytes;
      break;
    case 'json':
      if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
        return { args, error: 'invalid_json' };
      }
      Object.assign(args, body.value);
      break;
    case 'invalid':
      return {
        args,
        error: req.headers['content-type']?.includes('json') ? 'invalid_json' : 'invalid_form_data',
      };
    case 'raw':
      return { args, error: 'invalid_form_data' };
    case 'empty':
      break;
  }
  return { args: decodeJsonFields(args) };
}
