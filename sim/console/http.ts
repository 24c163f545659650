import type { IncomingMessage } from 'node:http';

/** One request as the simulator's apps see it. */
export interface SimRequest {
  method: string;
  /** Lower case, without port. */
  host: string;
  /** Path with query. */
  path: string;
  url: URL;
  cookies: Map<string, string>;
  /** The urlencoded body of a POST (empty otherwise). */
  form: URLSearchParams;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | Uint8Array;
}

const MAX_BODY_BYTES = 64 * 1024;

export class RequestTooLargeError extends Error {
  constructor() {
    super(`request body larger than ${MAX_BODY_BYTES} bytes`);
    this.name = 'RequestTooLargeError';
  }
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!cookies.has(name)) cookies.set(name, decodeURIComponent(value));
  }
  return cookies;
}

export async function readSimRequest(req: IncomingMessage): Promise<SimRequest> {
  const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  const path = req.url ?? '/';
  const url = new URL(path, `https://${host || 'unknown.invalid'}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RequestTooLargeError();
    chunks.push(chunk as Buffer);
  }
  const contentType = req.headers['content-type'] ?? '';
  const form =
    req.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
      : new URLSearchParams();
  return {
    method: req.method ?? 'GET',
    host,
    path,
    url,
    cookies: parseCookies(req.headers.cookie),
    form,
  };
}

export interface CookieOptions {
  domain?: string;
  path?: string;
  maxAgeSeconds?: number;
  httpOnly?: boolean;
  sameSite?: 'Lax' | 'Strict' | 'None';
}

/** Every cookie the simulator sets is Secure: the real site is HTTPS only. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path ?? '/'}`, 'Secure'];
  if (options.domain) parts.push(`Domain=${options.domain}`);
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (options.httpOnly ?? true) parts.push('HttpOnly');
  parts.push(`SameSite=${options.sameSite ?? 'Lax'}`);
  return parts.join('; ');
}

const NO_STORE = { 'cache-control': 'no-store' };

export function htmlResponse(
  body: string,
  options: { status?: number; cookies?: string[] } = {},
): SimResponse {
  const headers: Record<string, string | string[]> = {
    'content-type': 'text/html; charset=utf-8',
    ...NO_STORE,
  };
  if (options.cookies?.length) headers['set-cookie'] = options.cookies;
  return { status: options.status ?? 200, headers, body };
}

export function redirectResponse(location: string, cookies: string[] = []): SimResponse {
  const headers: Record<string, string | string[]> = { location, ...NO_STORE };
  if (cookies.length) headers['set-cookie'] = cookies;
  return { status: 302, headers, body: '' };
}

export function plainResponse(status: number, contentType: string, body: string | Uint8Array): SimResponse {
  return { status, headers: { 'content-type': contentType, ...NO_STORE }, body };
}
