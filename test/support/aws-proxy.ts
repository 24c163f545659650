import { createServer, type IncomingMessage, type Server } from 'node:http';

/** An answer the proxy gives instead of moto's, as the real service would send it on the wire. */
export interface InjectedResponse {
  status: number;
  body: unknown;
}

interface Rule {
  target: string;
  remaining: number;
  /** Runs before the call goes on (the test changes the world the upstream answers from). */
  before?: () => void | Promise<void>;
  respond?: InjectedResponse;
  rewrite?: (body: unknown) => unknown;
}

/**
 * A loopback proxy in front of moto for the JSON-protocol services (Organizations): it counts the calls per
 * `X-Amz-Target`, and for one test only can answer a call with an injected error (throttling, quota) or change
 * moto's answer (a field older endpoints do not send). Everything else reaches moto unchanged.
 */
export class AwsProxy {
  readonly calls = new Map<string, number>();
  private readonly rules: Rule[] = [];
  private server: Server | undefined;
  endpoint = '';

  /** Where calls go on to: moto, or another front in front of it (the console simulator's Organizations). */
  constructor(public upstream: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        ({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        },
        (error: unknown) => {
          res.writeHead(502);
          res.end(String(error));
        },
      );
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (typeof address !== 'object' || !address) throw new Error('proxy did not bind');
    this.endpoint = `http://127.0.0.1:${address.port}`;
    return this;
  }

  /** Answers the next `times` calls of `operation` (e.g. "CloseAccount") with `response`. */
  inject(operation: string, response: InjectedResponse, times = 1): void {
    this.rules.push({ target: operation, remaining: times, respond: response });
  }

  /** Changes moto's JSON answer to the next `times` calls of `operation`. */
  rewrite(operation: string, rewrite: (body: unknown) => unknown, times = Number.POSITIVE_INFINITY): void {
    this.rules.push({ target: operation, remaining: times, rewrite });
  }

  /** Runs `effect` right before the next `times` calls of `operation` go on upstream. */
  before(operation: string, effect: () => void | Promise<void>, times = 1): void {
    this.rules.push({ target: operation, remaining: times, before: effect });
  }

  count(operation: string): number {
    return this.calls.get(operation) ?? 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const operation =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);

    const rule = this.rules.find((r) => r.target === operation && r.remaining > 0);
    if (rule) rule.remaining--;
    await rule?.before?.();
    if (rule?.respond) {
      return {
        status: rule.respond.status,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify(rule.respond.body),
      };
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(key))
        headers[key] = value;
    }
    const upstream = await fetch(`${this.upstream}${req.url}`, {
      method: req.method,
      headers,
      body: ['GET', 'HEAD'].includes(req.method ?? 'GET') ? undefined : body,
    });
    let text = await upstream.text();
    if (rule?.rewrite && upstream.ok) text = JSON.stringify(rule.rewrite(JSON.parse(text)));
    return {
      status: upstream.status,
      headers: { 'content-type': upstream.headers.get('content-type') ?? '' },
      body: text,
    };
  }
}

/** The error Organizations sends when a close would exceed a limit. */
export function constraintViolation(reason: string): InjectedResponse {
  return {
    status: 400,
    body: {
      __type: 'ConstraintViolationException',
      Message: `You have exceeded a limit: ${reason}`,
      Reason: reason,
    },
  };
}
