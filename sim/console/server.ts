import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeCertificate } from './cert';
import { handleConsole } from './console-app';
import { siteOf } from './hosts';
import { notFoundDocument } from './html';
import { htmlResponse, plainResponse, RequestTooLargeError, readSimRequest, type SimResponse } from './http';
import { type OrganizationsFront, startOrganizationsFront } from './organizations-front';
import { handlePortal } from './portal-app';
import { handleCaptcha, handleCaptchaImage, handleSignIn, SESSION_COOKIE } from './signin-app';
import { SimState, seededRandom } from './state';
import type {
  AccountOptions,
  CaptchaRecord,
  ConsoleSimFaults,
  ConsoleSimOptions,
  Generation,
  PhoneNetwork,
  RecordedRequest,
  SentTextMessage,
  SignupParts,
  SimAccount,
  SimMail,
  SpokenCode,
} from './types';

const DEFAULT_FAULTS: ConsoleSimFaults = {
  captcha: 'sometimes',
  wrongAnswerRate: 0,
  expiredTokens: false,
  slowMs: 0,
  pageLoadMs: 0,
  cookieBanner: false,
  interstitial: false,
  interstitialRate: 0,
  layout: 'usual',
  promotionalMailFirst: false,
  closeLayout: 'typed-id',
  declinedCards: [],
  refusedNumbers: [],
};

/** What `updateAccount` may change: any setting, and some of the sign-up parts. */
export type AccountChanges = Partial<Omit<SimAccount, 'accountId' | 'signup'>> & {
  signup?: Partial<SignupParts>;
};

function copyOf(account: SimAccount): SimAccount {
  return { ...account, signup: { ...account.signup } };
}

/** A running console simulator: AWS's sign-in, recovery, reset and console home pages over HTTPS. */
export class ConsoleSim {
  /** `127.0.0.1:<port>`: what CONSOLE_SIM_ADDRESS is set to. */
  readonly address: string;
  readonly port: number;
  /** Base64 SHA-256 of the certificate's key (DER SPKI): what CONSOLE_SIM_SPKI is set to. */
  readonly spki: string;
  /** The self-signed certificate, for Node clients that want to trust it (`ca`). */
  readonly certificatePem: string;
  /**
   * `http://127.0.0.1:<port>` of the Organizations front (AWS_ENDPOINT_URL_ORGANIZATIONS), when started with
   * `organizationsUpstream`.
   */
  readonly organizationsEndpoint: string | undefined;

  constructor(
    private readonly server: Server,
    private readonly state: SimState,
    certificate: { certPem: string; spki: string },
    private readonly organizationsFront?: OrganizationsFront,
  ) {
    this.port = (server.address() as AddressInfo).port;
    this.address = `127.0.0.1:${this.port}`;
    this.spki = certificate.spki;
    this.certificatePem = certificate.certPem;
    this.organizationsEndpoint = organizationsFront?.endpoint;
  }

  async close(): Promise<void> {
    await Promise.all([
      new Promise<void>((resolve, reject) => {
        this.server.close((error) => (error ? reject(error) : resolve()));
        this.server.closeAllConnections();
      }),
      this.organizationsFront?.close(),
    ]);
  }

  // Accounts

  /** Adds the account, or replaces the one with the same id (its MFA device and sign-up progress too). */
  addAccount(options: AccountOptions): SimAccount {
    return copyOf(this.state.addAccount(options));
  }

  /** Changes some of an account's settings (for example allows password recovery once root access is granted). */
  updateAccount(accountId: string, changes: AccountChanges): SimAccount {
    const account = this.state.accounts.get(accountId);
    if (!account) throw new Error(`console sim: no account ${accountId}`);
    const { signup, ...rest } = changes;
    Object.assign(account, rest);
    if (signup) Object.assign(account.signup, signup);
    return copyOf(account);
  }

  /**
   * A copy of the account as the simulated AWS knows it now: current password and MFA key, sign-up parts done,
   * closed, removed, the last four digits of its card.
   */
  account(accountId: string): SimAccount | undefined {
    const account = this.state.accounts.get(accountId);
    return account ? copyOf(account) : undefined;
  }

  /**
   * A root session for the account as if its root user had just signed in (pages get `generation`, default the
   * simulator's): the cookie to give the browser.
   */
  openRootSession(
    accountId: string,
    options: { generation?: Generation } = {},
  ): { name: string; value: string; domain: string } {
    if (!this.state.accounts.has(accountId)) throw new Error(`console sim: no account ${accountId}`);
    const generation = options.generation ?? this.state.chooseGeneration();
    return {
      name: SESSION_COOKIE,
      value: this.state.newSession(accountId, generation),
      domain: '.aws.amazon.com',
    };
  }

  // The phone network

  /** Who AWS's verification calls and text messages reach (undefined: nobody answers, texts go nowhere). */
  setPhoneNetwork(network: PhoneNetwork | undefined): void {
    this.state.phoneNetwork = network;
  }

  /** Verification codes read out in voice calls: only a person on that phone could have heard them. */
  spokenCodes(): SpokenCode[] {
    return this.state.spokenCodes.map((spoken) => ({ ...spoken }));
  }

  /** Text messages AWS sent (verification codes), whether or not a phone network took them. */
  textMessages(): SentTextMessage[] {
    return this.state.textMessages.map((message) => ({ ...message }));
  }

  // Faults

  setFaults(faults: Partial<ConsoleSimFaults>): void {
    Object.assign(this.state.faults, faults);
  }

  faults(): ConsoleSimFaults {
    const { faults } = this.state;
    return {
      ...faults,
      declinedCards: [...faults.declinedCards],
      refusedNumbers: [...faults.refusedNumbers],
    };
  }

  /** Page-load time added by `pageLoadMs` so far, in all. */
  injectedPageWaitMs(): number {
    return this.state.injectedPageWaitMs;
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
  const response = await siteResponse(state, req, site);
  const pageLoadMs = state.faults.pageLoadMs;
  const type = response.headers['content-type'];
  if (pageLoadMs > 0 && typeof type === 'string' && type.startsWith('text/html')) {
    // A page load's own time, as a slow network and AWS's page assembly would add it.
    state.injectedPageWaitMs += pageLoadMs;
    await sleep(pageLoadMs);
  }
  return response;
}

function siteResponse(
  state: SimState,
  req: Awaited<ReturnType<typeof readSimRequest>>,
  site: ReturnType<typeof siteOf>,
): SimResponse | Promise<SimResponse> {
  if (site === 'captcha') return handleCaptcha(state, req);
  if (site === 'captcha-image') return handleCaptchaImage(state, req);
  if (site === 'signin') return handleSignIn(state, req);
  if (site === 'portal') return handlePortal(state, req);
  return handleConsole(state, req);
}

export async function startConsoleSim(options: ConsoleSimOptions = {}): Promise<ConsoleSim> {
  const {
    port,
    generation,
    seed,
    resetTokenTtlMs,
    sessionTtlMs,
    clock,
    organizationsUpstream,
    phoneListenMs,
    ...faults
  } = options;
  const state = new SimState(
    { ...DEFAULT_FAULTS, ...faults },
    {
      generation: generation ?? 'random',
      resetTokenTtlMs: resetTokenTtlMs ?? 60 * 60 * 1000,
      sessionTtlMs: sessionTtlMs ?? 12 * 60 * 60 * 1000,
      clock: clock ?? Date.now,
      random: seed === undefined ? Math.random : seededRandom(seed),
      phoneListenMs: phoneListenMs ?? 60_000,
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
  const front = organizationsUpstream
    ? await startOrganizationsFront(state, organizationsUpstream)
    : undefined;
  return new ConsoleSim(server, state, certificate, front);
}
