// The browser session on real Chromium against the console simulator: what it may load, what its screenshots and
// saved pages may show, and that it closes on every path.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AccountId } from '../../src/common/account-id';
import { createLogger } from '../../src/common/logger';
import { ConsoleSession } from '../../src/console/browser-session';
import { browserStepHandlers } from '../../src/console/browser-steps';
import { ELEMENT, SIGN_IN_PAGES } from '../../src/console/flows/sign-in-pages';
import { fill, pageHtml, recognise, waitForElement } from '../../src/console/page-kit';
import type { Teardown } from '../../src/pipeline/model';
import {
  accountSeries,
  type ConsoleRig,
  startConsoleRig,
  teardownAtBrowserStep,
} from '../support/console-rig';
import { MemoryCaptchaChallenges, stepContext } from '../support/fakes';

const run = promisify(execFile);
let rig: ConsoleRig;
beforeAll(async () => {
  rig = await startConsoleRig({
    challenges: new MemoryCaptchaChallenges(),
    sim: { captcha: 'never', generation: 'new' },
  });
});
afterAll(async () => rig?.close());

const nextAccount = accountSeries('session', '3333');
let n = 0;
let account: { id: AccountId; email: string };
beforeEach(() => {
  ({ n, ...account } = nextAccount());
  rig.sim.addAccount({ accountId: account.id, email: account.email, password: 'Correct-Horse-Battery-42' });
  rig.sim.clearRequests();
});

const logger = createLogger('session-test', { logLevel: 'ERROR' });
const open = () =>
  ConsoleSession.open(
    rig.ports.launch,
    { accountId: account.id, teardownId: `t-session-${n}` },
    {
      artifacts: rig.ports.artifacts,
      sessions: rig.ports.sessions,
      logger,
      step: 'sign-in',
    },
  );

function atStep(step: 'set-password' | 'sign-in', changes: Partial<Teardown> = {}): Teardown {
  return teardownAtBrowserStep(step, account, { teardownId: `t-session-${n}`, ...changes });
}

const hostsSeen = () => new Set(rig.sim.requests().map((r) => r.host.replace(/:\d+$/, '')));

it('never loads a page, a frame or a part from a host off the allow-list, whoever asks for it', async () => {
  const session = await open();
  try {
    await expect(session.goto('https://evil.example.com/steal')).rejects.toThrow(
      /will not open https:\/\/evil\.example\.com\/steal/,
    );
    await session.goto('https://console.aws.amazon.com/console/home');
    await recognise(session.page, SIGN_IN_PAGES, { timeoutMs: 10_000, expecting: 'sign-in' });
    // The page itself tries: an image, a frame, a script-driven navigation to other hosts.
    await session.page.evaluate(`(() => {
      const img = document.createElement('img'); img.src = 'https://tracker.example.net/pixel.gif'; document.body.append(img);
      const frame = document.createElement('iframe'); frame.src = 'https://frames.example.org/'; document.body.append(frame);
      location.href = 'https://phish.example.com/signin';
    })()`);
    // Each was stopped inside the browser (the page is left on Chromium's own "blocked" page).
    const stopped = () =>
      ['tracker.example.net', 'frames.example.org', 'phish.example.com'].every((h) =>
        session.refused.some((r) => r.includes(h)),
      );
    for (let i = 0; i < 100 && !stopped(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(session.refused).toEqual(
      expect.arrayContaining([
        'https://evil.example.com/steal',
        'https://tracker.example.net/pixel.gif',
        'https://frames.example.org/',
        'https://phish.example.com/signin',
      ]),
    );
    expect(session.page.url()).not.toContain('phish.example.com');
  } finally {
    await session.close();
  }
  // Every host is mapped to the simulator, so it would have seen any request that left the browser.
  const seen = hostsSeen();
  for (const host of ['evil.example.com', 'tracker.example.net', 'frames.example.org', 'phish.example.com'])
    expect(seen.has(host), host).toBe(false);
  expect(seen.has('signin.aws.amazon.com')).toBe(true);
});

it('does not open a mailed link to any host but the sign-in host, and asks a person instead', async () => {
  const outcome = await browserStepHandlers(rig.ports)['set-password']!.run(
    stepContext(
      atStep('set-password', {
        handoff: { resetLink: 'https://signin.aws.amazon.com.phish.example/resetpassword?token=x' },
      }),
    ),
  );
  expect(outcome).toMatchObject({
    type: 'await',
    signal: 'human',
    reason: expect.stringContaining('not to AWS'),
  });
  expect([...hostsSeen()].filter((h) => h.includes('phish'))).toEqual([]);
  expect(await rig.credentials.password(account.id)).toBeUndefined();
});

it('masks the password before a screenshot, even shown as text, so no character of it can be read back', async () => {
  const password = 'Correct-Horse-Battery-42';
  const session = await open();
  let masked: Uint8Array;
  let unmasked: Uint8Array;
  try {
    await session.goto('https://console.aws.amazon.com/console/home');
    const email = await waitForElement(session.page, ELEMENT.email, { timeoutMs: 10_000, what: 'email' });
    await fill(session.page, email, account.email);
    await email.press('Enter');
    const field = await waitForElement(session.page, ELEMENT.password, {
      timeoutMs: 10_000,
      what: 'password',
    });
    await fill(session.page, field, password);
    // As a "show password" toggle would: the characters are on screen now.
    await field.evaluate((el) => el.setAttribute('type', 'text'));
    unmasked = await session.page.screenshot({ type: 'png' });
    masked = (await session.screenshot('Password page', 'password')).png;
    // The saved page has no typed value either.
    expect(await pageHtml(session.page)).not.toContain(password);
  } finally {
    await session.close();
  }
  const read = async (png: Uint8Array) => {
    const dir = await mkdtemp(join(tmpdir(), 'ocr-'));
    await writeFile(join(dir, 'shot.png'), png);
    const { stdout } = await run('tesseract', [join(dir, 'shot.png'), 'stdout']);
    return stdout.replace(/\s+/g, '');
  };
  const pieces = ['Correct', 'Horse', 'Battery'];
  // The control: OCR does read the password off the unmasked page, so the check below can fail.
  const plain = await read(unmasked);
  expect(pieces.filter((p) => plain.includes(p)).length).toBeGreaterThanOrEqual(2);
  const shot = await read(masked);
  expect(shot).toContain('Rootusersignin');
  expect(pieces.filter((p) => shot.includes(p))).toEqual([]);
});

it('closes Chromium on every path, errors included', async () => {
  const launched: Browser[] = [];
  const ports = {
    ...rig.ports,
    launch: async () => {
      const browser = await rig.ports.launch();
      launched.push(browser);
      return browser;
    },
    credentials: {
      ...rig.ports.credentials,
      password: async () => {
        throw new Error('Secrets Manager is down');
      },
    },
  };
  await expect(browserStepHandlers(ports)['sign-in']!.run(stepContext(atStep('sign-in')))).rejects.toThrow(
    'Secrets Manager is down',
  );
  expect(launched).toHaveLength(1);
  expect(launched[0]!.connected).toBe(false);
});
