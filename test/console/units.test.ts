// The browser worker's small parts: simulator mode, its settings, MFA codes, the 2captcha address, its events.
import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/common/errors';
import { createLogger } from '../../src/common/logger';
import { handleBrowserEvent } from '../../src/console/browser-events';
import { type BrowserStepPorts, browserStepHandlers } from '../../src/console/browser-steps';
import { jsonApiUrl } from '../../src/console/captcha/two-captcha';
import { launchArgs, localChromium, simulatorMode } from '../../src/console/chromium';
import { consecutiveMfaCodes, mfaCode } from '../../src/console/mfa';
import { loadConsoleSettings } from '../../src/console/settings';
import { IMPLEMENTED_STEPS } from '../../src/pipeline/catalogue';
import type { Runner } from '../../src/pipeline/runner';

const SPKI = 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=';

describe('the local Chromium', () => {
  it("runs the steps in Debian's headless shell (Lambda's mode), unless CHROMIUM_PATH names another", () => {
    // scripts/setup.sh installs both; the full browser stays for tests that drive the playground as a person.
    expect(localChromium({})).toEqual({ path: '/usr/bin/chromium-headless-shell', shell: true });
    expect(localChromium({ CHROMIUM_PATH: '/usr/bin/chromium' })).toEqual({
      path: '/usr/bin/chromium',
      shell: false,
    });
  });
});

describe('simulator mode', () => {
  it('is off without its two variables: no extra certificate is trusted, only AWS host names resolve', () => {
    expect(simulatorMode({})).toBeUndefined();
    const args = launchArgs(undefined);
    expect(args.some((a) => /certificate|web-security|insecure/.test(a))).toBe(false);
    expect(args).toEqual([
      expect.stringMatching(/^--host-resolver-rules=MAP \* ~NOTFOUND, EXCLUDE signin\.aws\.amazon\.com, /),
    ]);
    expect(args[0]).toContain('EXCLUDE *.console.aws.amazon.com');
    expect(args[0]).toContain('EXCLUDE portal.aws.amazon.com');
  });
  it('maps the AWS hosts to the simulator, nothing else anywhere, and trusts exactly its key', () => {
    const sim = simulatorMode({ CONSOLE_SIM_ADDRESS: '127.0.0.1:8443', CONSOLE_SIM_SPKI: SPKI });
    expect(sim).toEqual({ address: '127.0.0.1:8443', spki: SPKI });
    const [rules, trust] = launchArgs(sim);
    expect(rules).toMatch(
      /^--host-resolver-rules=MAP signin\.aws\.amazon\.com 127\.0\.0\.1:8443, MAP \*\.signin\.aws\.amazon\.com 127\.0\.0\.1:8443, /,
    );
    expect(rules).toMatch(/, MAP \* ~NOTFOUND$/);
    expect(trust).toBe(`--ignore-certificate-errors-spki-list=${SPKI}`);
  });
  it('refuses half a pair, or values of the wrong shape, naming the variable', () => {
    const half = () => simulatorMode({ CONSOLE_SIM_ADDRESS: '127.0.0.1:8443' });
    expect(half).toThrow(ConfigError);
    expect(half).toThrow(/CONSOLE_SIM_SPKI/);
    expect(() => simulatorMode({ CONSOLE_SIM_ADDRESS: 'not an address', CONSOLE_SIM_SPKI: SPKI })).toThrow(
      /CONSOLE_SIM_ADDRESS must be host:port/,
    );
  });
});

describe('settings', () => {
  it('has defaults for all but the artifacts bucket', () => {
    expect(loadConsoleSettings({ ARTIFACTS_BUCKET: 'teardown-artifacts' })).toMatchObject({
      secretPrefix: 'sandbox-teardown',
      twoCaptchaSecret: undefined,
      pageTimeoutMs: 45_000,
      solverAttempts: 3,
      humanCaptchaWaitMs: 600_000,
    });
  });
  it('names every bad variable at once', () => {
    const error = (() => {
      try {
        loadConsoleSettings({ CONSOLE_PAGE_TIMEOUT: 'soon', CAPTCHA_SOLVER_ATTEMPTS: '0' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.variables).toEqual(['ARTIFACTS_BUCKET', 'CONSOLE_PAGE_TIMEOUT', 'CAPTCHA_SOLVER_ATTEMPTS']);
  });
});

describe('MFA codes', () => {
  const key = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const authenticator = new TOTP({ secret: Secret.fromBase32(key) });
  it('are what any authenticator app shows for the key', () => {
    const at = Date.UTC(2026, 10, 30, 12);
    expect(authenticator.validate({ token: mfaCode(key, at), timestamp: at, window: 0 })).toBe(0);
  });
  it('for registering a device, are this period’s and the next one’s', () => {
    const at = Date.UTC(2026, 10, 30, 12, 0, 29);
    const [first, second] = consecutiveMfaCodes(key, at);
    expect(authenticator.validate({ token: first, timestamp: at, window: 0 })).toBe(0);
    expect(authenticator.validate({ token: second, timestamp: at + 30_000, window: 0 })).toBe(0);
    expect(first).not.toBe(second);
  });
});

describe("2captcha's address", () => {
  it('speaks the JSON API on the api host when given the service’s own address (the default)', () => {
    expect(jsonApiUrl('https://2captcha.com')).toBe('https://api.2captcha.com');
    expect(jsonApiUrl('https://2captcha.com/')).toBe('https://api.2captcha.com');
  });
  it('uses any other address as it is', () => {
    expect(jsonApiUrl('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000');
    expect(jsonApiUrl('https://captcha.internal.example/api/')).toBe('https://captcha.internal.example/api');
  });
});

describe('the browser worker', () => {
  it('runs exactly the steps IMPLEMENTED_STEPS.browser names (the bot refuses strategies from that list)', () => {
    const handlers = browserStepHandlers({} as BrowserStepPorts);
    expect(Object.keys(handlers).sort()).toEqual([...IMPLEMENTED_STEPS.browser].sort());
  });

  it('takes browser steps only; anything else is dropped without touching the teardown', async () => {
    const advanced: string[] = [];
    const runner = {
      advance: async (accountId: string, worker: string) => {
        advanced.push(`${accountId}:${worker}`);
        return { ran: true };
      },
    } as unknown as Runner;
    const logger = createLogger('unit', { logLevel: 'CRITICAL' });
    const id = '123456789012';
    expect(
      await handleBrowserEvent(runner, { action: 'advance', accountId: id, worker: 'browser' }, logger),
    ).toEqual({ ran: true });
    expect(
      await handleBrowserEvent(runner, { action: 'advance', accountId: id, worker: 'pipeline' }, logger),
    ).toMatchObject({
      error: 'not a browser step',
    });
    expect(
      await handleBrowserEvent(
        runner,
        {
          action: 'resume',
          accountId: id,
          signal: { name: 'human', actor: 'U1', payload: { choice: 'done' } },
        },
        logger,
      ),
    ).toMatchObject({ error: 'not a browser step' });
    expect(await handleBrowserEvent(runner, { action: 'advance' }, logger)).toMatchObject({
      error: 'malformed event',
    });
    expect(advanced).toEqual([`${id}:browser`]);
  });
});
