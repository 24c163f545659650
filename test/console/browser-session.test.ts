// The browser session on real Chromium against the console simulator: what it may load, what its screenshots and
// saved pages may show, and that it closes on every path.
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AccountId } from '../../src/common/account-id';
import { BrowserError } from '../../src/common/errors';
import { createLogger } from '../../src/common/logger';
import { mayLoad } from '../../src/console/allow-list';
import { ConsoleSession } from '../../src/console/browser-session';
import { browserStepHandlers } from '../../src/console/browser-steps';
import { launchChromium } from '../../src/console/chromium';
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
import { ocr } from '../support/ocr';

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
const open = (launch = rig.ports.launch) =>
  ConsoleSession.open(
    launch,
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

/**
 * Chromium with every host name mapped to the simulator, so that the simulator sees any request that leaves the
 * browser: what the request interception alone stops (the product's own launch also refuses to resolve them).
 */
const launchWithEveryHostMapped = () =>
  puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      `--host-resolver-rules=MAP * ${rig.sim.address}`,
      `--ignore-certificate-errors-spki-list=${rig.sim.spki}`,
    ],
  });

/** Every request the page made before `check` holds, waiting on the browser's own record (bounded). */
async function until(check: () => boolean) {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

it('never loads a page, a frame or a part from a host off the allow-list, whoever asks for it', async () => {
  const session = await open(launchWithEveryHostMapped);
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
    await until(stopped);
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

it('lets nothing but AWS’s hosts leave the browser: second windows are closed, other names never resolve', async () => {
  const session = await open();
  try {
    await session.goto('https://console.aws.amazon.com/console/home');
    await recognise(session.page, SIGN_IN_PAGES, { timeoutMs: 10_000, expecting: 'sign-in' });
    await session.page.evaluate(`(() => {
      window.open('https://popup.example.com/');
      const link = document.createElement('a'); link.href = 'https://new-tab.example.com/'; link.target = '_blank';
      document.body.append(link); link.click();
    })()`);
    await until(() => session.refused.filter((r) => r.includes('.example.com')).length >= 2);
    expect(session.refused).toEqual(
      expect.arrayContaining([
        expect.stringContaining('popup.example.com'),
        expect.stringContaining('new-tab.example.com'),
      ]),
    );
  } finally {
    await session.close();
  }
  // Whatever reached the simulator (the launch maps only AWS's hosts to it) was an AWS host of the allow-list.
  const strays = [...hostsSeen()].filter((host) => !mayLoad(`https://${host}/`));
  expect(strays).toEqual([]);
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
  const read = ocr;
  const pieces = ['Correct', 'Horse', 'Battery'];
  // The control: OCR does read the password off the unmasked page, so the check below can fail.
  const plain = await read(unmasked);
  expect(pieces.filter((p) => plain.includes(p)).length).toBeGreaterThanOrEqual(2);
  const shot = await read(masked);
  expect(shot).toContain('Rootusersignin');
  expect(pieces.filter((p) => shot.includes(p))).toEqual([]);
});

it('closes Chromium on every path: done, handed to a person, and failed', async () => {
  const launched: Browser[] = [];
  const counted = {
    ...rig.ports,
    launch: async () => {
      const browser = await rig.ports.launch();
      launched.push(browser);
      return browser;
    },
  };
  const signIn = (ports: typeof counted, teardown = atStep('sign-in')) =>
    browserStepHandlers(ports)['sign-in']!.run(stepContext(teardown));
  const password = await rig.credentials.newPassword(account.id);
  rig.sim.updateAccount(account.id, { password, afterPassword: 'straight-in' });

  expect(await signIn(counted)).toMatchObject({ type: 'done' });

  rig.sim.setFaults({ interstitial: true });
  const short = { ...counted, settings: { pageTimeoutMs: 2_000 } };
  expect(await signIn(short, atStep('sign-in', { teardownId: `t-session-${n}-person` }))).toMatchObject({
    type: 'await',
    signal: 'human',
  });
  rig.sim.setFaults({ interstitial: false });

  const broken = {
    ...counted,
    credentials: {
      ...rig.ports.credentials,
      password: async () => {
        throw new Error('Secrets Manager is down');
      },
    },
  };
  await expect(signIn(broken, atStep('sign-in', { teardownId: `t-session-${n}-failed` }))).rejects.toThrow(
    'Secrets Manager is down',
  );
  expect(launched).toHaveLength(3);
  expect(launched.map((browser) => browser.connected)).toEqual([false, false, false]);
});

it('says which page failed to open without the query that carries its token', async () => {
  // AWS's hosts mapped to a port where nothing listens.
  const session = await open(() =>
    launchChromium({ ...process.env, CONSOLE_SIM_ADDRESS: '127.0.0.1:9', CONSOLE_SIM_SPKI: rig.sim.spki }),
  );
  try {
    const error = await session
      .goto('https://signin.aws.amazon.com/resetpassword?type=RootUser&token=s3cr3t-t0ken')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrowserError);
    expect((error as Error).message).toContain('https://signin.aws.amazon.com/resetpassword');
    expect(String((error as Error).message)).not.toContain('s3cr3t');
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('s3cr3t');
  } finally {
    await session.close();
  }
});
