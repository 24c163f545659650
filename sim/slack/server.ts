import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UploadedPart {
  name: string;
  filename: string;
  bytes: Buffer;
}

export type ParsedBody =
  | { kind: 'empty' }
  | { kind: 'form'; fields: Record<string, string> }
  | { kind: 'json'; value: unknown }
  | { kind: 'multipart'; fields: Record<string, string>; files: UploadedPart[] }
  | { kind: 'raw'; bytes: Buffer }
  | { kind: 'invalid'; reason: string };

export interface ParsedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  body: ParsedBody;
}

export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as application/json when set, else `text` as text/plain. */
  json?: unknown;
  text?: string;
}

export type Route = (req: ParsedRequest) => Promise<HttpReply>;

export interface HttpServer {
  /** e.g. 'http://127.0.0.1:43210' */
  baseUrl: string;
  close(): Promise<void>;
}

/** Plain node:http server on loopback; decodes bodies the ways Slack clients send them. */
export async function startHttpServer(port: number, route: Route): Promise<HttpServer> {
  const server = createServer((req, res) => {
    handle(req, res, route).catch((error: unknown) => {
      // A bug in the sim must surface in the test output rather than hang the client.
      console.error('[slack-sim] request failed', error);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`slack-sim internal error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${actualPort}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, route: Route): Promise<void> {
  const rawBody = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://sim.local');
  const reply = await route({
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    rawBody,
    body: await parseBody(req.headers['content-type'], rawBody),
  });
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string;
  if (reply.json !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    payload = JSON.stringify(reply.json);
  } else {
    headers['Content-Type'] ??= 'text/plain; charset=utf-8';
    payload = reply.text ?? '';
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { kind: 'empty' };
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  try {
    switch (mediaType) {
      case 'application/x-www-form-urlencoded':
        return { kind: 'form', fields: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))) };
      case 'application/json':
        return { kind: 'json', value: JSON.parse(raw.toString('utf8')) };
      case 'multipart/form-data':
        return await parseMultipart(contentType ?? '', raw);
      default:
        return { kind: 'raw', bytes: raw };
    }
  } catch (error) {
    return { kind: 'invalid', reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Multipart decoding is delegated to the platform's fetch Request so no parser of our own is needed. */
async function parseMultipart(contentType: string, raw: Buffer): Promise<ParsedBody> {
  const form = await new Request('http://sim.local/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Uint8Array(raw),
  }).formData();
  const fields: Record<string, string> = {};
  const files: UploadedPart[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields[name] = value;
    else files.push({ name, filename: value.name, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return { kind: 'multipart', fields, files };
}
