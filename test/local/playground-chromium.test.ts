import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/common/logger';
import { createPlayground } from '../../src/local/playground/server';
import {
  DEFAULT_REALISM,
  type LiveAccount,
  type OutsideActivity,
  type RealismControl,
  realismControl,
} from '../../src/local/realism';
import { SlackCaptchaPrompter } from '../../src/slack/captcha-prompter';
import { createSlackOutbox } from '../../src/slack/outbox';
import { type BotHarness, CHANNEL, createBotHarness, PEOPLE } from '../bot/support/bot-harness';
import { requestMessage } from '../bot/support/slack-record';
import { encodePng, launchTestChromium } from '../support/test-chromium';

// The playground in real Chromium over the real bot: narrow and wide windows, the CAPTCHA modal, the thread
// link, the side panels. Every request the page makes is recorded: none may leave this machine.

const RILEY = { id: PEOPLE.requester, name: 'riley', role: 'requester' };
const ALEX = { id: PEOPLE.approver, name: 'alex', role: 'approver' };
const CAPTCHA = { width: 150, height: 50, answer: 'x7Kq2', challengeId: 'ch-playground' };

/** A real PNG of `width` x `height` in stripes, so its size is known. */
function stripedPng(width: number, height: number): Buffer {
  return encodePng(width, height, 1, (x) => [(x >> 3) % 2 ? 40 : 220]);
}

let h: BotHarness;
let server: Server;
let base: string;
let browser: Browser;
let realism: RealismControl;
let outbox: ReturnType<typeof createSlackOutbox>;
let accounts: LiveAccount[];
const activity: OutsideActivity = { calls: [], texts: [], mails: [] };
/** Every URL the pages asked for. */
const requested: string[] = [];

beforeAll(async () => {
  h = await createBotHarness();
  const { sandbox1, teamA, production } = h.org.accounts;
  await h.command(`delete ${sandbox1.id} sprint demo is over`);
  await h.settle();
  const rootTs = requestMessage(h.sim)?.ts ?? '';
  const teardown = await h.teardown(sandbox1.id);
  if (!teardown) throw new Error('the request did not start a teardown');

  // A CAPTCHA 2captcha gave up on, asked in the thread as the browser worker asks it.
  await h.ports.captchaChallenges.open({
    id: CAPTCHA.challengeId,
    accountId: teardown.accountId,
    teardownId: teardown.teardownId,
    imageRef: `captchas/${CAPTCHA.challengeId}.png`,
    createdAt: h.now(),
    expiresAt: h.now() + 10 * 60_000,
  });
  const logger = createLogger('playground-test', { logLevel: 'ERROR' });
  outbox = createSlackOutbox({ botToken: h.bot.botToken, apiUrl: h.sim.apiUrl }, { paceMs: 0, logger });
  await new SlackCaptchaPrompter({ outbox, clock: h.now, logger }).ask({
    accountId: teardown.accountId,
    teardownId: teardown.teardownId,
    challengeId: CAPTCHA.challengeId,
    png: stripedPng(CAPTCHA.width, CAPTCHA.height),
    until: h.now() + 10 * 60_000,
    slack: { channel: CHANNEL, threadTs: rootTs, requestTs: rootTs },
    stepTitle: 'Request a root password reset',
  });
  // The widest things a message can hold: an unbroken token, a long code line, two columns of fields.
  const unbroken = `arn:aws:organizations::${'1'.repeat(12)}:account/o-${'x'.repeat(90)}`;
  await outbox.post(CHANNEL, {
    text: 'long',
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${unbroken} \`${unbroken}\`` } },
      { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${unbroken} ${unbroken}\`\`\`` } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Email*\n${'sandbox-'.repeat(8)}@example.com` },
          { type: 'mrkdwn', text: `*OU*\n${unbroken}` },
        ],
      },
    ],
  });

  accounts = [
    {
      id: h.org.managementAccountId,
      name: 'management',
      note: 'the management account',
      state: 'ACTIVE',
      deletable: false,
    },
    { id: sandbox1.id, name: sandbox1.name, note: 'Sandbox OU', state: 'ACTIVE', deletable: true },
    { id: teamA.id, name: teamA.name, note: 'Sandbox / Team A', state: 'ACTIVE', deletable: true },
    { id: production.id, name: production.name, note: 'Production OU', state: 'ACTIVE', deletable: false },
  ];
  activity.mails.push({
    at: Date.now(),
    to: sandbox1.email,
    subject: 'Password reset requested',
    kind: 'reset link',
  });
  realism = realismControl(DEFAULT_REALISM, () => {});

  const playground = createPlayground({
    sim: h.sim,
    channel: { id: CHANNEL, name: 'sandbox-requests' },
    users: [RILEY, ALEX],
    liveAccounts: async () => accounts.map((a) => ({ ...a })),
    activity: () => activity,
    realism,
  });
  server = createServer(async (req, res) => {
    if (!(await playground(req, res))) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchTestChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.close();
});

/** The playground as `user` in a window `width` px wide, once the channel and the side panels are shown. */
async function open(width: number, user: string = ALEX.id): Promise<Page> {
  const page = await browser.newPage();
  page.on('request', (request) => {
    requested.push(request.url());
  });
  await page.setViewport({ width, height: 760 });
  await page.goto(`${base}/#as=${user}`, { waitUntil: 'load' });
  await page.waitForSelector('.msg');
  await page.waitForSelector('#accounts .account');
  await page.waitForSelector('#activity li:not(.muted)');
  await page.waitForSelector('#realism input');
  return page;
}

/** What sticks out: the page wider than the window, or any box that scrolls sideways. */
async function overflow(page: Page) {
  return page.evaluate(() => ({
    page: { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth },
    sideways: [...document.querySelectorAll<HTMLElement>('body *')]
      .filter(
        (el) => el.scrollWidth > el.clientWidth + 1 && /auto|scroll/.test(getComputedStyle(el).overflowX),
      )
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.scrollWidth} > ${el.clientWidth}`),
  }));
}

async function box(page: Page, selector: string) {
  return page.$eval(selector, (el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
  });
}

/** Clicks the visible element matching `selector` whose text reads `text`. */
async function clickText(page: Page, selector: string, text: string): Promise<void> {
  const handle = await page.waitForFunction(
    (sel, wanted) =>
      [...document.querySelectorAll<HTMLElement>(sel)].find(
        (el) => el.textContent?.trim() === wanted && el.getClientRects().length > 0,
      ),
    {},
    selector,
    text,
  );
  const element = handle.asElement();
  if (!element) throw new Error(`no ${selector} reading "${text}"`);
  await (element as ElementHandle<HTMLElement>).click();
}

describe('the playground in Chromium', () => {
  it.each([360, 600, 900, 1280])('fits a window %i px wide, with the message box in view', async (width) => {
    const page = await open(width);
    try {
      const { page: size, sideways } = await overflow(page);
      expect(size.scrollWidth).toBeLessThanOrEqual(size.innerWidth);
      expect(sideways).toEqual([]);

      const input = await box(page, '#composer-input');
      const send = await box(page, '#composer button');
      expect(input.left).toBeGreaterThanOrEqual(0);
      expect(send.right).toBeLessThanOrEqual(width);
      expect(input.width).toBeGreaterThan(150);
      expect(input.bottom).toBeLessThanOrEqual(760);

      const main = await box(page, '.main');
      const side = await box(page, '.sidebar');
      const world = await box(page, '.world');
      if (width < 760) {
        // One column: the channel first, the side panels under it.
        expect(side.top).toBeGreaterThanOrEqual(main.bottom);
        expect(world.top).toBeGreaterThanOrEqual(side.bottom);
        expect(side.width).toBe(width);
      } else if (width < 1180) {
        // Two columns: the workspace over the outside world, beside the channel.
        expect(side.right).toBeLessThanOrEqual(main.left);
        expect(world.right).toBeLessThanOrEqual(main.left);
        expect(world.top).toBeGreaterThanOrEqual(side.bottom);
      } else {
        // Three columns: the workspace, the channel, the outside world.
        expect(side.right).toBeLessThanOrEqual(main.left);
        expect(world.left).toBeGreaterThanOrEqual(main.right);
        expect([side.top, main.top, world.top]).toEqual([0, 0, 0]);
      }
      // The CAPTCHA picture in the thread has loaded, at its own size.
      const picture = await page.waitForFunction(() => {
        const img = [...document.querySelectorAll<HTMLImageElement>('img')].find((i) => i.alt === 'CAPTCHA');
        return img?.complete && img.naturalWidth > 0
          ? { width: img.naturalWidth, shown: img.clientWidth }
          : null;
      });
      expect(await picture.jsonValue()).toEqual({ width: CAPTCHA.width, shown: CAPTCHA.width });
    } finally {
      await page.close();
    }
  });

  it('lets a person open the CAPTCHA modal, type the answer and send it, in a narrow window', async () => {
    const page = await open(360);
    try {
      await clickText(page, '.bk-btn', 'Solve');
      await page.waitForFunction(
        () => document.querySelector('#modal-root h2')?.textContent === 'Solve the CAPTCHA',
      );
      const dialog = await box(page, '#modal-root .dialog');
      expect(dialog.left).toBeGreaterThanOrEqual(0);
      expect(dialog.right).toBeLessThanOrEqual(360);
      expect((await overflow(page)).sideways).toEqual([]);

      // The field has the focus: typing goes into it.
      await page.keyboard.type(CAPTCHA.answer);
      await clickText(page, '#modal-root .bk-btn', 'Send');
      await page.waitForFunction(() => document.getElementById('modal-root')?.innerHTML === '');
      // The modal closed once the bot took the answer; its message about it may still be on the way.
      await h.settle();
      expect(await h.ports.captchaChallenges.get(CAPTCHA.challengeId)).toMatchObject({
        status: 'answered',
        answer: CAPTCHA.answer,
        answeredBy: ALEX.id,
      });
      await page.waitForFunction(() =>
        document.getElementById('timeline')?.textContent?.includes('CAPTCHA answered by'),
      );
    } finally {
      await page.close();
    }
  });

  it("opens the bot's thread link in the page instead of a Slack workspace", async () => {
    const page = await open(600, RILEY.id);
    try {
      const rootTs = requestMessage(h.sim)?.ts ?? '';
      // Sent as a person sends it: typed into the message box, Enter.
      await page.click('#composer-input');
      await page.keyboard.type(`/sandbox status ${h.org.accounts.sandbox1.id}`);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() =>
        [...document.querySelectorAll('.ephemeral a')].some((a) => a.textContent === 'Open the thread'),
      );
      const href = await page.$$eval('.ephemeral a', (links) =>
        links.find((a) => a.textContent === 'Open the thread')?.getAttribute('href'),
      );
      expect(href).toBe(`#thread=${rootTs}`);
      expect(
        await page.$$eval('a[href]', (links) => links.map((a) => a.getAttribute('href'))),
      ).not.toContainEqual(expect.stringMatching(/slack\.com\/archives|sim-workspace/));

      // Fold the thread away, then follow the link: it unfolds and its first message is shown, on this page.
      await page.click(`.thread-toggle[data-ts="${rootTs}"]`);
      await page.waitForFunction(
        (ts) => !document.querySelector(`.msg[data-ts="${ts}"] .thread`),
        {},
        rootTs,
      );
      const before = page.url();
      await clickText(page, '.ephemeral a', 'Open the thread');
      await page.waitForFunction(
        (ts) => document.querySelector(`.msg.flash[data-ts="${ts}"] .thread .msg`) !== null,
        {},
        rootTs,
      );
      expect(page.url()).toBe(before);
      const root = await box(page, `.msg[data-ts="${rootTs}"]`);
      const timeline = await box(page, '#timeline');
      expect(root.bottom).toBeGreaterThan(timeline.top);
      expect(root.top).toBeLessThan(timeline.bottom);

      // The link's address opened anew (a new tab) shows the same thread.
      await page.goto('about:blank');
      await page.goto(`${base}/#as=${RILEY.id}&thread=${rootTs}`, { waitUntil: 'load' });
      await page.waitForSelector(`.msg.flash[data-ts="${rootTs}"]`);
    } finally {
      await page.close();
    }
  });

  it('keeps the side list, the outside world and the realism knobs current', async () => {
    const page = await open(1280, RILEY.id);
    try {
      const { sandbox1, teamA } = h.org.accounts;
      const item = (id: string) =>
        page.$eval(`#accounts [data-account="${id}"]`, (el) => el.closest('li')?.textContent ?? '');
      expect(await page.$$eval('#accounts .account', (els) => els.length)).toBe(4);
      expect(await item(sandbox1.id)).toContain('can be torn down');
      expect(await item(h.org.managementAccountId)).toContain('a request would be refused');
      // The example in the empty message box is an account that can be torn down.
      expect(await page.$eval('#composer-input', (el) => (el as HTMLInputElement).placeholder)).toBe(
        `/sandbox delete ${sandbox1.id}`,
      );

      await page.click(`#accounts [data-account="${teamA.id}"]`);
      expect(await page.$eval('#composer-input', (el) => (el as HTMLInputElement).value)).toBe(
        `/sandbox delete ${teamA.id} `,
      );

      // sandbox1 closes: the list says so at its next read, and the example moves on.
      accounts[1] = { ...(accounts[1] as LiveAccount), state: 'SUSPENDED', deletable: false };
      activity.calls.push({ at: Date.now(), to: '+15550101', digits: '482913', ended: 'completed' });
      await page.waitForFunction(
        (id) => document.querySelector(`[data-account="${id}"]`)?.textContent?.includes('SUSPENDED — closed'),
        {},
        sandbox1.id,
      );
      expect(await item(sandbox1.id)).not.toContain('can be torn down');
      expect(await page.$eval('#composer-input', (el) => (el as HTMLInputElement).placeholder)).toBe(
        `/sandbox delete ${teamA.id}`,
      );
      await page.waitForFunction(() =>
        document.querySelector('#activity li')?.textContent?.includes('482913'),
      );

      // A knob: a good value is applied; a bad one is refused, said, and the field shows the value in force.
      await page.click('#knob-callMs', { count: 3 });
      await page.keyboard.type('30000');
      await page.keyboard.press('Tab');
      await page.waitForFunction(() => document.querySelector('.toast')?.textContent?.includes('now 30000'));
      expect(realism.get().callMs).toBe(30_000);
      await page.click('#knob-captchaGiveUpRate', { count: 3 });
      await page.keyboard.type('5');
      await page.keyboard.press('Tab');
      await page.waitForFunction(() =>
        document
          .querySelector('.toast.error')
          ?.textContent?.includes('captchaGiveUpRate must be a number from 0 to 1'),
      );
      expect(await page.$eval('#knob-captchaGiveUpRate', (el) => (el as HTMLInputElement).value)).toBe(
        String(DEFAULT_REALISM.captchaGiveUpRate),
      );
      expect(realism.get()).toEqual({ ...DEFAULT_REALISM, callMs: 30_000 });
    } finally {
      await page.close();
    }
  });

  it('follows the channel while the person is at the bottom, also when a picture loads later', async () => {
    const page = await open(1280);
    try {
      const atBottom = () =>
        page.waitForFunction(() => {
          const t = document.getElementById('timeline') as HTMLElement;
          return t.scrollHeight - t.scrollTop - t.clientHeight < 2;
        });
      await atBottom();
      await outbox.client.filesUploadV2({
        channel_id: CHANNEL,
        file: stripedPng(120, 340),
        filename: 'tall.png',
        title: 'A tall screenshot',
        alt_text: 'A tall screenshot',
      });
      await page.waitForFunction(() => {
        const img = [...document.querySelectorAll<HTMLImageElement>('img')].find(
          (i) => i.alt === 'A tall screenshot',
        );
        return img?.complete && img.naturalHeight === 340;
      });
      await atBottom();

      // Scrolled up to read: new messages no longer pull the view down.
      await page.$eval('#timeline', (t) => {
        t.scrollTop = 0;
      });
      await outbox.post(CHANNEL, { text: 'one more', blocks: [] });
      await page.waitForFunction(() =>
        document.getElementById('timeline')?.textContent?.includes('one more'),
      );
      expect(await page.$eval('#timeline', (t) => t.scrollTop)).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('asked for nothing beyond this machine', () => {
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !url.startsWith(`${base}/`))).toEqual([]);
  });
});
