import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { ConfigError } from '../../common/errors';
import { createLogger, type Logger } from '../../common/logger';
import { secretsManagerReader } from '../../slack/secrets';
import type { SecretReader } from '../../slack/settings';
import type { CaptchaSolver, SolveResult, SolverFailure } from '../ports';

/** TWOCAPTCHA_URL's default, as DESIGN.md's contract names it: the service's own address. */
export const DEFAULT_TWOCAPTCHA_URL = 'https://2captcha.com';

/**
 * Where the JSON API (createTask, getTaskResult, …) of a TWOCAPTCHA_URL is: 2captcha serves it from its `api.`
 * host, while 2captcha.com itself serves the classic in.php/res.php API. Any other URL (a stand-in) is used as is.
 */
export function jsonApiUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.hostname === '2captcha.com' || url.hostname === 'www.2captcha.com')
    url.hostname = 'api.2captcha.com';
  return url.href.replace(/\/$/, '');
}

export interface TwoCaptchaSolverOptions {
  /** The service's base URL (TWOCAPTCHA_URL); sim/captcha's url in tests. */
  baseUrl?: string;
  /** The account key, or how to read it (from Secrets Manager); read on first use, then kept. */
  apiKey: string | (() => Promise<string>);
  /** Between two getTaskResult calls; the service asks for at least 5 s. Default 5000. */
  pollIntervalMs?: number;
  /** Before the first getTaskResult; a picture takes workers 10–20 s. Default 5000. */
  firstPollAfterMs?: number;
  /** Longest a single HTTP call may take. Default 30000. */
  requestTimeoutMs?: number;
  now?: () => number;
  /** Waits between polls; tests inject one that moves their clock instead. */
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
}

type Reply = Record<string, unknown>;
type Failed = Extract<SolveResult, { ok: false }>;
type Called = { ok: true; reply: Reply } | Failed;

const failed = (failure: SolverFailure, detail: string): Failed => ({ ok: false, failure, detail });

/** What each of the service's error codes means for the solver chain; anything not listed is an 'error'. */
const FAILURE_BY_CODE: Record<string, SolverFailure> = {
  ERROR_ZERO_BALANCE: 'zero-balance',
  ERROR_NO_SLOT_AVAILABLE: 'no-slot',
  ERROR_CAPTCHA_UNSOLVABLE: 'unsolvable',
};

const errorCodeOf = (reply: Reply) =>
  typeof reply.errorCode === 'string' ? reply.errorCode : 'an unnamed error';

/**
 * Image CAPTCHAs read by 2captcha's workers through its JSON API. The API key and the answers never reach a log
 * or a failure's detail; only task ids, error codes and timings do.
 */
export class TwoCaptchaSolver implements CaptchaSolver {
  private readonly http: AxiosInstance;
  private readonly pollIntervalMs: number;
  private readonly firstPollAfterMs: number;
  private readonly requestTimeoutMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger;
  private readonly apiKeySource: TwoCaptchaSolverOptions['apiKey'];
  private apiKey: Promise<string> | undefined;

  constructor(options: TwoCaptchaSolverOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.http = axios.create({
      baseURL: jsonApiUrl(options.baseUrl ?? DEFAULT_TWOCAPTCHA_URL),
      timeout: this.requestTimeoutMs,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    });
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.firstPollAfterMs = options.firstPollAfterMs ?? 5_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.logger = options.logger ?? createLogger('two-captcha');
    this.apiKeySource = options.apiKey;
  }

  async solve(
    png: Uint8Array,
    options: { deadlineAt: number; minLength?: number; maxLength?: number },
  ): Promise<SolveResult> {
    const result = await this.solveOnce(png, options);
    if (result.ok) {
      this.logger.info('2captcha answered', { taskId: result.taskId, answerLength: result.answer.length });
    } else {
      this.logger.warn('2captcha gave no answer', { failure: result.failure, detail: result.detail });
    }
    return result;
  }

  reportIncorrect(taskId: string): Promise<void> {
    return this.report('reportIncorrect', taskId);
  }

  reportCorrect(taskId: string): Promise<void> {
    return this.report('reportCorrect', taskId);
  }

  private async solveOnce(
    png: Uint8Array,
    options: { deadlineAt: number; minLength?: number; maxLength?: number },
  ): Promise<SolveResult> {
    const { deadlineAt, minLength, maxLength } = options;
    if (this.now() >= deadlineAt)
      return failed('timeout', 'the deadline had passed before 2captcha was asked');
    const clientKey = await this.readApiKey();
    if (clientKey === undefined) return failed('error', 'the 2captcha API key could not be read');

    const created = await this.createTask(clientKey, png, options);
    if (!created.ok) return created;
    const { taskId } = created;
    this.logger.info('2captcha task created', { taskId });

    const outcome = await this.waitForText(clientKey, taskId, deadlineAt);
    if (!outcome.ok) return outcome;
    const answer = outcome.text.trim();
    let refusal: string | undefined;
    if (answer === '') refusal = `2captcha answered task ${taskId} with no text`;
    else if (
      (minLength !== undefined && answer.length < minLength) ||
      (maxLength && answer.length > maxLength)
    ) {
      refusal = `2captcha answered task ${taskId} with ${answer.length} characters, outside ${minLength ?? 0}–${maxLength ?? '∞'}`;
    }
    if (refusal !== undefined) {
      // Typing a non-answer would only cost a fresh picture; the service refunds answers reported wrong.
      await this.reportIncorrect(taskId);
      return failed('error', refusal);
    }
    return { ok: true, answer, taskId };
  }

  /** createTask, tried again after a pause while the service has no free worker and time remains. */
  private async createTask(
    clientKey: string,
    png: Uint8Array,
    options: { deadlineAt: number; minLength?: number; maxLength?: number },
  ): Promise<{ ok: true; taskId: string } | Failed> {
    const task = {
      type: 'ImageToTextTask',
      body: Buffer.from(png).toString('base64'),
      case: true,
      numeric: 0,
      ...(options.minLength ? { minLength: options.minLength } : {}),
      ...(options.maxLength ? { maxLength: options.maxLength } : {}),
      comment: 'case-sensitive, letters and digits',
    };
    for (;;) {
      const called = await this.call('createTask', { clientKey, task }, options.deadlineAt);
      if (!called.ok) return called;
      const { reply } = called;
      if (reply.errorId === 0) {
        const taskId = reply.taskId;
        if (
          (typeof taskId === 'number' && Number.isSafeInteger(taskId)) ||
          (typeof taskId === 'string' && taskId)
        ) {
          return { ok: true, taskId: String(taskId) };
        }
        return failed('error', '2captcha accepted the picture without giving a task id');
      }
      const code = errorCodeOf(reply);
      const failure = FAILURE_BY_CODE[code] ?? 'error';
      if (failure === 'no-slot' && this.now() + this.pollIntervalMs < options.deadlineAt) {
        this.logger.info('2captcha has no free worker; asking again after a pause', {
          pauseMs: this.pollIntervalMs,
        });
        await this.sleep(this.pollIntervalMs);
        continue;
      }
      return failed(failure, `2captcha refused the picture: ${code}`);
    }
  }

  /** Polls getTaskResult until the task is ready, failed or the deadline has passed (checked once more at it). */
  private async waitForText(
    clientKey: string,
    taskId: string,
    deadlineAt: number,
  ): Promise<{ ok: true; text: string } | Failed> {
    const id = /^\d+$/.test(taskId) ? Number(taskId) : taskId;
    let pollAt = this.now() + this.firstPollAfterMs;
    for (;;) {
      const wait = Math.min(pollAt, deadlineAt) - this.now();
      if (wait > 0) await this.sleep(wait);
      const called = await this.call('getTaskResult', { clientKey, taskId: id }, deadlineAt);
      if (!called.ok) return called;
      const { reply } = called;
      if (reply.errorId !== 0) {
        const code = errorCodeOf(reply);
        return failed(FAILURE_BY_CODE[code] ?? 'error', `2captcha could not solve task ${taskId}: ${code}`);
      }
      if (reply.status === 'ready') {
        const solution = reply.solution as { text?: unknown } | undefined;
        return { ok: true, text: typeof solution?.text === 'string' ? solution.text : '' };
      }
      if (reply.status !== 'processing') {
        return failed('error', `2captcha answered task ${taskId} with an unknown status`);
      }
      if (this.now() >= deadlineAt)
        return failed('timeout', `2captcha had no answer for task ${taskId} in time`);
      pollAt = this.now() + this.pollIntervalMs;
    }
  }

  /** One POST; transport failures and non-JSON replies become an 'error' ('timeout' once past the deadline). */
  private async call(endpoint: string, body: Reply, deadlineAt?: number): Promise<Called> {
    // A call must not outlast the deadline by much, yet gets a second at least to be answered at all.
    const timeout =
      deadlineAt === undefined
        ? this.requestTimeoutMs
        : Math.min(this.requestTimeoutMs, Math.max(1_000, deadlineAt - this.now()));
    try {
      const { data } = await this.http.post<unknown>(endpoint, body, { timeout });
      if (data === null || typeof data !== 'object' || Array.isArray(data)) {
        return failed('error', `2captcha's ${endpoint} answered something other than a JSON object`);
      }
      return { ok: true, reply: data as Reply };
    } catch (error) {
      // Only the status or the network code: an axios error carries the request, and the request the key.
      const reason = !isAxiosError(error)
        ? 'an unexpected failure'
        : error.response
          ? `HTTP ${error.response.status}`
          : (error.code ?? 'a network failure');
      if (deadlineAt !== undefined && this.now() >= deadlineAt) {
        return failed('timeout', `2captcha's ${endpoint} did not answer before the deadline (${reason})`);
      }
      return failed('error', `2captcha's ${endpoint} failed: ${reason}`);
    }
  }

  private async report(endpoint: 'reportIncorrect' | 'reportCorrect', taskId: string): Promise<void> {
    try {
      const clientKey = await this.readApiKey();
      if (clientKey === undefined) {
        this.logger.warn('2captcha report not sent: the API key could not be read', { endpoint, taskId });
        return;
      }
      const called = await this.call(endpoint, {
        clientKey,
        taskId: /^\d+$/.test(taskId) ? Number(taskId) : taskId,
      });
      if (!called.ok) this.logger.warn('2captcha report failed', { endpoint, taskId, detail: called.detail });
      else if (called.reply.errorId !== 0) {
        this.logger.warn('2captcha refused the report', {
          endpoint,
          taskId,
          errorCode: errorCodeOf(called.reply),
        });
      }
    } catch (error) {
      // A report is a courtesy to the service: it must never fail the step that sends it.
      this.logger.warn('2captcha report failed', { endpoint, taskId, errorName: (error as Error)?.name });
    }
  }

  /** The key, read once; a failed read is tried again on the next call. Undefined when it cannot be had. */
  private async readApiKey(): Promise<string | undefined> {
    const source = this.apiKeySource;
    if (typeof source === 'string') return source.trim() || undefined;
    try {
      this.apiKey ??= source().then((key) => key.trim());
      return (await this.apiKey) || undefined;
    } catch (error) {
      this.apiKey = undefined;
      this.logger.warn('Reading the 2captcha API key failed', {
        errorName: error instanceof Error ? error.name : typeof error,
      });
      return undefined;
    }
  }
}

type Env = Record<string, string | undefined>;

// Field names a hand-made JSON secret may keep the key under; a plain-text secret is the key itself.
const KEY_FIELDS = ['apiKey', 'clientKey', 'key', 'TWOCAPTCHA_API_KEY'];

/** The key out of a secret's text: the text itself, or a field of a JSON object. Never quotes the text. */
export function twoCaptchaKeyFromSecret(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new Error('the 2captcha secret looks like JSON but does not parse');
  }
  const fields = (parsed ?? {}) as Record<string, unknown>;
  for (const name of KEY_FIELDS) {
    const value = fields[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  throw new Error(`the 2captcha secret has none of the fields ${KEY_FIELDS.join(', ')}`);
}

/**
 * A solver configured by the environment: TWOCAPTCHA_URL (default DEFAULT_TWOCAPTCHA_URL) and TWOCAPTCHA_SECRET,
 * the Secrets Manager secret holding the key (read on first use, by `readSecret`).
 */
export function twoCaptchaSolverFromEnv(
  env: Env = process.env,
  readSecret: SecretReader = secretsManagerReader(),
  options: Omit<TwoCaptchaSolverOptions, 'baseUrl' | 'apiKey'> = {},
): TwoCaptchaSolver {
  const problems: Array<{ variable: string; problem: string }> = [];
  const secretName = env.TWOCAPTCHA_SECRET?.trim();
  if (!secretName)
    problems.push({ variable: 'TWOCAPTCHA_SECRET', problem: 'TWOCAPTCHA_SECRET is required but not set' });
  const baseUrl = env.TWOCAPTCHA_URL?.trim() || DEFAULT_TWOCAPTCHA_URL;
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(baseUrl)) {
    problems.push({
      variable: 'TWOCAPTCHA_URL',
      problem: `TWOCAPTCHA_URL="${baseUrl}" is not an http(s) URL`,
    });
  }
  if (problems.length > 0 || !secretName) throw new ConfigError(problems);
  return new TwoCaptchaSolver({
    ...options,
    baseUrl,
    apiKey: async () => twoCaptchaKeyFromSecret(await readSecret(secretName)),
  });
}
