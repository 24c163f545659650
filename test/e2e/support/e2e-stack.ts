/**
 * One local stack per test file (moto with the demo organization, the simulators, the bot and its workers, the
 * playground), brisk realism knobs, one Chromium for the person at the page, and the ways the tests look at AWS
 * from outside the page: moto's Organizations and the simulated console's record of each account.
 */
import {
  DescribeAccountCommand,
  type Account as OrganizationsAccount,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll } from 'vitest';
import type { LocalDemoAccount } from '../../../src/local/demo-organization';
import type { Realism } from '../../../src/local/realism';
import { type LocalStack, startLocalStack } from '../../../src/local/stack';
import { launchBrowser, PlaygroundDriver } from './playground-driver';

/** Waits the simulators add, short enough for tests and still there (every part of the path takes its turn). */
export const BRISK_REALISM: Realism = {
  captchaSolveMs: 500,
  mailDelayMs: 300,
  callMs: 1000,
  pageLoadMs: 0,
  captchaGiveUpRate: 0,
  unknownPageRate: 0,
};

export interface E2eWorld {
  stack: LocalStack;
  browser: Browser;
  /** The person's tab on the playground. */
  page: PlaygroundDriver;
  /** moto's Organizations, as the stack set this process up to reach it. */
  organizations: OrganizationsClient;
  stop(): Promise<void>;
}

export async function startE2eWorld(): Promise<E2eWorld> {
  const stack = await startLocalStack({ port: 0, smtpPort: 0, realism: BRISK_REALISM });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const page = await PlaygroundDriver.open(browser, stack.url);
    // The stack pointed this process's AWS endpoint at its own moto.
    const organizations = new OrganizationsClient({ endpoint: process.env.AWS_ENDPOINT_URL });
    const opened = browser;
    return {
      stack,
      browser: opened,
      page,
      organizations,
      async stop() {
        organizations.destroy();
        await opened.close().catch(() => {});
        await stack.stop();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => {});
    await stack.stop();
    throw error;
  }
}

/** One world for the test file, started before its tests and stopped after them; call inside the tests. */
export function e2eWorldPerFile(): () => E2eWorld {
  let world: E2eWorld | undefined;
  beforeAll(async () => {
    world = await startE2eWorld();
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });
  return () => {
    if (!world) throw new Error('the e2e world did not start');
    return world;
  };
}

/** alice types `/sandbox delete …` on the page; the request message's ts once it shows. */
export async function askAsAlice(page: PlaygroundDriver, accountId: string, args: string): Promise<string> {
  await page.actAs('alice');
  await page.send(`/sandbox delete ${accountId} ${args}`);
  return page.waitForMessage(['Teardown request', accountId]);
}

/** bob approves the request, confirming the dialog, as an approver other than the requester. */
export async function approveAsBob(page: PlaygroundDriver, request: string): Promise<void> {
  await page.actAs('bob');
  await page.clickAndConfirm(request, 'Approve');
}

/** The account as moto's Organizations describes it, or 'gone' once it left the organization. */
export async function describeInOrganization(
  organizations: OrganizationsClient,
  accountId: string,
): Promise<OrganizationsAccount | 'gone'> {
  try {
    const { Account } = await organizations.send(new DescribeAccountCommand({ AccountId: accountId }));
    if (!Account) throw new Error(`DescribeAccount answered no account for ${accountId}`);
    return Account;
  } catch (error) {
    if ((error as { name?: string }).name === 'AccountNotFoundException') return 'gone';
    throw error;
  }
}

/**
 * A demo sandbox account a new teardown may use: one the side list calls deletable now (an ACTIVE member, not
 * protected, no teardown running), old enough to leave its organization, verified the given way.
 */
export async function freeSandbox(
  stack: LocalStack,
  verification?: LocalDemoAccount['verification'],
): Promise<LocalDemoAccount> {
  const deletable = new Set((await stack.liveAccounts()).filter((a) => a.deletable).map((a) => a.id));
  const found = stack.demo.sandboxes.find(
    (a) =>
      deletable.has(a.id) &&
      a.ageDays >= 4 &&
      (verification === undefined || a.verification === verification),
  );
  if (!found)
    throw new Error(`the demo has no free sandbox account verified by ${verification ?? 'any way'}`);
  return found;
}
