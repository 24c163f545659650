import { afterAll, beforeAll, expect, it } from 'vitest';
import { LOCAL_PEOPLE, type LocalStack, startLocalStack, startSocketModeStack } from '../../src/local/stack';

// `npm start` as a person uses it: the playground over HTTP, the bot and pipeline behind it, moto for AWS.
let stack: LocalStack;
const savedEnv = { ...process.env };
beforeAll(async () => {
  stack = await startLocalStack({ port: 0 });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  process.env = savedEnv;
});

const post = async (path: string, body: unknown) => {
  const response = await fetch(new URL(path, stack.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

interface StateMessage {
  ts: string;
  text: string;
  blocks?: Array<{
    type: string;
    block_id?: string;
    elements?: Array<{ action_id?: string; value?: string }>;
  }>;
  replies: Array<{ text: string }>;
}
const messages = async (user: string): Promise<StateMessage[]> => {
  const response = await fetch(new URL(`/playground/state?user=${user}`, stack.url));
  return ((await response.json()) as { messages: StateMessage[] }).messages;
};

function approveButton(list: readonly StateMessage[]) {
  for (const message of list) {
    for (const block of message.blocks ?? []) {
      const button = block.elements?.find((e) => e.action_id === 'teardown_approve');
      if (button) return { ts: message.ts, blockId: block.block_id, value: button.value };
    }
  }
  return undefined;
}

it('serves the playground and tears a sandbox account down from a command and an approval', async () => {
  const page = await fetch(stack.url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<html');

  const account = stack.org.accounts.sandbox1;
  const ack = await post('/playground/command', {
    user: LOCAL_PEOPLE.alice.id,
    text: `delete ${account.id} demo over`,
  });
  expect(ack.status).toBe(200);
  expect(String(ack.body.body)).toContain(`Teardown of ${account.id} requested`);

  const approve = await stack.sim.waitFor(
    () => approveButton(stack.sim.messages('C0SANDBOX') as readonly StateMessage[]),
    {
      timeoutMs: 20_000,
      description: 'the Approve button',
    },
  );
  const click = await post('/playground/action', {
    user: LOCAL_PEOPLE.bob.id,
    messageTs: approve.ts,
    actionId: 'teardown_approve',
    value: approve.value,
    blockId: approve.blockId,
  });
  expect(click.status).toBe(200);

  await stack.sim.waitFor(
    () => stack.sim.messages('C0SANDBOX')[0]?.replies.at(-1)?.text.includes('Succeeded'),
    {
      timeoutMs: 30_000,
      description: 'the closing summary in the thread',
    },
  );
  const [request] = await messages(LOCAL_PEOPLE.bob.id);
  expect(request?.text).toMatch(/succeeded$/);
  expect(request?.replies.at(-1)?.text).toContain('Succeeded');
  expect(request?.replies.map((r) => r.text).join('\n')).toContain('state SUSPENDED');
}, 60_000);

it('forwards Slack requests on /slack/events to the bot, which refuses a forged signature', async () => {
  const response = await fetch(stack.eventsUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
      'x-slack-signature': `v0=${'0'.repeat(64)}`,
    },
    body: 'command=%2Fsandbox&text=help&user_id=U0ALICE',
  });
  expect(response.status).toBe(401);
});

it('refuses to join a real workspace by Socket Mode without the bot token, naming what is missing', async () => {
  const saved = { ...process.env };
  try {
    Object.assign(process.env, { SLACK_APP_TOKEN: 'xapp-1-A1-local', SLACK_SIGNING_SECRET: 'a'.repeat(32) });
    delete process.env.SLACK_BOT_TOKEN;
    await expect(startSocketModeStack()).rejects.toThrow('SLACK_BOT_TOKEN is required but not set');
  } finally {
    process.env = saved;
  }
});
