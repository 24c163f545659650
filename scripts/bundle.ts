import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Every Lambda by the folder of its entry point: src/<folder>/lambda.ts → dist/<name>/index.mjs (+ chunks/),
 * handler `index.handler`. The browser worker's code is the console's (page flows, CAPTCHA solving).
 */
const SOURCE_FOLDERS: Record<string, string> = {
  bot: 'bot',
  pipeline: 'pipeline',
  browser: 'console',
  mail: 'mail',
  phone: 'phone',
};
const entryFile = (name: string) => join(root, 'src', SOURCE_FOLDERS[name] ?? name, 'lambda.ts');

export const ENTRY_POINTS = Object.keys(SOURCE_FOLDERS).filter((name) => existsSync(entryFile(name)));

export interface Bundle {
  name: string;
  /** The entry file (index.mjs). */
  file: string;
  /** All files of the bundle together. */
  bytes: number;
  /** Every source file and package file esbuild put into it (from its metafile), relative to the repo. */
  inputs: string[];
}

/**
 * Modules an entry point never runs but a dependency loads anyway, replaced by a stand-in that refuses to be used.
 * The bot Lambda receives through AwsLambdaReceiver only; Bolt's App module also loads the HTTP and Socket Mode
 * receivers (and Express, OAuth, WebSocket clients behind them) in case no receiver is given.
 */
const STAND_INS: Record<string, Array<{ from: RegExp; module: RegExp; standIn: string }>> = {
  bot: [
    {
      from: /@slack[\\/]bolt[\\/]dist[\\/]App\.js$/,
      module: /^\.\/receivers\/(HTTPReceiver|SocketModeReceiver)$/,
      standIn: join(root, 'scripts', 'stand-ins', 'bolt-receiver.ts'),
    },
  ],
};

function standIns(entryName: string): Plugin[] {
  const rules = STAND_INS[entryName] ?? [];
  if (rules.length === 0) return [];
  return [
    {
      name: 'stand-ins',
      setup(build) {
        for (const rule of rules) {
          build.onResolve({ filter: rule.module }, (args) =>
            rule.from.test(args.importer) ? { path: rule.standIn } : undefined,
          );
        }
      },
    },
  ];
}

/**
 * Bundles one entry file for the nodejs22.x runtime into `outdir`: `index.mjs` plus chunks for what is only
 * imported dynamically (credential providers Lambda never uses, clients needed only sometimes), so a cold start
 * parses only what it runs.
 */
export async function bundleEntry(entry: string, outdir: string, name = ''): Promise<Bundle> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const { metafile } = await build({
    entryPoints: { index: entry },
    metafile: true,
    plugins: standIns(name),
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    // The ESM builds of the SDK and Bolt's dependencies tree-shake far better than their CommonJS ones.
    mainFields: ['module', 'main'],
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
  const files = (await readdir(outdir, { recursive: true })).filter((f) => f.endsWith('.mjs'));
  const sizes = await Promise.all(files.map(async (f) => (await stat(join(outdir, f))).size));
  return {
    name: entry,
    file: join(outdir, 'index.mjs'),
    bytes: sizes.reduce((a, b) => a + b, 0),
    inputs: Object.keys(metafile.inputs),
  };
}

/** Bundles the Lambda entry points: src/<folder>/lambda.ts → <outdir>/<name>/index.mjs. */
export async function bundleLambdas(outdir = join(root, 'dist'), names = ENTRY_POINTS): Promise<Bundle[]> {
  const bundles: Bundle[] = [];
  for (const name of names) {
    const bundle = await bundleEntry(entryFile(name), join(outdir, name), name);
    bundles.push({ ...bundle, name });
  }
  return bundles;
}
