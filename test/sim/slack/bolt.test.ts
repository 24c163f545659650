import { afterEach, describe, expect, it } from 'vitest';
import type { SlackSim } from '../../../sim/slack';
import { startBoltOnSim } from './helpers';

const C = 'C0SANDBOX';
const SECRET = 'bolt-signing-secret';

let sim: SlackSim;
afterEach(async () => {
  await sim?.close();
});

describe('a Bolt app on AwsLambdaReceiver against the sim', () => {
  it('runs slash command -> modal -> submission -> message -> button -> respond', async () => {
    const bolt = await startBoltOnSim({ signingSecret: SECRET, users: [{ id: 'U1', name: 'ada' }] });
    ({ sim } = bolt);
    const { app } = bolt;
    app.command('/teardown', async ({ ack, body, client }) => {
      await ack();
      await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'confirm',
          private_metadata: body.channel_id,
          title: { type: 'plain_text', text: 'Tear down' },
          submit: { type: 'plain_text', text: 'Go' },
          blocks: [
            {
              type: 'input',
              block_id: 'account',
              label: { type: 'plain_text', text: 'Account' },
              element: { type: 'plain_text_input', action_id: 'id', initial_value: body.text },
            },
          ],
        },
      });
    });
    app.view('confirm', async ({ ack, view, client }) => {
      await ack();
      const account = view.state.values.account?.id?.value ?? '';
      await client.chat.postMessage({
        channel: view.private_metadata,
        text: `Approve teardown of ${account}?`,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `Approve teardown of *${account}*?` } },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: 'approve',
                value: account,
                text: { type: 'plain_text', text: 'Approve' },
              },
            ],
          },
        ],
      });
    });
    app.action('approve', async ({ ack, respond, action }) => {
      await ack();
      await respond({ replace_original: true, text: `Approved ${'value' in action ? action.value : ''}` });
    });
    await bolt.start();

    const command = await sim.sendSlashCommand({
      command: '/teardown',
      text: '123456789012',
      userId: 'U1',
      channelId: C,
    });
    expect(command.status).toBe(200);
    const view = await sim.waitFor((s) => s.views.find((v) => v.callback_id === 'confirm'));
    expect(view.private_metadata).toBe(C);

    const submitted = await sim.sendViewSubmission({
      userId: 'U1',
      view: view.id,
      values: { account: { id: '123456789012' } },
    });
    expect(submitted.status).toBe(200);
    const message = await sim.waitFor((s) => s.messages(C)[0]);
    expect(message.text).toBe('Approve teardown of 123456789012?');
    expect(sim.view(view.id)?.state).toBe('closed');

    const clicked = await sim.sendBlockAction({
      userId: 'U1',
      channelId: C,
      messageTs: message.ts,
      actionId: 'approve',
    });
    expect(clicked.status).toBe(200);
    await sim.waitFor((s) => s.message(C, message.ts)?.text === 'Approved 123456789012');
    expect(sim.calls.filter((c) => !c.ok)).toEqual([]);
  });

  it('rejects requests with a forged signature (401) before any listener runs', async () => {
    const bolt = await startBoltOnSim({ signingSecret: SECRET });
    ({ sim } = bolt);
    const { app } = bolt;
    let ran = 0;
    app.command('/teardown', async ({ ack }) => {
      ran++;
      await ack();
    });
    await bolt.start();

    const forged = await sim.sendSlashCommand({
      command: '/teardown',
      userId: 'U1',
      channelId: C,
      sign: { secret: 'nope' },
    });
    const stale = await sim.sendSlashCommand({
      command: '/teardown',
      userId: 'U1',
      channelId: C,
      sign: { timestamp: Math.floor(Date.now() / 1000) - 301 - 60 },
    });
    const genuine = await sim.sendSlashCommand({ command: '/teardown', userId: 'U1', channelId: C });
    expect([forged.status, stale.status, genuine.status]).toEqual([401, 401, 200]);
    expect(ran).toBe(1);
  });
});
