// The whole remove path on the simulators, in real Chromium: a Slack request and approval, CAPTCHA, the reset
// mail through the mail intake, the billing sign-up wizard with the company card, the phone verification (AWS
// calls and our contact flow keys the PIN in, or AWS texts a code to our two-way number), the removal through
// Organizations (moto, behind the console simulator's front), closing as root, and cleanup.
import { DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterEach, describe, expect, it } from 'vitest';
import type { Verification } from '../../sim/console';
import { CHANNEL } from '../bot/support/bot-harness';
import { TEST_CARD } from '../support/console-rig';
import { ocr } from '../support/ocr';
import { type RemovePathWorld, removePathWorld } from './remove-path-world';

let w: RemovePathWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function isMember(id: string): Promise<boolean> {
  try {
    await new OrganizationsClient({ endpoint: process.env.AWS_ENDPOINT_URL }).send(
      new DescribeAccountCommand({ AccountId: id }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'AccountNotFoundException') return false;
    throw error;
  }
}

const BROWSER_STEPS = [
  'request-reset',
  'set-password',
  'sign-in',
  'complete-signup',
  'verify-phone',
  'close-as-root',
];

describe.each<Verification>(['pin', 'code-sms'])(
  'the remove path, phone verification by %s',
  (verification) => {
    it('goes from approval to a closed, removed account, every step shown in the thread', async () => {
      w = await removePathWorld({ accounts: { verification }, sim: { captcha: 'always' } });
      const { id } = w.h.org.accounts.sandbox1;
      const thread = await w.requestApprovedRemoval(id);
      expect((await w.teardown(id)).step).toBe('await-reset-mail');
      await w.deliverMails();

      const t = await w.teardown(id);
      expect(t, t.lastError ?? t.wait?.reason).toMatchObject({ status: 'succeeded' });
      // Organizations: gone from the organization. The simulated AWS: signed up, verified, closed by its root.
      expect(await isMember(id)).toBe(false);
      const account = w.rig.sim.account(id);
      expect(account).toMatchObject({
        removed: true,
        closed: true,
        cardLast4: TEST_CARD.number.slice(-4),
        supportPlan: 'basic',
        verifiedPhone: '+15550100',
        signup: { contact: true, payment: true, phone: true, support: true, agreement: true },
      });
      if (verification === 'pin') {
        // AWS's call heard the PIN the page showed, keyed in by our contact flow.
        const [call] = w.phone.calls();
        expect(call).toMatchObject({ to: '+15550100', ended: expect.any(String) });
        expect(call?.digits).toMatch(/^\d{4}$/);
        expect(w.phone.messages()).toEqual([]);
      } else {
        expect(w.phone.messages()).toMatchObject([{ to: '+15550100', delivery: 'delivered' }]);
        expect(w.phone.calls()).toEqual([]);
      }

      // Every browser step's screenshot is in the request's thread.
      const shots = w.h.sim.files.filter((f) => f.thread_ts === thread && f.filename.endsWith('.png'));
      for (const step of BROWSER_STEPS) {
        expect(
          shots.map((f) => f.filename).some((name) => name.includes(step)),
          `${step}'s screenshot`,
        ).toBe(true);
      }
      // The billing page as filled in: readable, and without a digit of the card.
      const payment = shots.find((f) => f.filename.includes('complete-signup-payment'));
      expect(payment).toBeDefined();
      const read = await ocr(payment?.bytes ?? new Uint8Array());
      expect(read).toMatch(/Billinginformation/i);
      for (const secret of ['4111', '1111', TEST_CARD.cvv ?? '737']) expect(read).not.toContain(secret);
      // Nothing secret in any message of the thread.
      const texts = w.h.sim.thread(CHANNEL, thread).map((m) => JSON.stringify(m));
      expect(texts.join('\n')).not.toMatch(/4111111111111111|resetpassword\?|token=/);
      // Cleanup: the line is free, sessions gone; the root password kept for the post-closure period.
      expect(await w.h.ports.phoneLines.holderOf('+15550100', w.h.now())).toBeUndefined();
      expect(await w.rig.sessions.load(t.teardownId, id as never)).toBeUndefined();
      expect(await w.rig.credentials.password(id as never)).toBe(account?.password);
      expect(t.outcome).toMatch(
        /removed from the organization and closed \(state SUSPENDED\); step times: preflight/,
      );
    });
  },
);
