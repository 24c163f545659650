import { readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BOLT_APP = /node_modules\/(@slack\/(bolt|socket-mode|oauth)|express)\//;
const BOT_CODE = /^src\/bot\//;

/** Every source file a bundle of `entries` would load (what a Lambda pays for at cold start). */
async function loadedBy(entries: string[]): Promise<string[]> {
  const result = await build({
    entryPoints: entries.map((e) => join(root, e)),
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    outdir: join(root, '.tmp', 'boundary'),
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).map((input) => relative(root, join(root, input)));
}

describe('Slack output apart from the Bolt app', () => {
  it('loads neither Bolt (express, Socket Mode, OAuth) nor the bot, in src/slack or the pipeline Lambda', async () => {
    const slackFiles = (await readdir(join(root, 'src', 'slack'), { recursive: true }))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join('src', 'slack', f));
    const loaded = await loadedBy([...slackFiles, 'src/pipeline/lambda.ts']);
    expect(loaded).toContain('src/slack/notifier.ts');
    expect(loaded.filter((f) => BOLT_APP.test(f) || BOT_CODE.test(f))).toEqual([]);
  });

  it('still finds Bolt where it is used: the bot Lambda', async () => {
    const loaded = await loadedBy(['src/bot/lambda.ts']);
    expect(loaded.some((f) => BOLT_APP.test(f))).toBe(true);
  });
});
