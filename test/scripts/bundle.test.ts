// Tests scripts/bundle.ts: each Lambda's bundle holds what its entry point needs and nothing of the others'.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bundle, bundleLambdas, ENTRY_POINTS } from '../../scripts/bundle';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let work: string;
const bundles = new Map<string, Bundle>();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bundle-test-'));
  for (const bundle of await bundleLambdas(work)) bundles.set(bundle.name, bundle);
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** The inputs of a bundle that match, as esbuild names them (paths relative to the repository). */
function inputsOf(name: string, pattern: RegExp): string[] {
  const bundle = bundles.get(name);
  if (!bundle) throw new Error(`no ${name} bundle`);
  return bundle.inputs.filter((input) => pattern.test(input));
}

// The Bolt app and its transports: HTTP receiver (express), Socket Mode, OAuth.
const BOLT = /node_modules\/(@slack\/(bolt|socket-mode|oauth)|express|raw-body|ws)\//;
const WORKERS =
  /^src\/(console|mail|phone)\/|node_modules\/(puppeteer-core|@sparticuz\/chromium|mailparser)\//;

describe('Lambda bundles', () => {
  it('are built for every entry point', () => {
    expect([...bundles.keys()].sort()).toEqual([...ENTRY_POINTS].sort());
    expect(ENTRY_POINTS).toEqual(expect.arrayContaining(['bot', 'pipeline']));
  });

  it('keep Bolt, express, Socket Mode and OAuth out of the pipeline; its Slack output uses the Web API alone', () => {
    expect(inputsOf('pipeline', BOLT)).toEqual([]);
    expect(inputsOf('pipeline', /^src\/bot\//)).toEqual([]);
    expect(inputsOf('pipeline', /node_modules\/@slack\/web-api\//).length).toBeGreaterThan(0);
  });

  it('keep the browser, mail and phone workers out of the bot, which decides on signals by the catalogue alone', () => {
    expect(inputsOf('bot', WORKERS)).toEqual([]);
    expect(inputsOf('bot', /^src\/pipeline\/catalogue\.ts$/)).toHaveLength(1);
    // Steps run in the pipeline, not in the bot.
    expect(inputsOf('bot', /^src\/pipeline\/pipeline-worker\.ts$/)).toEqual([]);
    expect(inputsOf('bot', BOLT).length).toBeGreaterThan(0);
  });

  it('give the browser worker puppeteer and its page flows, and keep the Lambda Chromium outside to be loaded at run time', () => {
    expect(ENTRY_POINTS).toContain('browser');
    expect(inputsOf('browser', /node_modules\/puppeteer-core\//).length).toBeGreaterThan(0);
    expect(inputsOf('browser', /^src\/console\/flows\/sign-in\.ts$/)).toHaveLength(1);
    expect(inputsOf('browser', /node_modules\/@sparticuz\/chromium\//)).toEqual([]);
    // (ws is there: puppeteer speaks to Chromium over a WebSocket.)
    expect(inputsOf('browser', /node_modules\/(@slack\/(bolt|socket-mode|oauth)|express)\//)).toEqual([]);
    expect(inputsOf('browser', /^src\/bot\//)).toEqual([]);
    // The pipeline cleans up the saved sessions but never drives a browser.
    expect(inputsOf('pipeline', /node_modules\/puppeteer-core\/|^src\/console\/(flows|captcha)\//)).toEqual(
      [],
    );
  });

  it('give the bot only the Bolt receiver Lambda uses, so its cold start skips Express, OAuth and Socket Mode', () => {
    expect(inputsOf('bot', /@slack\/bolt\/dist\/receivers\/AwsLambdaReceiver\.js$/)).toHaveLength(1);
    expect(
      inputsOf('bot', /node_modules\/(express|raw-body|undici|ws|@slack\/(socket-mode|oauth))\//),
    ).toEqual([]);
    expect(inputsOf('bot', /receivers\/(HTTPReceiver|SocketModeReceiver|ExpressReceiver)\.js$/)).toEqual([]);
    // Signals are plain data; their schema library is for the Lambdas that receive events.
    expect(inputsOf('bot', /node_modules\/zod\//)).toEqual([]);
  });
});

describe('src/slack', () => {
  it('loads neither Bolt nor the bot in any of its modules, so every Lambda may use it', async () => {
    const modules = (await readdir(join(root, 'src', 'slack'), { recursive: true }))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(root, 'src', 'slack', f));
    const { metafile } = await build({
      entryPoints: modules,
      absWorkingDir: root,
      bundle: true,
      write: false,
      metafile: true,
      outdir: join(work, 'slack'),
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    });
    const loaded = Object.keys(metafile.inputs);
    expect(loaded).toContain('src/slack/notifier.ts');
    expect(loaded.filter((f) => BOLT.test(f) || f.startsWith('src/bot/'))).toEqual([]);
  });
});
