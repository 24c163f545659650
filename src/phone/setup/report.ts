/** What set-up did (or, in a dry run, would do) to one resource. */
export type Change = 'created' | 'updated' | 'unchanged' | 'skipped' | 'pending';

export interface Outcome {
  change: Change;
  /** The resource, for people: `Connect instance "acme" (id)`, `audio s3://bucket/key`. */
  resource: string;
  detail?: string;
}

const WRITES: ReadonlySet<Change> = new Set(['created', 'updated']);

/**
 * Records and prints one line per resource as set-up goes: `created`, `updated`, `unchanged`, `skipped` or
 * `pending`; in a dry run the writes are not made and print as `would create` / `would update`.
 */
export class SetupReport {
  readonly outcomes: Outcome[] = [];

  constructor(
    private readonly print: (line: string) => void,
    readonly dryRun: boolean,
  ) {}

  unchanged(resource: string, detail?: string): void {
    this.record({ change: 'unchanged', resource, ...(detail ? { detail } : {}) });
  }

  skipped(resource: string, detail: string): void {
    this.record({ change: 'skipped', resource, detail });
  }

  pending(resource: string, detail: string): void {
    this.record({ change: 'pending', resource, detail });
  }

  /**
   * Creates or updates a resource with `write`, then prints the line (with `detail`, which may name what the
   * write returned). In a dry run `write` is not called and the result is undefined.
   */
  async write<T>(
    change: 'created' | 'updated',
    resource: string,
    write: () => Promise<T>,
    detail?: string | ((result: T) => string | undefined),
  ): Promise<T | undefined> {
    if (this.dryRun) {
      this.record({ change, resource, ...(typeof detail === 'string' ? { detail } : {}) });
      return undefined;
    }
    const result = await write();
    const text = typeof detail === 'function' ? detail(result) : detail;
    this.record({ change, resource, ...(text ? { detail: text } : {}) });
    return result;
  }

  /** Whether anything was (or would be) created or updated. */
  get changed(): boolean {
    return this.outcomes.some((outcome) => WRITES.has(outcome.change));
  }

  /** `2 created, 1 updated, 14 unchanged` (only the kinds that occurred, in that order). */
  summary(): string {
    const order: Change[] = ['created', 'updated', 'unchanged', 'skipped', 'pending'];
    return order
      .map((change) => [change, this.outcomes.filter((outcome) => outcome.change === change).length] as const)
      .filter(([, count]) => count > 0)
      .map(([change, count]) => `${count} ${this.label(change)}`)
      .join(', ');
  }

  private label(change: Change): string {
    if (!this.dryRun || !WRITES.has(change)) return change;
    return change === 'created' ? 'would create' : 'would update';
  }

  private record(outcome: Outcome): void {
    this.outcomes.push(outcome);
    const detail = outcome.detail ? ` — ${outcome.detail}` : '';
    this.print(`${this.label(outcome.change).padEnd(12)} ${outcome.resource}${detail}`);
  }
}
