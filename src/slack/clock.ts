/** Time as the Slack queue sees it: reading it and waiting on it. Tests pass a fake one that never sleeps. */
export interface PacingClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTime: PacingClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
