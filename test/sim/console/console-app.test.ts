import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CloseLayout, type ConsoleSim, type Generation, startConsoleSim } from '../../../sim/console';
import { button, closePage, element, headingOf, launchForSim, rootPage } from './chromium-helpers';
import {
  ACCOUNT_PAGE,
  alertText,
  buttonTexts,
  enterEmail,
  giveRootSession,
  SIGNIN,
  TestBrowser,
  textOf,
} from './helpers';

// The billing account page: each close layout AWS has served, the closed state, and its JSON status.

const REST = 'https://console.aws.amazon.com/billing/rest/v1.0/account';

let sim: ConsoleSim;
let made = 0;

beforeAll(async () => {
  sim = await startConsoleSim({ captcha: 'never' });
});
afterAll(async () => {
  await sim?.close();
});
beforeEach(() => {
  sim.setFaults({ closeLayout: 'typed-id', cookieBanner: false });
});

function newAccount(options: { closeLayout?: CloseLayout; password?: string } = {}): string {
  made += 1;
  const accountId = `40000000${String(made).padStart(4, '0')}`;
  sim.addAccount({ accountId, email: `close-${made}@example.com`, signupDone: true, ...options });
  return accountId;
}

describe('account page over HTTP', () => {
  it('asks for the root session first, and answers the status endpoint only with one', async () => {
    const browser = new TestBrowser(sim);
    const page = await browser.get(ACCOUNT_PAGE);
    expect(page.location).toBe(`${SIGNIN}/signin?redirect_uri=${encodeURIComponent(ACCOUNT_PAGE)}`);
    const close = await browser.post('https://console.aws.amazon.com/billing/home/close-account', {
      accountId: '1',
    });
    expect(close.location).toMatch(/^https:\/\/signin\.aws\.amazon\.com\/signin\?redirect_uri=/);
    const rest = await browser.get(REST);
    expect(rest.status).toBe(401);
  });

  it('refuses to close without the typed account id or without every acknowledgement', async () => {
    const typed = newAccount({ closeLayout: 'typed-id' });
    const browser = new TestBrowser(sim);
    giveRootSession(browser, sim, typed, 'new');
    expect(JSON.parse((await browser.get(REST)).body)).toEqual({
      accountId: typed,
      emailAddress: sim.account(typed)?.email,
      accountStatus: 'Active',
    });
    const page = await browser.submit('https://console.aws.amazon.com/billing/home/close-account', {
      accountId: typed.slice(0, -1),
    });
    expect(alertText(page.body)).toBe('The account ID you entered does not match this account.');
    expect(sim.account(typed)?.closed).toBe(false);

    const ticked = newAccount({ closeLayout: 'checkboxes' });
    const other = new TestBrowser(sim);
    giveRootSession(other, sim, ticked, 'old');
    const refused = await other.submit('https://console.aws.amazon.com/billing/home/close-account', {
      ack: '1',
    });
    expect(alertText(refused.body)).toBe('To close your account, confirm every statement.');
    expect(sim.account(ticked)?.closed).toBe(false);
  });

  it('lets the root user of a closed account sign in, and shows the account closed', async () => {
    const accountId = newAccount({ password: 'Correct-Horse-9' });
    sim.updateAccount(accountId, { closed: true });
    const browser = new TestBrowser(sim);
    await enterEmail(browser, sim, sim.account(accountId)?.email ?? '', ACCOUNT_PAGE);
    const page = await browser.submit(`${SIGNIN}/signin/password`, { password: 'Correct-Horse-9' });
    expect(page.url).toBe(ACCOUNT_PAGE);
    expect(textOf(page.body, 'h2', 'id="account-closed-heading"')).toBe('Account closed');
    expect(textOf(page.body, 'dd', 'data-testid="account-status"')).toBe('Suspended');
    expect(buttonTexts(page.body)).toEqual([]);
    expect(JSON.parse((await browser.get(REST)).body).accountStatus).toBe('Suspended');
  });
});

describe('closing as root in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchForSim(sim);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function openAccountPage(accountId: string, generation: Generation): Promise<Page> {
    const page = await rootPage(browser, sim, accountId, generation);
    await page.goto(ACCOUNT_PAGE, { waitUntil: 'load' });
    expect(await headingOf(page)).toBe('Account');
    expect(page.url()).toBe(`${ACCOUNT_PAGE}#/account`);
    return page;
  }

  async function disabled(page: Page, selector: string): Promise<boolean> {
    return page.$eval(selector, (b) => (b as HTMLButtonElement).disabled);
  }

  async function dialogHeading(page: Page): Promise<string | null> {
    return page.$eval('[role=dialog]:not([hidden]) h2', (h2) => h2.textContent);
  }

  async function expectClosed(page: Page, accountId: string): Promise<void> {
    expect(await page.$eval('#account-closed-heading', (h2) => h2.textContent)).toBe('Account closed');
    expect(await page.$eval('[data-testid=account-status]', (dd) => dd.textContent)).toBe('Suspended');
    expect(await page.evaluate(() => location.hash)).toBe('#/account');
    const status = await page.evaluate(async () => (await fetch('/billing/rest/v1.0/account')).json());
    expect(status).toMatchObject({ accountId, accountStatus: 'Suspended' });
    expect(sim.account(accountId)).toMatchObject({ closed: true, closedAt: expect.any(Number) });
  }

  it.each<['checkboxes' | 'checkboxes-modal-testid', Generation]>([
    ['checkboxes', 'old'],
    ['checkboxes-modal-testid', 'new'],
  ])('%s (%s ids): four acknowledgements, then the modal', async (layout, generation) => {
    const accountId = newAccount({ closeLayout: layout });
    const page = await openAccountPage(accountId, generation);
    const pageButton = '[data-testid=aws-billing-account-form-button-close-account]';
    expect(await page.$eval('#close-account-heading', (h2) => h2.textContent)).toBe('Close Account');
    expect(await disabled(page, pageButton)).toBe(true);
    const boxes = ['closing', 'second-closing', 'third-closing', 'fourth-closing'].map(
      (which) => `input[data-testid=aws-billing-account-form-input-is-${which}-account]`,
    );
    for (const box of boxes.slice(0, 3)) await page.click(box);
    expect(await disabled(page, pageButton)).toBe(true);
    await page.click(boxes[3] ?? '');
    expect(await disabled(page, pageButton)).toBe(false);
    const labels = await page.$$eval('input[name=ack]', (inputs) =>
      inputs.map((input) => (input as HTMLInputElement).labels?.[0]?.textContent?.slice(0, 40)),
    );
    expect(labels).toEqual([
      'I understand that by clicking this check',
      'I understand that after the post-closure',
      'I understand that after the post-closure',
      'I understand that after the post-closure',
    ]);

    await page.click(pageButton);
    expect(await dialogHeading(page)).toBe('Close Account');
    const confirm =
      layout === 'checkboxes'
        ? '.modal-footer > button.btn-danger'
        : '[data-testid=aws-billing-account-form-modal-button-close-account]';
    expect(await page.$eval(confirm, (b) => b.textContent)).toBe('Close Account');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(confirm)]);
    await expectClosed(page, accountId);
    await closePage(page);
  });

  it.each<['typed-id' | 'typed-id-confirm-modal', Generation]>([
    ['typed-id', 'old'],
    ['typed-id', 'new'],
    ['typed-id-confirm-modal', 'old'],
  ])('%s (%s ids): the account id typed in a dialog', async (layout, generation) => {
    // This layout comes from the simulator's fault setting, not from the account.
    sim.setFaults({ closeLayout: layout });
    const accountId = newAccount();
    const old = generation === 'old';
    const page = await openAccountPage(accountId, generation);
    expect(await page.$eval('#close-account-heading', (h2) => h2.textContent)).toBe('Close account');
    await page.click(`[data-testid=${old ? 'close-account-button-root' : 'closeAccountButtonRoot'}]`);
    expect(await dialogHeading(page)).toBe('Close account');
    const input = await element(page, '[data-testid=closeAccountInput] > input');
    expect(
      await input.evaluate((i) => [
        (i as HTMLInputElement).placeholder,
        (i as HTMLInputElement).labels?.[0]?.textContent,
      ]),
    ).toEqual([accountId, 'To confirm, enter your account ID']);
    const dialogButton = `[data-testid=${old ? 'close-account-button' : 'closeAccountButton'}]`;
    await input.type(accountId.slice(0, -1));
    expect(await disabled(page, dialogButton)).toBe(true);
    await input.type(accountId.slice(-1));
    expect(await disabled(page, dialogButton)).toBe(false);
    expect(await page.$eval(dialogButton, (b) => b.textContent)).toBe('Close account');

    if (layout === 'typed-id-confirm-modal') {
      await page.click(dialogButton);
      expect(await dialogHeading(page)).toBe('Confirm account closure');
      expect(sim.account(accountId)?.closed).toBe(false);
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.click('[data-testid=close-account-modal-confirm]'),
      ]);
    } else {
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(dialogButton)]);
    }
    await expectClosed(page, accountId);
    await closePage(page);
  });

  it('lets a person back out of the dialog, and the cookie banner be dismissed first', async () => {
    sim.setFaults({ cookieBanner: true });
    const accountId = newAccount({ closeLayout: 'typed-id' });
    const page = await openAccountPage(accountId, 'new');
    await page.click('[data-id=awsccc-cb-btn-continue]');
    await page.click('[data-testid=closeAccountButtonRoot]');
    await (await button(page, 'Cancel')).click();
    expect(await page.$('[role=dialog]:not([hidden])')).toBeNull();
    expect(sim.account(accountId)?.closed).toBe(false);
    await closePage(page);
  });
});
