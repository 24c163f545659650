import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What tesseract reads on a screenshot, whitespace removed (words run together). */
export async function ocr(png: Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ocr-'));
  try {
    await writeFile(join(dir, 'shot.png'), png);
    const { stdout } = await run('tesseract', [join(dir, 'shot.png'), 'stdout']);
    return stdout.replace(/\s+/g, '');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
