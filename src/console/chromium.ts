import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { ConfigError } from '../common/errors';
import { RESOLVABLE_HOSTS } from './allow-list';

// The one place that decides how Chromium starts: the Lambda build of @sparticuz/chromium in Lambda, the machine's
// Chromium elsewhere; and, only when the simulator-mode variables are both set, every host mapped to the
// simulator with its one certificate key trusted.

type Env = Record<string, string | undefined>;

/** Simulator mode: exactly DESIGN.md's two variables, both or neither. */
export interface SimulatorMode {
  /** host:port every AWS host is mapped to. */
  address: string;
  /** base64 SHA-256 of the simulator's certificate key (SPKI), the only one trusted beyond the system's. */
  spki: string;
}

export function simulatorMode(env: Env = process.env): SimulatorMode | undefined {
  const address = env.CONSOLE_SIM_ADDRESS?.trim();
  const spki = env.CONSOLE_SIM_SPKI?.trim();
  if (!address && !spki) return undefined;
  const problems: Array<{ variable: string; problem: string }> = [];
  if (!address || !/^[\w.-]+:\d{1,5}$/.test(address))
    problems.push({ variable: 'CONSOLE_SIM_ADDRESS', problem: 'CONSOLE_SIM_ADDRESS must be host:port' });
  if (!spki || !/^[A-Za-z0-9+/]{43}=$/.test(spki))
    problems.push({
      variable: 'CONSOLE_SIM_SPKI',
      problem: 'CONSOLE_SIM_SPKI must be the base64 SHA-256 of the simulator certificate key',
    });
  if (problems.length > 0) throw new ConfigError(problems);
  return { address: address as string, spki: spki as string };
}

/**
 * The machine's Chromium: CHROMIUM_PATH, else Debian's headless shell, else Debian's full Chromium. The headless
 * shell is the build Lambda runs (@sparticuz/chromium is one); it also needs less than half the CPU of the full
 * browser's headless mode for a step's context, page load and screenshot, which counts with many steps at once.
 */
export function localChromium(env: Env): { path: string; shell: boolean } {
  const candidates = [
    env.CHROMIUM_PATH,
    '/usr/bin/chromium-headless-shell',
    '/usr/bin/chromium',
    '/usr/lib/chromium/chromium',
    '/usr/bin/chromium-browser',
  ];
  const found = candidates.find((path): path is string => Boolean(path) && existsSync(path as string));
  if (!found) {
    throw new ConfigError([
      {
        variable: 'CHROMIUM_PATH',
        problem:
          "no Chromium found: install Debian's chromium-headless-shell or chromium, or set CHROMIUM_PATH",
      },
    ]);
  }
  return { path: found, shell: /headless[-_]shell/.test(found) };
}

const COMMON_ARGS = [
  // Root in a container (and Lambda) has no user namespaces for Chromium's sandbox.
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-extensions',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--metrics-recording-only',
  '--mute-audio',
  '--lang=en-US',
];

/**
 * Chromium's resolver knows only the allow-listed hosts (to the simulator, in simulator mode); every other name
 * fails to resolve, whatever asks for it. The one extra certificate key is trusted in simulator mode only.
 */
export function launchArgs(sim: SimulatorMode | undefined): string[] {
  if (!sim) {
    const allowed = RESOLVABLE_HOSTS.map((host) => `EXCLUDE ${host}`).join(', ');
    return [`--host-resolver-rules=MAP * ~NOTFOUND, ${allowed}`];
  }
  const mapped = RESOLVABLE_HOSTS.map((host) => `MAP ${host} ${sim.address}`).join(', ');
  return [
    `--host-resolver-rules=${mapped}, MAP * ~NOTFOUND`,
    `--ignore-certificate-errors-spki-list=${sim.spki}`,
  ];
}

/**
 * Flags of the Lambda build's recommended list that loosen what pages may do to each other; the flows need none of
 * them, so Lambda runs with the same web security as everywhere else.
 */
const LOOSENING_ARGS =
  /^--(disable-web-security|allow-running-insecure-content|disable-site-isolation-trials)\b/;

export async function launchChromium(env: Env = process.env): Promise<Browser> {
  const extra = launchArgs(simulatorMode(env));
  const inLambda = Boolean(env.AWS_LAMBDA_FUNCTION_NAME) && !env.CHROMIUM_PATH;
  if (inLambda) {
    // Loaded only here: it unpacks ~200 MB into /tmp on first use, which the local path never needs.
    const { default: chromium } = await import('@sparticuz/chromium');
    return puppeteer.launch({
      executablePath: await chromium.executablePath(),
      args: [...chromium.args.filter((arg) => !LOOSENING_ARGS.test(arg)), ...COMMON_ARGS, ...extra],
      headless: 'shell',
      defaultViewport: { width: 1280, height: 900 },
    });
  }
  const local = localChromium(env);
  return puppeteer.launch({
    executablePath: local.path,
    args: [...COMMON_ARGS, ...extra],
    headless: local.shell ? 'shell' : true,
    defaultViewport: { width: 1280, height: 900 },
  });
}
