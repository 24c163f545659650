import { parseDuration } from './duration';
import { ConfigError } from './errors';

export type Strategy = 'close' | 'remove';

/** Slack principals: user ids (U…, W…) and user group ids (S…). */
export interface Principals {
  users: string[];
  groups: string[];
}

export interface Deadlines {
  /** How long a request waits for an approver. */
  approvalMs: number;
  /** How long after CloseAccount the account may stay ACTIVE before the teardown fails. */
  closeMs: number;
  /** How long a reset mail may take before the reset is requested again. */
  mailMs: number;
  /** How long the pipeline waits for a person (CAPTCHA, unknown page). */
  humanMs: number;
}

export interface Config {
  region: string;
  tableName: string;
  /** OUs (or the root) below which accounts may be torn down; nested OUs count. */
  allowedParentIds: string[];
  protectTagKey: string;
  requesters: Principals;
  approvers: Principals;
  defaultStrategy: Strategy;
  /** Whether `close` may switch to `remove` when the close quota is used up. */
  closeFallbackToRemove: boolean;
  deadlines: Deadlines;
  /**
   * How long cleanup keeps a removed account's root password and MFA key after closing it: AWS can still reopen
   * a closed account through Support for 90 days, and only its root user can ask.
   */
  rootCredentialsRetentionMs: number;
}

/** Names and resources a deployed Lambda hands work to; absent locally, where dispatch is in-process. */
export interface LambdaWiring {
  pipelineFunctionName: string;
  pipelineFunctionArn: string;
  browserFunctionName: string | undefined;
  schedulerGroup: string;
  schedulerRoleArn: string;
}

type Env = Record<string, string | undefined>;

/** Reads variables, collecting every problem so that one error names them all. */
export class Reader {
  readonly problems: Array<{ variable: string; problem: string }> = [];
  constructor(private readonly env: Env) {}

  private value(name: string): string | undefined {
    const raw = this.env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  }

  required(name: string, pattern?: RegExp, shape?: string): string {
    const value = this.value(name);
    if (value === undefined) {
      this.problems.push({ variable: name, problem: `${name} is required but not set` });
      return '';
    }
    if (pattern && !pattern.test(value))
      this.problems.push({ variable: name, problem: `${name}="${value}" is not ${shape}` });
    return value;
  }

  optional(name: string, fallback: string, pattern?: RegExp, shape?: string): string {
    const value = this.value(name) ?? fallback;
    if (pattern && !pattern.test(value))
      this.problems.push({ variable: name, problem: `${name}="${value}" is not ${shape}` });
    return value;
  }

  list(name: string, pattern: RegExp, shape: string, { required }: { required: boolean }): string[] {
    const value = this.value(name);
    if (value === undefined) {
      if (required)
        this.problems.push({
          variable: name,
          problem: `${name} is required but not set (comma-separated ${shape})`,
        });
      return [];
    }
    const items = value
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    for (const item of items) {
      if (!pattern.test(item))
        this.problems.push({ variable: name, problem: `${name}: "${item}" is not ${shape}` });
    }
    return [...new Set(items)];
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.value(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    this.problems.push({ variable: name, problem: `${name}="${value}" is not true or false` });
    return fallback;
  }

  duration(name: string, fallback: string): number {
    const text = this.value(name) ?? fallback;
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      this.problems.push({
        variable: name,
        problem: `${name}="${text}" is not a duration such as 90s, 15m, 24h or 7d`,
      });
      return parseDuration(fallback) ?? 0;
    }
    return ms;
  }

  principals(name: string): Principals {
    const items = this.list(name, /^[UWS][A-Z0-9]{2,}$/, 'a Slack user id (U…, W…) or user group id (S…)', {
      required: true,
    });
    return { users: items.filter((i) => !i.startsWith('S')), groups: items.filter((i) => i.startsWith('S')) };
  }

  done(): void {
    if (this.problems.length > 0) {
      throw new ConfigError(this.problems);
    }
  }
}

const OU_OR_ROOT = /^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/;

/** Reads and validates the whole configuration at start-up; any bad value names its variable. */
export function loadConfig(env: Env = process.env): Config {
  const read = new Reader(env);
  const config: Config = {
    region: read.optional(
      'AWS_REGION',
      'us-east-1',
      /^[a-z]{2}(-[a-z]+)+-\d$/,
      'an AWS region such as us-east-1',
    ),
    tableName: read.required('TEARDOWN_TABLE', /^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name'),
    allowedParentIds: read.list('TEARDOWN_ALLOWED_OUS', OU_OR_ROOT, 'an OU id (ou-…) or root id (r-…)', {
      required: true,
    }),
    protectTagKey: read.optional('TEARDOWN_PROTECT_TAG', 'teardown:protect', /^.{1,128}$/, 'a tag key'),
    requesters: read.principals('TEARDOWN_REQUESTERS'),
    approvers: read.principals('TEARDOWN_APPROVERS'),
    defaultStrategy: read.optional(
      'TEARDOWN_DEFAULT_STRATEGY',
      'close',
      /^(close|remove)$/,
      'close or remove',
    ) as Strategy,
    closeFallbackToRemove: read.boolean('TEARDOWN_CLOSE_FALLBACK_TO_REMOVE', false),
    deadlines: {
      approvalMs: read.duration('TEARDOWN_APPROVAL_DEADLINE', '24h'),
      closeMs: read.duration('TEARDOWN_CLOSE_DEADLINE', '2h'),
      mailMs: read.duration('TEARDOWN_MAIL_DEADLINE', '15m'),
      humanMs: read.duration('TEARDOWN_HUMAN_DEADLINE', '24h'),
    },
    rootCredentialsRetentionMs: read.duration('TEARDOWN_ROOT_CREDENTIALS_RETENTION', '90d'),
  };
  read.done();
  return config;
}

/** Reads what a deployed Lambda needs to hand work on (function names, scheduler). */
export function loadLambdaWiring(env: Env = process.env): LambdaWiring {
  const read = new Reader(env);
  const arn = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/;
  const wiring: LambdaWiring = {
    pipelineFunctionName: read.required('PIPELINE_FUNCTION_NAME'),
    pipelineFunctionArn: read.required('PIPELINE_FUNCTION_ARN', arn, 'an ARN'),
    browserFunctionName: env.BROWSER_FUNCTION_NAME?.trim() || undefined,
    schedulerGroup: read.optional('SCHEDULER_GROUP', 'default'),
    schedulerRoleArn: read.required('SCHEDULER_ROLE_ARN', arn, 'an ARN'),
  };
  read.done();
  return wiring;
}
