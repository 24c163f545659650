/**
 * Package benchmark: bundles every Lambda, packages the stack offline with osls (no credentials; the same
 * parameters CI uses) and prints each function's zipped size, one `NAME_zip_bytes=<n>` line per function.
 * The browser's zip is mostly Chromium (@sparticuz/chromium's brotli files); the others are their bundles alone.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleLambdas, ENTRY_POINTS } from '../scripts/bundle';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const PARAMS = ['allowedOus=ou-abcd-11111111', 'requesters=U0REQ1', 'approvers=U0APP1'];

const out = await mkdtemp(join(tmpdir(), 'package-bench-'));
try {
  await bundleLambdas(join(root, 'dist'), ENTRY_POINTS);
  const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1' };
  // Offline: packaging must never depend on (or find) credentials.
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  const osls = await realpath(join(root, 'node_modules', '.bin', 'osls'));
  const args = ['package', '--stage', 'dev', '--package', out, ...PARAMS.map((p) => `--param=${p}`)];
  await run(process.execPath, [osls, ...args], { cwd: root, env, timeout: 300_000, maxBuffer: 16 << 20 });

  const zips = (await readdir(out)).filter((file) => file.endsWith('.zip')).sort();
  if (zips.length === 0) throw new Error(`osls wrote no zip files into ${out}`);
  for (const zip of zips) {
    const { size } = await stat(join(out, zip));
    console.log(`${zip.slice(0, -'.zip'.length)}_zip_bytes=${size}`);
  }
} finally {
  await rm(out, { recursive: true, force: true });
}
