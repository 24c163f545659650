import { connect } from 'node:tls';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ConsoleSim, seedFromOrganizations, spkiHash, startConsoleSim } from '../../../sim/console';
import { encodeQuotedPrintable } from '../../../sim/console/mail';
import {
  CONSOLE_HOME,
  decodeQuotedPrintable,
  enterEmail,
  heading,
  labelTarget,
  SIGNIN,
  signIn,
  TestBrowser,
  title,
} from './helpers';

let sim: ConsoleSim;

beforeAll(async () => {
  sim = await startConsoleSim({ captcha: 'never' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.setFaults({ cookieBanner: false, slowMs: 0 });
  sim.clearRequests();
});

/** The certificate the simulator presents for a host name. */
function peerCertificatePem(servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port: sim.port, servername, rejectUnauthorized: false },
      () => {
        const der = socket.getPeerCertificate().raw;
        socket.end();
        resolve(`-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`);
      },
    );
    socket.on('error', reject);
  });
}

describe('console simulator server', () => {
  it('gives the address and key hash Chromium is pointed at', async () => {
    expect(sim.address).toBe(`127.0.0.1:${sim.port}`);
    const served = await peerCertificatePem('signin.aws.amazon.com');
    expect(spkiHash(served)).toBe(sim.spki);
    expect(sim.spki).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('is trusted for every AWS host it serves (certificate names)', async () => {
    const browser = new TestBrowser(sim);
    // TestBrowser verifies the host name against the certificate with the simulator's certificate as CA.
    for (const url of [
      `${SIGNIN}/signin`,
      'https://ap-southeast-2.signin.aws.amazon.com/signin',
      'https://us-east-1.signin.aws.amazon.com/captcha/challenge?c=none',
      CONSOLE_HOME,
      'https://eu-central-1.console.aws.amazon.com/console/home',
      'https://s3.amazonaws.com/',
      'https://aws.amazon.com/',
    ]) {
      await expect(browser.get(url)).resolves.toBeDefined();
    }
  });

  it('records every request, also to hosts it does not serve', async () => {
    const browser = new TestBrowser(sim, { checkNames: false });
    const foreign = await browser.get('https://www.google-analytics.com/collect?v=1&tid=x');
    expect(foreign.status).toBe(404);
    expect(heading(foreign.body)).toBe('Not found');
    expect((await browser.get('https://aws.amazon.com/')).status).toBe(404);
    await browser.post(`${SIGNIN}/signin/resolve`, { email: 'x@example.com' });
    expect(sim.requests().map(({ method, host, path }) => ({ method, host, path }))).toEqual([
      { method: 'GET', host: 'www.google-analytics.com', path: '/collect?v=1&tid=x' },
      { method: 'GET', host: 'aws.amazon.com', path: '/' },
      { method: 'POST', host: 'signin.aws.amazon.com', path: '/signin/resolve' },
    ]);
    expect(sim.requests()[0]?.at).toEqual(expect.any(Number));
    sim.clearRequests();
    expect(sim.requests()).toEqual([]);
  });

  it('serves the sign-in app on regional sign-in hosts too', async () => {
    const browser = new TestBrowser(sim);
    const page = await browser.open('https://eu-west-1.signin.aws.amazon.com/signin');
    expect(title(page.body)).toBe('Amazon Web Services Sign-In');
  });

  it('covers the form with a cookie banner until a choice is made', async () => {
    sim.setFaults({ cookieBanner: true });
    const browser = new TestBrowser(sim);
    const page = await browser.open(`${SIGNIN}/signin`);
    expect(page.body).toMatch(/<div id="awsccc-cb-content" role="region" aria-label="Cookie banner">/);
    expect(page.body).toMatch(/<button type="button" data-id="awsccc-cb-btn-continue">Accept<\/button>/);
    expect(page.body).toMatch(/data-id="awsccc-cb-btn-decline">Decline<\/button>/);
    browser.setCookie('awsccc', 'accepted', 'aws.amazon.com');
    const after = await browser.open(`${SIGNIN}/signin`);
    expect(after.body).not.toContain('id="awsccc-cb-content"');
    expect(labelTarget(after.body, 'Root user email address')).toBeDefined();
  });

  it('adds the page-load time to pages only, and counts what it added', async () => {
    sim.setFaults({ pageLoadMs: 150 });
    try {
      const before = sim.injectedPageWaitMs();
      const browser = new TestBrowser(sim);
      const started = Date.now();
      const page = await browser.open(`${SIGNIN}/signin`);
      expect(page.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(sim.injectedPageWaitMs() - before).toBe(150);
      // Not a page: the APIs the pages call come at once and count nothing.
      const counted = sim.injectedPageWaitMs();
      const api = await browser.get('https://console.aws.amazon.com/billing/rest/v1.0/account');
      expect(api.contentType).not.toMatch(/^text\/html/);
      expect(sim.injectedPageWaitMs()).toBe(counted);
    } finally {
      sim.setFaults({ pageLoadMs: 0 });
    }
  });

  it('still answers every page when slowed down', async () => {
    sim.setFaults({ slowMs: 20 });
    sim.addAccount({ accountId: '111122223333', email: 'slow@example.com', password: 'Correct-Horse-9' });
    const page = await signIn(new TestBrowser(sim), sim, 'slow@example.com', 'Correct-Horse-9');
    expect(heading(page.body)).toBe('Console Home');
  });
});

describe('accounts from Organizations', () => {
  it('adds every active account with its email and no password', async () => {
    const client = new OrganizationsClient({});
    await client.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    for (const name of ['alpha', 'beta']) {
      await client.send(
        new CreateAccountCommand({ AccountName: name, Email: `${name}@sandbox.example.com` }),
      );
    }
    const added = await seedFromOrganizations(sim, client);
    const emails = added.map((id) => sim.account(id)?.email);
    expect(emails).toEqual(expect.arrayContaining(['alpha@sandbox.example.com', 'beta@sandbox.example.com']));
    for (const id of added) {
      expect(sim.account(id)).toMatchObject({ password: undefined, afterPassword: 'straight-in' });
    }
    const browser = new TestBrowser(sim);
    const page = await enterEmail(browser, sim, 'ALPHA@sandbox.example.com');
    expect(heading(page.body)).toBe('Root user sign in');
  });
});

describe('quoted-printable', () => {
  it('escapes "=", keeps lines within 76 characters and decodes back to the text', () => {
    const text = `link: https://signin.aws.amazon.com/resetpassword?type=RootUser&token=${'a'.repeat(90)}\ncafé ends with space `;
    const encoded = encodeQuotedPrintable(text);
    expect(encoded).toContain('type=3DRootUser');
    expect(encoded).toContain('caf=C3=A9');
    expect(encoded.endsWith('=20')).toBe(true);
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(decodeQuotedPrintable(encoded)).toBe(text.replace('\n', '\r\n'));
  });
});
