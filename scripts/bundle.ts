import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every Lambda entry point: src/<name>/lambda.ts → dist/<name>/index.mjs (handler `handler`). */
export const ENTRY_POINTS = ['bot', 'pipeline', 'browser', 'mail', 'phone'].filter((name) =>
  existsSync(join(root, 'src', name, 'lambda.ts')),
);

export interface Bundle {
  name: string;
  file: string;
  bytes: number;
}

/** Bundles the entry points for the nodejs22.x runtime: one ESM file each, the SDK included. */
export async function bundleLambdas(outdir = join(root, 'dist'), names = ENTRY_POINTS): Promise<Bundle[]> {
  const bundles: Bundle[] = [];
  for (const name of names) {
    const file = join(outdir, name, 'index.mjs');
    await mkdir(dirname(file), { recursive: true });
    await build({
      entryPoints: [join(root, 'src', name, 'lambda.ts')],
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      minify: true,
      sourcemap: 'linked',
      legalComments: 'none',
      // Chromium for Lambda ships its own binary; it stays a layer/package beside the bundle.
      external: ['@sparticuz/chromium'],
      // Some CommonJS dependencies call require() for Node built-ins.
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      logLevel: 'warning',
    });
    bundles.push({ name, file, bytes: (await stat(file)).size });
  }
  return bundles;
}
