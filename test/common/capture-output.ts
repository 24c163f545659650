import { vi } from 'vitest';

/**
 * What a call really printed. Powertools Logger and Metrics write through a `Console` built on `process.stdout`
 * and `process.stderr` (unless POWERTOOLS_DEV is set, which the per-file setup clears), so the stream's `write`
 * sees every byte that would reach CloudWatch.
 */
export interface CapturedOutput {
  /** Everything written to stdout and stderr, in order. */
  text: string;
  /** Each printed line parsed as JSON (lines that are not JSON are left out). */
  json: Array<Record<string, unknown>>;
}

/** Sends stdout and stderr into `chunks` until the returned function is called. */
function intercept(chunks: string[]): () => void {
  const collect = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(collect as never);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(collect as never);
  return () => {
    stdout.mockRestore();
    stderr.mockRestore();
  };
}

function captured(chunks: string[]): CapturedOutput {
  const text = chunks.join('');
  const json = text
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { text, json };
}

export function captureOutput(run: () => void): CapturedOutput {
  const chunks: string[] = [];
  const restore = intercept(chunks);
  try {
    run();
  } finally {
    restore();
  }
  return captured(chunks);
}

/** The same for work that awaits: everything printed until it settles, and what it resolved to. */
export async function captureOutputOf<T>(run: () => Promise<T>): Promise<CapturedOutput & { result: T }> {
  const chunks: string[] = [];
  const restore = intercept(chunks);
  let result: T;
  try {
    result = await run();
  } finally {
    restore();
  }
  return { ...captured(chunks), result };
}
