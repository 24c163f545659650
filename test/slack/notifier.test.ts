import { OrganizationsClient, TagResourceCommand } from '@aws-sdk/client-organizations';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsCallError } from '../../src/common/errors';
import { closeViaApiStep } from '../../src/pipeline/steps/close-via-api';
import { ACTION } from '../../src/slack/ids';
import { type BotHarness, CHANNEL, createBotHarness, PEOPLE } from '../bot/support/bot-harness';
import { lastAnswer, requestMessage, visible } from '../bot/support/slack-record';

let h: BotHarness;
afterEach(async () => h?.close());

describe('the Slack notifier', () => {
  it('tells the requester privately when the pipeline refuses what the command accepted', async () => {
    h = await createBotHarness();
    const { id } = h.org.accounts.sandbox1;
    await h.command(`delete ${id}`);
    // Someone protects the account between the command and the pipeline's own preflight.
    const orgs = new OrganizationsClient({});
    await orgs.send(
      new TagResourceCommand({ ResourceId: id, Tags: [{ Key: 'teardown:protect', Value: 'yes' }] }),
    );
    orgs.destroy();
    await h.settle();
    expect(await h.teardown(id)).toMatchObject({ status: 'refused' });
    expect(lastAnswer(h.sim, PEOPLE.requester)).toContain(
      `was refused: ${id} (sandbox-alice) is protected by its tag teardown:protect=yes.`,
    );
    expect(h.sim.ephemerals(CHANNEL, PEOPLE.requester).at(-1)?.source).toBe('chat.postEphemeral');
    expect(visible(requestMessage(h.sim))).toContain('*Refused* at step 1 of 5');
  });

  it('shows the last error while a step retries, and never a secret', async () => {
    let runs = 0;
    h = await createBotHarness({
      handlers: {
        'close-via-api': {
          async run(ctx) {
            runs++;
            if (runs === 1) {
              throw new AwsCallError(
                'CloseAccount failed: ThrottlingException (token xoxb-12345-secret, see https://signin.aws.amazon.com/resetpassword?token=abc)',
                { retryable: true },
              );
            }
            const closed = await closeViaApiStep(h.ports).run(ctx);
            return {
              ...closed,
              note: 'CloseAccount accepted; root password=hunter2 card 4111 1111 1111 1111',
            };
          },
        },
      },
    });
    const { id } = h.org.accounts.sandbox2;
    await h.command(`delete ${id}`);
    await h.settle();
    const root = requestMessage(h.sim)!;
    await h.click(PEOPLE.approver, root.ts, ACTION.approve);
    await h.settle();
    const retrying = visible(h.sim.message(CHANNEL, root.ts));
    expect(retrying).toContain(
      'Step 3 of 5:* Close the account through Organizations — waiting: retry 1 of 4 after an error',
    );
    expect(retrying).toContain(
      'Last error: CloseAccount failed: ThrottlingException (token [REDACTED-TOKEN], see [REDACTED-LINK]',
    );

    await h.runAllTimers();
    expect(await h.teardown(id)).toMatchObject({ status: 'succeeded' });
    const reply = h.sim.thread(CHANNEL, root.ts).find((m) => m.text.includes('Step 3 of 5'));
    expect(reply?.text).toContain('root password=[REDACTED] card [REDACTED-CARD]');
    const everything = JSON.stringify([h.sim.calls.map((c) => c.args), h.sim.ephemerals()]);
    for (const secret of ['xoxb-12345-secret', 'token=abc', 'hunter2', '4111 1111 1111 1111']) {
      expect(everything).not.toContain(secret);
    }
  });
});
