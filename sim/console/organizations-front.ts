import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimState } from './state';
import type { SimAccount } from './types';

// An Organizations endpoint in front of moto: every call passes through unchanged, except the removal of an
// account the simulator knows, which AWS refuses until the account could stand alone (what the sign-up wizard
// does) and is old enough; and the accounts' JoinedTimestamp, which is the simulator's (moto records every
// account as joined when it was created).

const REMOVE_TARGET = 'AWSOrganizationsV20161128.RemoveAccountFromOrganization';
/** Answers that carry accounts, whose JoinedTimestamp the simulator gives. */
const ACCOUNT_ANSWERS = new Set(
  ['DescribeAccount', 'ListAccounts', 'ListAccountsForParent'].map((a) => `AWSOrganizationsV20161128.${a}`),
);
/** A created account must have been a member this long before it may leave. */
export const REMOVAL_WAIT_MS = 4 * 24 * 60 * 60 * 1000;

export interface RemovalRefusal {
  reason: string;
  message: string;
}

/** Why AWS would refuse to remove the account now, in the order it checks; undefined: it may leave. */
export function removalRefusal(account: SimAccount, now: number): RemovalRefusal | undefined {
  const { signup } = account;
  if (now - account.joinedAt < REMOVAL_WAIT_MS) {
    return {
      reason: 'WAIT_PERIOD_ACTIVE',
      message:
        'This account cannot leave the organization yet: an account created in an organization must be a member for at least 4 days.',
    };
  }
  if (!signup.agreement || !signup.contact) {
    return {
      reason: 'ACCOUNT_CANNOT_LEAVE_WITHOUT_EULA',
      message:
        'This account cannot leave the organization until its contact information is complete and the AWS Customer Agreement is accepted.',
    };
  }
  if (!signup.payment) {
    return {
      reason: 'MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED',
      message: 'This account cannot leave the organization until it has a payment method.',
    };
  }
  if (!signup.phone) {
    return {
      reason: 'ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION',
      message: 'This account cannot leave the organization until its phone number is verified.',
    };
  }
  if (!signup.support) {
    return {
      reason: 'ACCOUNT_CANNOT_LEAVE_ORGANIZATION',
      message: 'This account cannot leave the organization until a support plan is selected for it.',
    };
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function accountIdOf(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const id = (parsed as { AccountId?: unknown } | null)?.AccountId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(body);
}

/**
 * The accounts of an answer with the simulator's JoinedTimestamp (epoch seconds, as AWS's JSON gives it), or
 * undefined when it names no account the simulator knows (the answer then goes as it came).
 */
function withJoinedAt(state: SimState, answer: Record<string, unknown>): Record<string, unknown> | undefined {
  let changed = false;
  const rewrite = (account: unknown) => {
    const entry = account as { Id?: unknown; JoinedTimestamp?: unknown } | null;
    const known = typeof entry?.Id === 'string' ? state.accounts.get(entry.Id) : undefined;
    if (entry && known) {
      entry.JoinedTimestamp = known.joinedAt / 1000;
      changed = true;
    }
  };
  if (answer.Account) rewrite(answer.Account);
  if (Array.isArray(answer.Accounts)) for (const account of answer.Accounts) rewrite(account);
  return changed ? answer : undefined;
}

/**
 * Passes the request to the upstream as it came, and its answer back as it came, or, with `edit`, a successful
 * JSON answer changed by it.
 */
function passThrough(
  upstream: URL,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
  onStatus?: (status: number) => void,
  edit?: (answer: Record<string, unknown>) => Record<string, unknown> | undefined,
): void {
  const proxied = request(
    {
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    },
    (answer) => {
      const status = answer.statusCode ?? 502;
      onStatus?.(status);
      if (!edit || status !== 200) {
        res.writeHead(status, answer.rawHeaders);
        answer.pipe(res);
        return;
      }
      void readBody(answer).then((raw) => {
        let edited: Record<string, unknown> | undefined;
        try {
          edited = edit(JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
        } catch {
          edited = undefined;
        }
        if (edited) sendJson(res, status, edited);
        else res.writeHead(status, answer.rawHeaders).end(raw);
      });
    },
  );
  proxied.on('error', (error) => {
    console.error('console sim: the Organizations upstream failed:', error.message);
    if (!res.headersSent) sendJson(res, 502, { __type: 'ServiceException', Message: 'Upstream unavailable' });
    else res.destroy();
  });
  proxied.end(body);
}

export interface OrganizationsFront {
  /** `http://127.0.0.1:<port>`: what AWS_ENDPOINT_URL_ORGANIZATIONS is set to. */
  endpoint: string;
  close(): Promise<void>;
}

export async function startOrganizationsFront(
  state: SimState,
  upstream: string,
): Promise<OrganizationsFront> {
  const upstreamUrl = new URL(upstream);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (ACCOUNT_ANSWERS.has(target)) {
      return passThrough(upstreamUrl, req, body, res, undefined, (answer) => withJoinedAt(state, answer));
    }
    if (target !== REMOVE_TARGET) return passThrough(upstreamUrl, req, body, res);
    const accountId = accountIdOf(body);
    const account = accountId ? state.accounts.get(accountId) : undefined;
    // Accounts the simulator does not know are moto's business alone.
    if (!account) return passThrough(upstreamUrl, req, body, res);
    const refusal = removalRefusal(account, state.now());
    if (refusal) {
      return sendJson(res, 400, {
        __type: 'ConstraintViolationException',
        Message: refusal.message,
        Reason: refusal.reason,
      });
    }
    passThrough(upstreamUrl, req, body, res, (status) => {
      if (status === 200) account.removed = true;
    });
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('console sim: Organizations front failed:', error);
      if (!res.headersSent) sendJson(res, 500, { __type: 'ServiceException', Message: 'Internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
