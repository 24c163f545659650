import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const motoPythonPath = join(repoRoot, '.tools', 'moto', 'usr', 'lib', 'python3', 'dist-packages');

/**
 * moto's own `moto.server` serves requests on threads, and its DynamoDB checks a transaction's conditions and
 * writes it without a lock: two concurrent conditional writes can both succeed, which real DynamoDB never allows.
 * Served one request at a time, moto keeps the atomicity our conditional writes rely on.
 */
const SERIAL_MOTO = [
  'import sys',
  'from werkzeug.serving import run_simple',
  'from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app',
  'run_simple(sys.argv[1], int(sys.argv[2]), DomainDispatcherApplication(create_backend_app), threaded=False)',
].join('\n');

export interface MotoServer {
  readonly endpoint: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
}

/** Starts moto server on a free loopback port; `npm run setup` unpacks moto into .tools/moto. */
export async function startMoto(): Promise<MotoServer> {
  if (!existsSync(motoPythonPath)) throw new Error('moto is not installed: run `npm run setup`');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('/usr/bin/python3', ['-c', SERIAL_MOTO, '127.0.0.1', String(port)], {
    env: { ...process.env, PYTHONPATH: motoPythonPath, MOTO_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto exited early: ${stderr}`);
    try {
      await resetMoto(endpoint);
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`moto did not start within 30 s: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    endpoint,
    reset: () => resetMoto(endpoint),
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Points every AWS SDK client this process creates from now on at moto, by the SDK's own variables. */
export function useMotoInThisProcess(moto: MotoServer): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
}
