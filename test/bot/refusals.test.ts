import { afterEach, describe, expect, it } from 'vitest';
import { AwsCallError } from '../../src/common/errors';
import { ACTION } from '../../src/slack/ids';
import { captureOutputOf } from '../common/capture-output';
import { type BotHarness, CHANNEL, createBotHarness, PEOPLE } from './support/bot-harness';
import { answersTo, buttons, lastAnswer, requestMessage, visible } from './support/slack-record';

let h: BotHarness;
afterEach(async () => h?.close());

/** Teardown records in the table (idempotency keys aside). */
async function teardownRecords(): Promise<Array<Record<string, unknown>>> {
  return (await h.scanTable()).filter((item) => item.sk === 'TEARDOWN');
}

describe('refusals of /sandbox delete: ephemeral, with the reason, and nothing created', () => {
  it.each([
    [
      'the management account',
      (x: BotHarness) => x.org.managementAccountId,
      /management account; it is never torn down/,
    ],
    [
      'an account in Production',
      (x: BotHarness) => x.org.accounts.production.id,
      /is in Root \/ Production, where teardown is not allowed/,
    ],
    [
      'a protected account',
      (x: BotHarness) => x.org.accounts.protectedSandbox.id,
      /protected by its tag teardown:protect=true/,
    ],
    ['an unknown account', () => '000000000001', /000000000001 is not an account of this organization/],
  ])('refuses %s', async (_what, account, reason) => {
    h = await createBotHarness();
    const res = await h.command(`delete ${account(h)}`);
    expect(res.status).toBe(200);
    expect(lastAnswer(h.sim, PEOPLE.requester)).toMatch(reason);
    expect(answersTo(h.sim, PEOPLE.requester)[0]?.source).toBe('command_response');
    await h.settle();
    expect(h.sim.messages(CHANNEL)).toEqual([]);
    expect(await teardownRecords()).toEqual([]);
  });

  it('refuses a second request while one is running', async () => {
    h = await createBotHarness();
    const { id } = h.org.accounts.sandbox1;
    await h.command(`delete ${id}`);
    await h.settle();
    await h.command(`delete ${id} again`, PEOPLE.groupRequester);
    expect(lastAnswer(h.sim, PEOPLE.groupRequester)).toContain(
      `A teardown of ${id} is already running (step approval).`,
    );
    expect(h.sim.messages(CHANNEL)).toHaveLength(1);
    expect(await teardownRecords()).toHaveLength(1);
  });

  it('refuses people who are not requesters, and malformed commands, showing the right form', async () => {
    h = await createBotHarness();
    await h.command(`delete ${h.org.accounts.sandbox1.id}`, PEOPLE.approver);
    expect(lastAnswer(h.sim, PEOPLE.approver)).toContain('Only configured requesters may ask for teardowns');
    await h.command('delete 12345');
    expect(lastAnswer(h.sim, PEOPLE.requester)).toContain(
      '\\"12345\\" has 5 digits; an AWS account id has exactly 12 (keep leading zeros).\\nUsage: `/sandbox delete <account-id> [--remove] [--dry-run] [reason…]`',
    );
    await h.command(`delete ${h.org.accounts.sandbox1.id} --now`);
    expect(lastAnswer(h.sim, PEOPLE.requester)).toContain('Unknown option `--now`');
    await h.settle();
    expect(h.sim.messages(CHANNEL)).toEqual([]);
    expect(await teardownRecords()).toEqual([]);
  });

  it('refuses --remove while this deployment cannot run the remove path, creating nothing', async () => {
    h = await createBotHarness();
    await h.command(`delete ${h.org.accounts.sandbox1.id} --remove`);
    const answer = lastAnswer(h.sim, PEOPLE.requester);
    expect(answer).toContain('The `remove` strategy cannot run in this deployment yet: nothing here can');
    expect(answer).toContain('_request a root password reset_');
    expect(answer).toContain('Nothing was requested.');
    // People read titles, not step ids.
    expect(answer).not.toMatch(/request-reset|allow-password-recovery|remove-from-org/);
    await h.settle();
    expect(h.sim.messages(CHANNEL)).toEqual([]);
    expect(await teardownRecords()).toEqual([]);
  });

  it('lets a member of the requesters user group ask', async () => {
    h = await createBotHarness();
    await h.command(`delete ${h.org.accounts.sandbox2.id}`, PEOPLE.groupRequester);
    expect(lastAnswer(h.sim, PEOPLE.groupRequester)).toContain('requested');
    expect(h.sim.callsTo('usergroups.users.list')[0]?.args).toMatchObject({ usergroup: 'S0REQUESTERS' });
  });
});

describe('--dry-run', () => {
  it('shows preflight and the plan to the requester only, and changes nothing', async () => {
    h = await createBotHarness();
    const { id } = h.org.accounts.teamA;
    await h.command(`delete ${id} --dry-run --remove`);
    const answer = lastAnswer(h.sim, PEOPLE.requester);
    for (const part of [
      'Dry run',
      'sandbox-team-a-1',
      's***-team-a-1@sandboxes.example.com',
      'Root / Sandbox / Team A',
      'Plan (12 steps)',
      'Remove the account from the organization',
    ]) {
      expect(answer).toContain(part);
    }
    // A dry run says what the real request would do: this deployment cannot run the remove path yet.
    expect(answer).toContain('A real request would be refused.');
    expect(answer).toContain('The `remove` strategy cannot run in this deployment yet');
    await h.command(`delete ${id} --dry-run`);
    const close = lastAnswer(h.sim, PEOPLE.requester);
    expect(close).toContain('close quota: 0 used, 250 left of 250');
    expect(close).not.toContain('would be refused');
    await h.command(`delete ${h.org.accounts.production.id} --dry-run`);
    expect(lastAnswer(h.sim, PEOPLE.requester)).toContain('where teardown is not allowed');
    await h.settle();
    expect(h.sim.messages(CHANNEL)).toEqual([]);
    expect(await teardownRecords()).toEqual([]);
    expect(h.dispatcher.dispatched).toBe(0);
  });
});

describe('approval', () => {
  async function requested(): Promise<string> {
    await h.command(`delete ${h.org.accounts.sandbox1.id}`);
    await h.settle();
    return requestMessage(h.sim)!.ts;
  }

  it('refuses anyone but an approver, leaving the request as it was', async () => {
    h = await createBotHarness();
    const ts = await requested();
    const before = visible(h.sim.message(CHANNEL, ts));
    await h.click(PEOPLE.bystander, ts, ACTION.approve);
    expect(lastAnswer(h.sim, PEOPLE.bystander)).toContain('Only configured approvers may approve');
    await h.click(PEOPLE.groupRequester, ts, ACTION.deny);
    expect(lastAnswer(h.sim, PEOPLE.groupRequester)).toContain('Only configured approvers may approve');
    await h.settle();
    expect(visible(h.sim.message(CHANNEL, ts))).toBe(before);
    expect(await h.teardown(h.org.accounts.sandbox1.id)).toMatchObject({
      step: 'approval',
      stepStatus: 'waiting',
    });
  });

  it('never lets an approver approve their own request', async () => {
    h = await createBotHarness({ env: { TEARDOWN_APPROVERS: `${PEOPLE.approver},${PEOPLE.requester}` } });
    const ts = await requested();
    await h.click(PEOPLE.requester, ts, ACTION.approve);
    expect(lastAnswer(h.sim, PEOPLE.requester)).toContain(
      'You asked for this teardown; someone else has to approve or deny it.',
    );
    expect(buttons(h.sim.message(CHANNEL, ts))).toEqual([ACTION.approve, ACTION.deny]);
    expect(await h.teardown(h.org.accounts.sandbox1.id)).toMatchObject({ stepStatus: 'waiting' });
  });

  it('tells a late clicker the request was already decided', async () => {
    h = await createBotHarness();
    const ts = await requested();
    await h.click(PEOPLE.approver, ts, ACTION.deny);
    // The button is gone for everyone now; a click from a client that still shows it changes nothing.
    const stale = await h.sim.sendRaw(h.sim.deliveries.at(-1)!.request);
    expect(stale.status).toBe(200);
    expect(lastAnswer(h.sim, PEOPLE.approver)).toContain(
      'This request was already denied by <@UAPPROVER1>; your click changed nothing.',
    );
    expect(await h.teardown(h.org.accounts.sandbox1.id)).toMatchObject({ status: 'denied' });
  });
});

describe('status, list, cancel and help', () => {
  it('shows status with a thread link, the list of active teardowns, and help', async () => {
    h = await createBotHarness();
    const { id } = h.org.accounts.sandbox1;
    await h.command(`delete ${id}`);
    await h.settle();
    const ts = requestMessage(h.sim)!.ts;
    await h.command(`status ${id}`);
    const status = lastAnswer(h.sim, PEOPLE.requester);
    expect(status).toContain('Step 2 of 5:* Wait for a second person to approve — waiting for an approver ·');
    expect(status).toContain(`https://sim-workspace.slack.com/archives/${CHANNEL}/p${ts.replace('.', '')}`);
    await h.command('list', PEOPLE.approver);
    expect(lastAnswer(h.sim, PEOPLE.approver)).toContain(`Teardowns in progress (1)`);
    expect(lastAnswer(h.sim, PEOPLE.approver)).toContain(`sandbox-alice (\`${id}\`) — step 2 of 5`);
    await h.command('status 000000000001');
    expect(lastAnswer(h.sim, PEOPLE.requester)).toContain('There is no teardown of `000000000001`.');
    await h.command('list', PEOPLE.bystander);
    expect(lastAnswer(h.sim, PEOPLE.bystander)).toContain(
      'Only configured requesters and approvers may use /sandbox.',
    );
    await h.command('help', PEOPLE.bystander);
    const help = lastAnswer(h.sim, PEOPLE.bystander);
    expect(help).toContain('/sandbox delete <account-id> [--remove] [--dry-run] [reason…]');
    // Help says plainly that --remove cannot run here yet.
    expect(help).toContain(':construction: The `remove` strategy cannot run in this deployment yet');
  });

  it('cancels after a confirmation, for the requester or an approver only', async () => {
    h = await createBotHarness();
    const { id } = h.org.accounts.sandbox1;
    await h.command(`delete ${id}`);
    await h.settle();
    await h.command(`cancel ${id}`, PEOPLE.bystander);
    expect(lastAnswer(h.sim, PEOPLE.bystander)).toContain(
      'Only the requester of this teardown or an approver may cancel it.',
    );
    await h.command(`cancel ${id}`);
    const confirm = answersTo(h.sim, PEOPLE.requester).at(-1)!;
    expect(buttons(confirm)).toEqual([ACTION.cancel]);
    expect(JSON.stringify(confirm.blocks)).toContain(
      '"confirm":{"title":{"type":"plain_text","text":"Cancel teardown?"}',
    );
    expect(await h.teardown(id)).toMatchObject({ status: 'active' });
    await h.click(PEOPLE.requester, confirm.message_ts, ACTION.cancel);
    await h.settle();
    expect(await h.teardown(id)).toMatchObject({
      status: 'cancelled',
      outcome: `Cancelled by ${PEOPLE.requester}.`,
    });
    expect(h.sim.responses.at(-1)).toMatchObject({ outcome: 'replaced' });
    const root = requestMessage(h.sim)!;
    expect(buttons(root)).toEqual([]);
    expect(visible(root)).toContain(
      `:octagonal_sign: *Cancelled* by <@${PEOPLE.requester}> at step 2 of 5 (Wait for a second person to approve)`,
    );
    await h.command(`cancel ${id}`);
    expect(lastAnswer(h.sim, PEOPLE.requester)).toContain(
      `There is no teardown of \`${id}\` in progress to cancel.`,
    );
  });
});

// Regression: a failed hand-off after the request was saved used to answer "Not started" for a teardown that
// existed and later ran.
describe('a request saved while the pipeline cannot be reached', () => {
  it('answers with the request, keeps the message live, and starts later through the sweeper', async () => {
    h = await createBotHarness();
    const { id } = h.org.accounts.sandbox1;
    const dispatch = h.dispatcher.dispatch.bind(h.dispatcher);
    h.dispatcher.dispatch = async () => {
      throw new AwsCallError('Invoking sandbox-teardown-pipeline failed: ServiceException: down');
    };
    const { json } = await captureOutputOf(() => h.command(`delete ${id}`));
    expect(json.map((line) => line.message)).toContain(
      'hand-off failed; the sweeper will pick the teardown up',
    );
    const answer = lastAnswer(h.sim, PEOPLE.requester);
    expect(answer).toContain('requested; an approver other than you has to approve it');
    expect(answer).toContain(
      'Preflight starts within a few minutes (the pipeline could not be reached at once).',
    );
    expect(visible(requestMessage(h.sim))).not.toContain('Not started');
    expect(await h.teardown(id)).toMatchObject({
      status: 'active',
      step: 'preflight',
      stepStatus: 'pending',
    });

    h.dispatcher.dispatch = dispatch;
    h.advanceClock(61_000);
    await h.pipeline.sweep();
    await h.settle();
    expect(await h.teardown(id)).toMatchObject({ step: 'approval', stepStatus: 'waiting' });
    expect(buttons(requestMessage(h.sim))).toEqual([ACTION.approve, ACTION.deny]);
  });
});

// Regression: a write that reported an error after DynamoDB had applied it was shown as "Not started".
describe('a request whose save reported an error but was applied', () => {
  it('answers with the request and keeps the message live', async () => {
    h = await createBotHarness();
    const { id } = h.org.accounts.sandbox1;
    const create = h.ports.teardowns.create.bind(h.ports.teardowns);
    h.ports.teardowns.create = async (teardown, event) => {
      await create(teardown, event);
      throw new AwsCallError('Saving the new teardown failed: TimeoutError: socket hang up', {
        retryable: true,
      });
    };
    await captureOutputOf(() => h.command(`delete ${id}`));
    expect(lastAnswer(h.sim, PEOPLE.requester)).toContain(
      'requested; an approver other than you has to approve it',
    );
    expect(visible(requestMessage(h.sim))).not.toContain('Not started');
    h.advanceClock(61_000);
    await h.pipeline.sweep();
    await h.settle();
    expect(buttons(requestMessage(h.sim))).toEqual([ACTION.approve, ACTION.deny]);
  });
});
