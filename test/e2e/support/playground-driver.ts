/**
 * A person at the playground page, in real Chromium: picks who they are, types slash commands into the message
 * box, clicks the bot's buttons (answering their confirm dialogs), fills and submits modals, turns the realism
 * knobs, and reads what the page shows. Every wait is for something on the page, bounded by a timeout that
 * names what did not show.
 *
 * The page redraws the channel from scratch whenever its state changes, so nothing here keeps element handles
 * across waits: each action finds its element again at the moment it acts.
 */
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { launchTestChromium } from '../../support/test-chromium';

/** Long enough for the page's 700 ms poll on a loaded 2-core machine. */
const DEFAULT_WAIT_MS = 20_000;

export type Person = 'alice' | 'bob' | 'carol' | 'dave';

export interface WaitOptions {
  timeoutMs?: number;
}

export function launchBrowser(): Promise<Browser> {
  return launchTestChromium(['--disable-dev-shm-usage', '--disable-gpu']);
}

/** One account's entry in the side list, as the person reads it. */
export interface ShownAccount {
  id: string;
  text: string;
  /** Shown with the green "can be torn down" verdict. */
  deletable: boolean;
}

/** Selectors of the page's parts (src/local/playground): what a person would look at. */
const SEL = {
  userSwitcher: '#as',
  composerInput: '#composer-input',
  timeline: '#timeline',
  confirm: '#confirm-root .dialog',
  confirmYes: '#confirm-root [data-act="confirm-yes"]',
  modal: '#modal-root .dialog',
  modalSubmit: '#modal-root [data-act="modal-submit"]',
  toasts: '#toasts',
  accounts: '#accounts',
  activity: '#activity',
  realism: '#realism',
} as const;

export class PlaygroundDriver {
  private constructor(readonly page: Page) {}

  /** A new tab on the playground, wide enough for the side panels next to the channel. */
  static async open(browser: Browser, url: string): Promise<PlaygroundDriver> {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    const driver = new PlaygroundDriver(page);
    await driver.waitFor(
      () => document.querySelector('#timeline .empty')?.textContent !== 'Loading…',
      'the channel to load',
    );
    return driver;
  }

  async close(): Promise<void> {
    await this.page.close();
  }

  // Who the person is

  /** Picks `person` in the "You are" switcher and waits until the channel is shown as they see it. */
  async actAs(person: Person): Promise<void> {
    const value = await this.page.$eval(
      SEL.userSwitcher,
      (select, name) =>
        [...(select as HTMLSelectElement).options].find((o) => o.text.startsWith(`${name} (`))?.value,
      person,
    );
    if (!value) throw new Error(`the user switcher has no ${person}`);
    if ((await this.page.$eval(SEL.userSwitcher, (s) => (s as HTMLSelectElement).value)) === value) return;
    // Marks what is shown now: the switch is complete once the channel was drawn again for the new person.
    await this.page.$eval(SEL.timeline, (t) => {
      for (const child of t.children) child.setAttribute('data-before-switch', '');
    });
    await this.page.select(SEL.userSwitcher, value);
    await this.waitFor(() => {
      const t = document.querySelector('#timeline');
      return Boolean(t && t.children.length > 0 && !t.querySelector('[data-before-switch]'));
    }, `the channel to be shown to ${person}`);
  }

  // The message box

  /** Types `text` into the message box and sends it with Enter; waits until the box took it (it empties). */
  async send(text: string): Promise<void> {
    const input = await this.page.waitForSelector(`${SEL.composerInput}:not([disabled])`);
    if (!input) throw new Error('the message box is not there');
    await input.click({ count: 3 });
    await input.press('Backspace');
    await input.type(text);
    await input.press('Enter');
    await this.waitFor(
      () => (document.querySelector('#composer-input') as HTMLInputElement | null)?.value === '',
      `the message box to send "${text}"`,
    );
  }

  // Messages

  /**
   * The `ts` of the newest top-level message (not an ephemeral) whose text contains every one of `parts`.
   */
  async waitForMessage(parts: string[], options: WaitOptions = {}): Promise<string> {
    const handle = await this.page.waitForFunction(
      (wanted: string[]) => {
        const messages = [...document.querySelectorAll('#timeline > .msg:not(.ephemeral)')].reverse();
        const found = messages.find((m) => {
          const body = m.querySelector(':scope > .content > .body');
          const text = body?.textContent ?? '';
          return wanted.every((part) => text.includes(part));
        });
        return found?.getAttribute('data-ts') ?? false;
      },
      { timeout: options.timeoutMs ?? DEFAULT_WAIT_MS, polling: 200 },
      parts,
    );
    return (await handle.jsonValue()) as string;
  }

  /** The text of a top-level message's own body (not its thread), as shown now. */
  async messageText(ts: string): Promise<string> {
    return this.page.evaluate(
      (t) =>
        document.querySelector(`#timeline > .msg[data-ts="${CSS.escape(t)}"] > .content > .body`)
          ?.textContent ?? '',
      ts,
    );
  }

  /** The text of the thread under a message, replies and this person's ephemerals in it. */
  async threadText(ts: string): Promise<string> {
    return this.page.evaluate(
      (t) =>
        document.querySelector(`#timeline > .msg[data-ts="${CSS.escape(t)}"] .thread`)?.textContent ?? '',
      ts,
    );
  }

  /** Waits until the message's body (`where: 'message'`) or its thread shows `text` (a string or /regex/). */
  async waitForText(
    ts: string,
    text: string | RegExp,
    where: 'message' | 'thread',
    options: WaitOptions = {},
  ): Promise<string> {
    const pattern =
      typeof text === 'string' ? { source: text, literal: true } : { source: text.source, literal: false };
    const description = `${where === 'message' ? 'the message' : 'its thread'} to show ${String(text)}`;
    try {
      const handle = await this.page.waitForFunction(
        (t: string, w: string, p: { source: string; literal: boolean }) => {
          const message = document.querySelector(`#timeline > .msg[data-ts="${CSS.escape(t)}"]`);
          const part =
            w === 'message'
              ? message?.querySelector(':scope > .content > .body')
              : message?.querySelector('.thread');
          const shown = part?.textContent ?? '';
          const hit = p.literal ? shown.includes(p.source) : new RegExp(p.source).test(shown);
          return hit ? shown : false;
        },
        { timeout: options.timeoutMs ?? DEFAULT_WAIT_MS, polling: 250 },
        ts,
        where,
        pattern,
      );
      return (await handle.jsonValue()) as string;
    } catch (error) {
      const shown = where === 'message' ? await this.messageText(ts) : await this.threadText(ts);
      throw new Error(`timed out waiting for ${description}; it shows: ${shown.slice(-1500)}`, {
        cause: error,
      });
    }
  }

  /**
   * Clicks the button labelled `label` in a message (or, with `inThread`, the newest such button in its thread)
   * the way a person does: with the mouse, where the button is drawn now.
   */
  async clickButton(
    ts: string,
    label: string,
    options: { inThread?: boolean } & WaitOptions = {},
  ): Promise<void> {
    const scope = options.inThread
      ? `#timeline > .msg[data-ts="${ts}"] .thread .msg`
      : `#timeline > .msg[data-ts="${ts}"] > .content > .body`;
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_WAIT_MS);
    for (;;) {
      const buttons = await this.page.$$(`${scope} button.bk-btn`);
      let target: ElementHandle | undefined;
      for (const button of buttons.reverse()) {
        const text = await button.evaluate((b) => b.textContent?.trim() ?? '').catch(() => '');
        if (!target && text === label) target = button;
        else await button.dispose();
      }
      if (target) {
        try {
          await target.scrollIntoView();
          await target.click();
          return;
        } catch (error) {
          // Redrawn between finding and clicking: find it again.
          if (Date.now() > deadline) throw error;
        } finally {
          await target.dispose();
        }
      }
      if (Date.now() > deadline) throw new Error(`no "${label}" button showed in message ${ts}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * Clicks a button that asks for confirmation, and confirms: returns the question's text. A click the page did
   * not take (the channel redrawn under the pointer) is clicked again, as a person would when nothing opens.
   */
  async clickAndConfirm(
    ts: string,
    label: string,
    options: { inThread?: boolean } & WaitOptions = {},
  ): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      await this.clickButton(ts, label, options);
      const asked = await this.page
        .waitForSelector(SEL.confirm, { timeout: attempt < 3 ? 5_000 : DEFAULT_WAIT_MS })
        .catch(() => null);
      if (asked) {
        await asked.dispose();
        break;
      }
      if (attempt >= 3) throw new Error(`"${label}" opened no confirmation after ${attempt} clicks`);
    }
    const text = await this.page.$eval(SEL.confirm, (d) => d.textContent ?? '');
    await this.page.click(SEL.confirmYes);
    await this.page.waitForSelector(SEL.confirm, { hidden: true });
    return text;
  }

  /** The images of a thread, each scrolled to (they load lazily, as a person scrolling would load them). */
  async threadImages(ts: string): Promise<Array<{ alt: string; loaded: boolean }>> {
    const selector = `#timeline > .msg[data-ts="${ts}"] .thread img`;
    const count = (await this.page.$$(selector)).length;
    const images: Array<{ alt: string; loaded: boolean }> = [];
    for (let i = 0; i < count; i++) {
      const shown = await this.page.evaluate(
        async (sel: string, index: number) => {
          const img = document.querySelectorAll<HTMLImageElement>(sel)[index];
          if (!img) return null;
          img.scrollIntoView({ block: 'center' });
          if (!img.complete) {
            await new Promise((resolve) => {
              img.addEventListener('load', resolve, { once: true });
              img.addEventListener('error', resolve, { once: true });
            });
          }
          return { alt: img.alt, loaded: img.naturalWidth > 0 };
        },
        selector,
        i,
      );
      if (shown) images.push(shown);
    }
    return images;
  }

  // Notices

  /** Waits for a refusal or notice shown to this person: a toast, or an ephemeral ("Only visible to you"). */
  async waitForNotice(text: string, options: WaitOptions = {}): Promise<string> {
    const handle = await this.page.waitForFunction(
      (wanted: string) => {
        const places = [
          ...document.querySelectorAll('#toasts .toast'),
          ...document.querySelectorAll('#timeline .msg.ephemeral'),
        ];
        return places.map((p) => p.textContent ?? '').find((t) => t.includes(wanted)) ?? false;
      },
      { timeout: options.timeoutMs ?? DEFAULT_WAIT_MS, polling: 100 },
      text,
    );
    return (await handle.jsonValue()) as string;
  }

  // Modals

  /** Waits for the bot's modal titled `title`; returns its text. */
  async waitForModal(title: string, options: WaitOptions = {}): Promise<string> {
    const handle = await this.page.waitForFunction(
      (wanted: string) => {
        const dialog = document.querySelector('#modal-root .dialog');
        return dialog?.querySelector('h2')?.textContent === wanted ? (dialog.textContent ?? '') : false;
      },
      { timeout: options.timeoutMs ?? DEFAULT_WAIT_MS, polling: 100 },
      title,
    );
    return (await handle.jsonValue()) as string;
  }

  /** Types `value` into the modal's field labelled `label`, then presses its submit button. */
  async fillAndSubmitModal(label: string, value: string): Promise<void> {
    const id = await this.page.$$eval(
      '#modal-root .input-block label',
      (labels, wanted) => labels.find((l) => l.textContent?.startsWith(wanted))?.getAttribute('for') ?? '',
      label,
    );
    if (!id) throw new Error(`the modal has no field labelled "${label}"`);
    const field = await this.page.$(`#modal-root [id="${id}"]`);
    if (!field) throw new Error(`the modal's "${label}" field is not there`);
    await field.click();
    await field.type(value);
    await field.dispose();
    await this.page.click(SEL.modalSubmit);
  }

  async waitForModalClosed(options: WaitOptions = {}): Promise<void> {
    await this.page.waitForSelector(SEL.modal, {
      hidden: true,
      timeout: options.timeoutMs ?? DEFAULT_WAIT_MS,
    });
  }

  // Side panels

  /** The side list's entry for an account, as shown now. */
  async shownAccount(id: string): Promise<ShownAccount | undefined> {
    return this.page.evaluate((accountId) => {
      const button = document.querySelector(
        `#accounts button.account[data-account="${CSS.escape(accountId)}"]`,
      );
      if (!button) return undefined;
      return {
        id: accountId,
        text: button.textContent ?? '',
        deletable: button.classList.contains('deletable'),
      };
    }, id);
  }

  /** Waits until the side list shows the account so that `accept` holds. */
  async waitForAccount(
    id: string,
    accept: (shown: ShownAccount) => boolean,
    what: string,
    options: WaitOptions = {},
  ): Promise<ShownAccount> {
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_WAIT_MS);
    let last: ShownAccount | undefined;
    for (;;) {
      last = await this.shownAccount(id);
      if (last && accept(last)) return last;
      if (Date.now() > deadline) {
        throw new Error(`the side list never showed ${id} as ${what}; it shows: ${last?.text ?? 'nothing'}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** The outside-world panel's entries, newest first. */
  async activity(): Promise<string[]> {
    return this.page.$$eval(`${SEL.activity} li`, (items) => items.map((i) => i.textContent ?? ''));
  }

  /** Waits for an outside-world entry that matches `pattern`; returns it. */
  async waitForActivity(pattern: RegExp, options: WaitOptions = {}): Promise<string> {
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_WAIT_MS);
    for (;;) {
      const items = await this.activity();
      const hit = items.find((item) => pattern.test(item));
      if (hit) return hit;
      if (Date.now() > deadline) {
        throw new Error(`the outside-world panel never showed ${pattern}; it shows: ${items.join(' | ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /**
   * Sets the realism knob labelled `label` as a person does: clicks its field, types the new value, and leaves
   * the field (Tab); waits for the page to confirm the change ("<label>: now <value>").
   */
  async setKnob(label: string, value: number): Promise<void> {
    const id = await this.page.waitForFunction(
      (wanted: string) =>
        [...document.querySelectorAll('#realism label.knob-label')]
          .find((l) => l.textContent === wanted)
          ?.getAttribute('for') ?? false,
      { timeout: DEFAULT_WAIT_MS },
      label,
    );
    const field = await this.page.$(`#realism [id="${(await id.jsonValue()) as string}"]`);
    if (!field) throw new Error(`the realism panel has no "${label}" field`);
    await field.click({ count: 3 });
    await field.press('Backspace');
    await field.type(String(value));
    await field.press('Tab');
    await field.dispose();
    await this.waitForNotice(`${label}: now ${value}`);
  }

  private async waitFor(probe: () => boolean, description: string, options: WaitOptions = {}): Promise<void> {
    try {
      await this.page.waitForFunction(probe, { timeout: options.timeoutMs ?? DEFAULT_WAIT_MS, polling: 100 });
    } catch (error) {
      throw new Error(`timed out waiting for ${description}`, { cause: error });
    }
  }
}
