/** How long an object's async methods take, call by call: wraps them on that very object until `restore`. */
export interface CallTimes {
  /** Durations (ms) by method name, in call order. */
  durations: Map<string, number[]>;
  restore(): void;
}

export function timeCalls<T extends object>(target: T, methods: ReadonlyArray<keyof T & string>): CallTimes {
  const durations = new Map<string, number[]>();
  const own = new Map<string, boolean>();
  const originals = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  for (const name of methods) {
    const method = target[name];
    if (typeof method !== 'function') throw new TypeError(`${name} is not a method`);
    const original = (method as (...args: unknown[]) => Promise<unknown>).bind(target);
    own.set(name, Object.hasOwn(target, name));
    originals.set(name, original);
    const times: number[] = [];
    durations.set(name, times);
    Object.assign(target, {
      [name]: async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await original(...args);
        } finally {
          times.push(performance.now() - started);
        }
      },
    });
  }
  return {
    durations,
    restore() {
      for (const name of methods) {
        if (own.get(name)) Object.assign(target, { [name]: originals.get(name) });
        else delete target[name];
      }
    },
  };
}
