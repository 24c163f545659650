import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PhoneSim } from '../../sim/phone';
import { readBody } from '../bot/local';

/** Requests here are a few dozen bytes. */
const MAX_DOOR_BODY_BYTES = 16 * 1024;
/** How long a call through the door listens for keys, as AWS's verification call does. */
const DOOR_LISTEN_MS = 60_000;
const E164 = /^\+[1-9]\d{6,14}$/;

class DoorError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The local stack's phone doors (DESIGN.md), so that any simulator can play AWS's part:
 * - `POST /local/phone/call` `{"to"}`: a call to one of our lines, run through our contact flow as Amazon Connect
 *   runs it; answers the digits the flow keyed (decoded from its audio) and that audio as base64 WAV;
 * - `POST /local/phone/sms` `{"to", "from", "body"}`: a text message to one of our lines, delivered as the SNS topic
 *   delivers it.
 * Returns false for any other path.
 */
export function phoneDoors(options: { phone: PhoneSim; lines: readonly string[] }) {
  const ours = new Set(options.lines);
  const lineFrom = (body: Record<string, unknown>, field: string): string => {
    const value = body[field];
    if (typeof value !== 'string' || !E164.test(value)) {
      throw new DoorError(400, `"${field}" must be a phone number in E.164 form, like +15550101`);
    }
    return value;
  };
  const ourLine = (body: Record<string, unknown>): string => {
    const to = lineFrom(body, 'to');
    if (!ours.has(to)) {
      throw new DoorError(
        404,
        `${to} is not one of our lines (${[...ours].join(', ') || 'none configured'})`,
      );
    }
    return to;
  };

  const routes: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    '/local/phone/call': async (body) => {
      const to = ourLine(body);
      const { contactId } = await options.phone.network.call(to, { listenMs: DOOR_LISTEN_MS });
      const record = options.phone.calls().find((call) => call.contactId === contactId);
      if (!record) throw new DoorError(500, 'the call left no record');
      return {
        to,
        digits: record.digits,
        ended: record.ended,
        audio: record.audio.toString('base64'),
        audioType: 'audio/wav',
      };
    },
    '/local/phone/sms': async (body) => {
      const to = ourLine(body);
      const from = lineFrom(body, 'from');
      const text = body.body;
      if (typeof text !== 'string' || text.length === 0 || text.length > 1600) {
        throw new DoorError(400, '"body" must be the message text (1 to 1600 characters)');
      }
      await options.phone.network.sms({ to, from, body: text });
      const record = options.phone
        .messages()
        .reverse()
        .find((m) => m.to === to && m.body === text);
      return { to, delivery: record?.delivery ?? 'unknown', attempts: record?.attempts ?? 0 };
    },
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes[path];
    if (!route) return false;
    const answer = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    try {
      if (req.method !== 'POST') throw new DoorError(405, `${path} takes POST`);
      const raw = await readBody(req, MAX_DOOR_BODY_BYTES);
      if (raw === undefined) throw new DoorError(413, 'request body too large');
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new DoorError(400, 'the body must be JSON');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new DoorError(400, 'the body must be a JSON object');
      }
      answer(200, await route(body as Record<string, unknown>));
    } catch (error) {
      if (error instanceof DoorError) answer(error.status, { error: error.message });
      else answer(500, { error: error instanceof Error ? error.message : String(error) });
    }
    return true;
  };
}
