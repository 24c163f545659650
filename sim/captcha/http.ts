import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as both APIs read it: JSON body, form or multipart fields (query fields included), files. */
export interface SimRequest {
  method: string;
  /** The path without its leading slash: 'createTask', 'in.php'. */
  endpoint: string;
  /** The JSON body, or undefined when the body is not JSON. */
  json: unknown;
  /** Query, urlencoded and multipart text fields; body fields win over the query. */
  fields: Record<string, string>;
  files: Record<string, Buffer>;
  /** The caller's address, which the JSON API echoes as `ip`. */
  ip: string;
}

export type SimReply = { status: number; json: unknown } | { status: number; text: string } | 'reset';

export interface SimServer {
  url: string;
  close(): Promise<void>;
}

export async function startSimServer(handle: (request: SimRequest) => Promise<SimReply>): Promise<SimServer> {
  const server = createServer((req, res) => {
    serve(req, res, handle).catch((error: unknown) => {
      // A bug in the sim must show in the test output rather than hang the client.
      console.error('[captcha-sim] request failed', error);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('captcha-sim internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    // Tests close a sim to make the service unreachable and again when they end: the second close is a no-op.
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handle: (request: SimRequest) => Promise<SimReply>,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const url = new URL(req.url ?? '/', 'http://captcha-sim.local');
  const { json, fields, files } = await parseBody(req.headers['content-type'] ?? '', raw);
  const reply = await handle({
    method: req.method ?? 'GET',
    endpoint: url.pathname.replace(/^\/+/, ''),
    json,
    fields: { ...Object.fromEntries(url.searchParams), ...fields },
    files,
    ip: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
  });
  if (reply === 'reset') {
    req.socket.destroy();
    return;
  }
  if ('json' in reply) {
    res.writeHead(reply.status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(reply.json));
  } else {
    res.writeHead(reply.status, { 'Content-Type': 'text/plain' });
    res.end(reply.text);
  }
}

async function parseBody(
  contentType: string,
  raw: Buffer,
): Promise<{ json: unknown; fields: Record<string, string>; files: Record<string, Buffer> }> {
  const empty = { json: undefined, fields: {}, files: {} };
  if (raw.length === 0) return empty;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/x-www-form-urlencoded') {
    return { ...empty, fields: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))) };
  }
  if (mediaType === 'multipart/form-data') {
    // The platform's Request decodes multipart, so the sim needs no parser of its own.
    const form = await new Request('http://captcha-sim.local/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(raw),
    }).formData();
    const fields: Record<string, string> = {};
    const files: Record<string, Buffer> = {};
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') fields[name] = value;
      else files[name] = Buffer.from(await value.arrayBuffer());
    }
    return { ...empty, fields, files };
  }
  // Clients send JSON API bodies with or without a JSON content type: read them as JSON either way.
  try {
    return { ...empty, json: JSON.parse(raw.toString('utf8')) };
  } catch {
    return empty;
  }
}
