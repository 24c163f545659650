/** Keys that make a repeated delivery (a Slack retry, a duplicated event) change nothing. */
export interface IdempotencyKeys {
  /** True the first time a key is claimed (within its time to live), false for every repeat. */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  /** Gives a claimed key back: the work it guarded failed and is to be tried again. */
  release(key: string): Promise<void>;
}
