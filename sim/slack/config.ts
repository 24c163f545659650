import type { BotResponse, SignedRequest, SimChannel, SimUser, SlackSimOptions } from './types';

/** Options with defaults applied; shared by every module of the simulator. */
export interface SimConfig {
  botToken: string;
  signingSecret: string;
  /** Deprecated verification token Slack still sends in payloads. */
  verificationToken: string;
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  apiAppId: string;
  users: ReadonlyMap<string, SimUser>;
  /** Undefined: any channel id exists. */
  channels?: ReadonlyMap<string, SimChannel>;
  usergroups: ReadonlyMap<string, readonly string[]>;
  deliver?: (req: SignedRequest) => Promise<BotResponse>;
  botUrl?: string;
  rateLimit?: { perChannelPerSecond: number };
  now: () => number;
  triggerTtlMs: number;
}

export function resolveConfig(opts: SlackSimOptions): SimConfig {
  if (opts.rateLimit && !(opts.rateLimit.perChannelPerSecond > 0)) {
    throw new Error('rateLimit.perChannelPerSecond must be > 0');
  }
  return {
    botToken: opts.botToken ?? 'xoxb-sim-token',
    signingSecret: opts.signingSecret ?? 'sim-signing-secret',
    verificationToken: 'sim-verification-token',
    teamId: opts.teamId ?? 'T0SIMTEAM',
    teamDomain: opts.teamDomain ?? 'sim-workspace',
    botUserId: opts.botUserId ?? 'U0SIMBOT',
    botId: opts.botId ?? 'B0SIMBOT',
    apiAppId: opts.apiAppId ?? 'A0SIMAPP',
    users: new Map((opts.users ?? []).map((u) => [u.id, u])),
    channels: opts.channels ? new Map(opts.channels.map((c) => [c.id, c])) : undefined,
    usergroups: new Map(Object.entries(opts.usergroups ?? {})),
    deliver: opts.deliver,
    botUrl: opts.botUrl,
    rateLimit: opts.rateLimit,
    now: opts.now ?? Date.now,
    triggerTtlMs: opts.triggerTtlMs ?? 3000,
  };
}

export function channelName(config: SimConfig, channelId: string): string {
  return config.channels?.get(channelId)?.name ?? channelId.toLowerCase();
}

export function userName(config: SimConfig, userId: string): string {
  return config.users.get(userId)?.name ?? userId.toLowerCase();
}
