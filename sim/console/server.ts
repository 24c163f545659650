import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeCertificate } from './cert';
import { handleConsole } from './console-app';
import { siteOf } from './hosts';
import { notFoundDocument } from './html';
import { htmlResponse, plainResponse, RequestTooLargeError, readSimRequest, type SimResponse } from './http';
import { handleCaptcha, handleSignIn } from './signin-app';
import { SimState, seededRandom } from './state';
import type {
  AccountOptions,
  CaptchaRecord,
  ConsoleSimFaults,
  ConsoleSimOptions,
  Generation,
  RecordedRequest,
  SimAccount,
  SimMail,
} from './types';

const DEFAULT_FAULTS: ConsoleSimFaults = {
  captcha: 'sometimes',
  wrongAnswerRate: 0,
  expiredTokens: false,
  slowMs: 0,
  cookieBanner: false,
  interstitial: false,
  layout: 'usual',
  promotionalMailFirst: false,
};

/** A running console simulator: AWS's sign-in, recovery, reset and console home pages over HTTPS. */
export class ConsoleSim {
  /** `127.0.0.1:<port>`: what CONSOLE_SIM_ADDRESS is set to. */
  readonly address: string;
  readonly port: number;
  /** Base64 SHA-256 of the certificate's key (DER SPKI): what CONSOLE_SIM_SPKI is set to. */
  readonly spki: string;
  /** The self-signed certificate, for Node clients that want to trust it (`ca`). */
  readonly certificatePem: string;

  constructor(
    private readonly server: Server,
    private readonly state: SimState,
    certificate: { certPem: string; spki: string },
  ) {
    this.port = (server.address() as AddressInfo).port;
    this.address = `127.0.0.1:${this.port}`;
    this.spki = certificate.spki;
    this.certificatePem = certificate.certPem;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  // Accounts

  /** Adds the account, or replaces the one with the same id (its MFA device too). */
  addAccount(options: AccountOptions): SimAccount {
    return { ...this.state.addAccount(options) };
  }

  /** Changes some of an account's settings (for example allows password recovery once root access is granted). */
  updateAccount(accountId: string, changes: Partial<Omit<SimAccount, 'accountId'>>): SimAccount {
    const account = this.state.accounts.get(accountId);
    if (!account) throw new Error(`console sim: no account ${accountId}`);
    Object.assign(account, changes);
    return { ...account };
  }

  /** A copy of the account as the simulated AWS knows it now, including its current password and MFA key. */
  account(accountId: string): SimAccount | undefined {
    const account = this.state.accounts.get(accountId);
    return account ? { ...account } : undefined;
  }

  // Faults

  setFaults(faults: Partial<ConsoleSimFaults>): void {
    Object.assign(this.state.faults, faults);
  }

  faults(): ConsoleSimFaults {
    return { ...this.state.faults };
  }

  /** Which id generation new sign-in sessions get ('random': a coin per session). */
  setGeneration(generation: Generation | 'random'): void {
    this.state.settings.generation = generation;
  }

  /** Ends every console session: the console sends the browser to sign in again. */
  expireSessions(): void {
    this.state.expireSessions();
  }

  // What happened

  requests(): RecordedRequest[] {
    return this.state.requests.map((request) => ({ ...request }));
  }

  clearRequests(): void {
    this.state.requests.length = 0;
  }

  /** Every CAPTCHA challenge shown so far, with its answer (the oracle for a stand-in solver). */
  captchaAnswers(): CaptchaRecord[] {
    return this.state.captchaRecords();
  }

  /** The answer of the most recently shown challenge that is still open. */
  latestCaptchaAnswer(): string | undefined {
    return this.state.latestOpenCaptchaAnswer();
  }

  mails(): SimMail[] {
    return [...this.state.mails];
  }

  /** Calls `listener` with each new mail; returns the function that stops it. */
  onMail(listener: (mail: SimMail) => void): () => void {
    this.state.mailListeners.add(listener);
    return () => {
      this.state.mailListeners.delete(listener);
    };
  }
}

async function respond(state: SimState, request: Parameters<typeof readSimRequest>[0]): Promise<SimResponse> {
  let req: Awaited<ReturnType<typeof readSimRequest>>;
  try {
    req = await readSimRequest(request);
  } catch (error) {
    if (error instanceof RequestTooLargeError)
      return plainResponse(413, 'text/plain; charset=utf-8', 'Too large');
    throw error;
  }
  state.requests.push({ at: state.now(), method: req.method, host: req.host, path: req.path });
  const site = siteOf(req.host, req.url.pathname);
  if (site === 'foreign') return htmlResponse(notFoundDocument(), { status: 404 });
  if (state.faults.slowMs > 0) await sleep(state.faults.slowMs);
  if (site === 'captcha') return handleCaptcha(state, req);
  if (site === 'signin') return handleSignIn(state, req);
  return handleConsole(state, req);
}

export async function startConsoleSim(options: ConsoleSimOptions = {}): Promise<ConsoleSim> {
  const { port, generation, seed, resetTokenTtlMs, sessionTtlMs, clock, ...faults } = options;
  const state = new SimState(
    { ...DEFAULT_FAULTS, ...faults },
    {
      generation: generation ?? 'random',
      resetTokenTtlMs: resetTokenTtlMs ?? 60 * 60 * 1000,
      sessionTtlMs: sessionTtlMs ?? 12 * 60 * 60 * 1000,
      clock: clock ?? Date.now,
      random: seed === undefined ? Math.random : seededRandom(seed),
    },
  );
  const certificate = await makeCertificate();
  const server = createServer({ key: certificate.keyPem, cert: certificate.certPem }, (request, response) => {
    respond(state, request)
      .then((answer) => {
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      })
      .catch((error: unknown) => {
        console.error('console sim: request failed', error);
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('Internal error');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return new ConsoleSim(server, state, certificate);
}
