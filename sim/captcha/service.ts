import { type ImageCheck, misreadingOf } from './image';

/** How the service behaves for tasks created from now on ('down' refuses every request at once). */
export type CaptchaSimMode = 'solve' | 'unsolvable' | 'wrong' | 'no-slot' | 'down';

/** Reads a picture as a person would: the console simulator's current answer, or undefined when unreadable. */
export type CaptchaOracle = (imageBase64: string) => string | undefined | Promise<string | undefined>;

export interface CaptchaSimOptions {
  /** The one key the service accepts; default 'test-2captcha-key'. */
  clientKey?: string;
  /** How long after createTask a task turns ready (by `now`); default 0. */
  delayMs?: number;
  /** Account balance in USD; each answer given costs 0.0007. At 0 createTask answers ERROR_ZERO_BALANCE. Default 10. */
  balance?: number;
  /** Default 'solve'. */
  mode?: CaptchaSimMode;
  /** Share (0..1) of tasks the workers give up on (unsolvable) while solving; default 0. */
  giveUpRate?: number;
  /** Decides give-ups; default Math.random. */
  random?: () => number;
  /** How 'down' shows: HTTP 503 (default), or connections closed without an answer. */
  downAs?: 'http-503' | 'reset';
  /** The next n tasks (counted from this setting) get a wrong answer, later ones the right one. */
  wrongAnswers?: number;
  /** The right answer for a picture; default: always DEFAULT_SIM_ANSWER. */
  answerFor?: CaptchaOracle;
  /** The clock deciding when a task is ready; default Date.now (tests share a fake one to skip waiting). */
  now?: () => number;
}

/** What a task looks like from outside, for assertions. */
export interface SimTask {
  /** The task id as a decimal string (the wire carries it as a number). */
  id: string;
  api: 'json' | 'classic';
  createdAt: number;
  readyAt: number;
  /** Whether the client asked for a case-sensitive reading. */
  case: boolean;
  minLength?: number;
  maxLength?: number;
  comment?: string;
  /** The text the service gives (or will give) as the solution; absent when the task is unsolvable. */
  answer?: string;
  /** Whether `answer` is a deliberate misreading. */
  wrong: boolean;
  status: 'processing' | 'ready' | 'unsolvable';
}

export interface SimReport {
  taskId: string;
  kind: 'incorrect' | 'correct';
}

/** The answer given when no oracle is wired. */
export const DEFAULT_SIM_ANSWER = 'Xk7pQ2';
/** The price of one image CAPTCHA, as 2captcha prints it. */
export const TASK_COST = '0.00070';

export const ERROR_DESCRIPTIONS: Record<string, string> = {
  ERROR_KEY_DOES_NOT_EXIST: 'The authorization key provided is not valid',
  ERROR_ZERO_BALANCE: 'The account has zero balance',
  ERROR_NO_SLOT_AVAILABLE: 'No idle workers are available at the moment, please try a bit later',
  ERROR_ZERO_CAPTCHA_FILESIZE: 'The size of the captcha you are uploading is zero',
  ERROR_TOO_BIG_CAPTCHA_FILESIZE: 'The size of the captcha you are uploading is more than 100 kB',
  ERROR_IMAGE_TYPE_NOT_SUPPORTED: 'The image file type is not supported (JPEG, PNG and GIF only)',
  ERROR_TASK_NOT_SUPPORTED: 'The task type is not supported',
  ERROR_TASK_ABSENT: 'The task property is empty or not set',
  ERROR_BAD_PARAMETERS: 'Required parameters are missing or have an incorrect format',
  ERROR_NO_SUCH_CAPCHA_ID: 'The task id is not known',
  ERROR_CAPTCHA_UNSOLVABLE: 'Workers could not solve the captcha',
};

/** Why the service refused a request; the APIs print it their own way. */
export class ServiceRefusal extends Error {
  constructor(readonly code: string) {
    super(ERROR_DESCRIPTIONS[code] ?? code);
    this.name = 'ServiceRefusal';
  }
}

export interface NewTask {
  api: 'json' | 'classic';
  image: ImageCheck;
  caseSensitive: boolean;
  minLength?: number;
  maxLength?: number;
  comment?: string;
}

export type TaskOutcome =
  | { status: 'processing' }
  | { status: 'ready'; task: SimTask }
  | { status: 'unsolvable'; task: SimTask };

const FIRST_TASK_ID = 72_000_000_001;

/** The service's state, shared by its JSON and classic APIs. */
export class CaptchaService {
  private settings: Required<Omit<CaptchaSimOptions, 'wrongAnswers'>>;
  private wrongLeft: number;
  private balance: number;
  private nextId = FIRST_TASK_ID;
  private readonly taskList: SimTask[] = [];
  private readonly byId = new Map<string, SimTask>();
  private readonly reportList: SimReport[] = [];
  private readonly requestCounts = new Map<string, number>();

  constructor(options: CaptchaSimOptions = {}) {
    this.settings = {
      clientKey: 'test-2captcha-key',
      delayMs: 0,
      balance: 10,
      mode: 'solve',
      giveUpRate: 0,
      random: Math.random,
      downAs: 'http-503',
      answerFor: () => DEFAULT_SIM_ANSWER,
      now: Date.now,
    };
    this.wrongLeft = 0;
    this.balance = this.settings.balance;
    this.configure(options);
  }

  configure(options: CaptchaSimOptions): void {
    const { wrongAnswers, ...rest } = options;
    for (const [name, value] of Object.entries(rest)) {
      if (value !== undefined) (this.settings as Record<string, unknown>)[name] = value;
    }
    if (options.balance !== undefined) this.balance = options.balance;
    if (wrongAnswers !== undefined) this.wrongLeft = wrongAnswers;
  }

  get mode(): CaptchaSimMode {
    return this.settings.mode;
  }

  get downAs(): 'http-503' | 'reset' {
    return this.settings.downAs;
  }

  countRequest(endpoint: string): void {
    this.requestCounts.set(endpoint, (this.requestCounts.get(endpoint) ?? 0) + 1);
  }

  requests(): Record<string, number> {
    return Object.fromEntries(this.requestCounts);
  }

  tasks(): SimTask[] {
    return this.taskList.map((task) => ({ ...task, status: this.statusOf(task) }));
  }

  reports(): SimReport[] {
    return this.reportList.map((report) => ({ ...report }));
  }

  checkKey(key: unknown): void {
    if (key !== this.settings.clientKey) throw new ServiceRefusal('ERROR_KEY_DOES_NOT_EXIST');
  }

  currentBalance(): number {
    return this.balance;
  }

  /** Accepts a picture; its outcome (answer, misreading or unsolvable) is fixed now, its readiness by the delay. */
  async createTask(request: NewTask): Promise<SimTask> {
    if (!request.image.ok) throw new ServiceRefusal(request.image.code);
    if (this.balance <= 0) throw new ServiceRefusal('ERROR_ZERO_BALANCE');
    if (this.settings.mode === 'no-slot') throw new ServiceRefusal('ERROR_NO_SLOT_AVAILABLE');
    const givesUp = this.settings.giveUpRate > 0 && this.settings.random() < this.settings.giveUpRate;
    const right =
      this.settings.mode === 'unsolvable' || givesUp
        ? undefined
        : await this.settings.answerFor(request.image.bytes.toString('base64'));
    let answer = right;
    let wrong = false;
    if (right !== undefined && (this.settings.mode === 'wrong' || this.wrongLeft > 0)) {
      if (this.settings.mode !== 'wrong') this.wrongLeft -= 1;
      answer = misreadingOf(right);
      wrong = true;
    }
    // Charged for an answer only: unsolvable tasks are refunded by the service.
    if (answer !== undefined) this.balance = Math.round((this.balance - Number(TASK_COST)) * 1e5) / 1e5;
    const createdAt = this.settings.now();
    const task: SimTask = {
      id: String(this.nextId++),
      api: request.api,
      createdAt,
      readyAt: createdAt + this.settings.delayMs,
      case: request.caseSensitive,
      ...(request.minLength !== undefined ? { minLength: request.minLength } : {}),
      ...(request.maxLength !== undefined ? { maxLength: request.maxLength } : {}),
      ...(request.comment !== undefined ? { comment: request.comment } : {}),
      ...(answer !== undefined ? { answer } : {}),
      wrong,
      status: 'processing',
    };
    this.taskList.push(task);
    this.byId.set(task.id, task);
    return task;
  }

  outcome(taskId: unknown): TaskOutcome {
    const task = this.find(taskId);
    const status = this.statusOf(task);
    if (status === 'processing') return { status };
    return { status, task: { ...task, status } };
  }

  report(taskId: unknown, kind: SimReport['kind']): void {
    const task = this.find(taskId);
    this.reportList.push({ taskId: task.id, kind });
  }

  private find(taskId: unknown): SimTask {
    const id = typeof taskId === 'number' || typeof taskId === 'string' ? String(taskId).trim() : '';
    const task = this.byId.get(id);
    if (!task) throw new ServiceRefusal('ERROR_NO_SUCH_CAPCHA_ID');
    return task;
  }

  private statusOf(task: SimTask): SimTask['status'] {
    if (this.settings.now() < task.readyAt) return 'processing';
    return task.answer === undefined ? 'unsolvable' : 'ready';
  }
}
