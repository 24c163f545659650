// `npm start` as a person and an outside simulator use it: the playground and the bot over HTTP, the SMTP mail
// door, the phone doors, the realism knobs, the live account list, and everything stopped at the end.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSignature } from '../../sim/slack/signing';
import type { AccountId } from '../../src/common/account-id';
import { LOCAL_PEOPLE, type LocalStack, startLocalStack, startSocketModeStack } from '../../src/local/stack';
import { eventually } from '../support/eventually';

const run = promisify(execFile);
const SIGNING_SECRET = 'f'.repeat(32);
let stack: LocalStack;
let dir: string;
const savedEnv = { ...process.env };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stack-'));
  stack = await startLocalStack({
    port: 0,
    smtpPort: 0,
    env: { ...process.env, SLACK_SIGNING_SECRET: SIGNING_SECRET },
    realism: { captchaSolveMs: 0, mailDelayMs: 0, callMs: 0, pageLoadMs: 0 },
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  process.env = savedEnv;
  await rm(dir, { recursive: true, force: true });
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

function approveButton(list: readonly StateMessage[]) {
  for (const message of list) {
    for (const block of message.blocks ?? []) {
      const button = block.elements?.find((e) => e.action_id === 'teardown_approve');
      if (button) return { ts: message.ts, blockId: block.block_id, value: button.value };
    }
  }
  return undefined;
}

/** Whether something accepts TCP connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the whole system offline', () => {
  it('lists every demo account with its live state, a dozen sandbox accounts among them', async () => {
    const accounts = await stack.liveAccounts();
    const sandboxes = stack.demo.sandboxes;
    expect(sandboxes).toHaveLength(12);
    expect(sandboxes.filter((a) => a.protected)).toHaveLength(1);
    expect(sandboxes.filter((a) => a.ageDays < 4).map((a) => a.name)).toEqual(['sandbox-new-joiner']);
    expect(new Set(sandboxes.map((a) => a.ageDays)).size).toBeGreaterThan(8);
    expect(accounts.map((a) => a.id)).toEqual(
      expect.arrayContaining([...sandboxes.map((a) => a.id), stack.org.managementAccountId]),
    );
    const deletable = accounts.filter((a) => a.deletable).map((a) => a.id);
    expect(deletable).toHaveLength(11);
    expect(deletable).not.toContain(stack.org.managementAccountId);
    expect(deletable).not.toContain(stack.org.accounts.protectedSandbox.id);
    expect(deletable).not.toContain(stack.org.accounts.production.id);
    // The simulated AWS knows their ages: the young one may not leave yet.
    const young = sandboxes.find((a) => a.ageDays < 4);
    expect(Date.now() - (stack.world.console.account(young?.id ?? '')?.joinedAt ?? 0)).toBeLessThan(
      2 * 86_400_000,
    );
  });

  it('tears a sandbox account down by the close path, and the list then says it is closed', async () => {
    const account = stack.org.accounts.sandbox2;
    const ack = await post('/playground/command', {
      user: LOCAL_PEOPLE.alice.id,
      text: `delete ${account.id} demo over`,
    });
    expect(ack.status).toBe(200);
    expect(String(ack.body.body)).toContain(`Teardown of ${account.id} requested`);
    const approve = await stack.sim.waitFor(
      () => approveButton(stack.sim.messages('C0SANDBOX') as readonly StateMessage[]),
      { timeoutMs: 20_000, description: 'the Approve button' },
    );
    const click = await post('/playground/action', {
      user: LOCAL_PEOPLE.bob.id,
      messageTs: approve.ts,
      actionId: 'teardown_approve',
      value: approve.value,
      blockId: approve.blockId,
    });
    expect(click.status).toBe(200);
    await eventually(async () => (await stack.runtime.teardowns.get(account.id))?.status === 'succeeded', {
      timeoutMs: 30_000,
      description: 'the teardown to succeed',
    });
    const moto = new OrganizationsClient({ endpoint: process.env.AWS_ENDPOINT_URL });
    const { Account } = await moto.send(new DescribeAccountCommand({ AccountId: account.id }));
    expect(Account?.State ?? Account?.Status).toMatch(/SUSPENDED|PENDING_CLOSURE/);
    const listed = (await stack.liveAccounts()).find((a) => a.id === account.id);
    expect(listed).toMatchObject({ deletable: false });
    expect(listed?.state).toMatch(/SUSPENDED|PENDING_CLOSURE/);
  }, 60_000);

  it('honours SLACK_SIGNING_SECRET: a request signed with it is answered, a forged one refused', async () => {
    expect(stack.signingSecret).toBe(SIGNING_SECRET);
    expect(stack.signingSecretFromEnv).toBe(true);
    const body = new URLSearchParams({
      command: '/sandbox',
      text: 'help',
      user_id: LOCAL_PEOPLE.dave.id,
      user_name: 'dave',
      channel_id: 'C0SANDBOX',
      team_id: 'T0LOCAL',
      response_url: new URL('/playground/nowhere', stack.url).toString(),
      trigger_id: '1.2.3',
    }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const signed = await fetch(stack.eventsUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': computeSignature(SIGNING_SECRET, timestamp, body),
      },
      body,
    });
    expect(signed.status).toBe(200);
    expect(await signed.text()).toContain('/sandbox delete');
    const forged = await fetch(stack.eventsUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': `v0=${'0'.repeat(64)}`,
      },
      body,
    });
    expect(forged.status).toBe(401);
  });

  // Regression: the front door read a whole 2 MB unsigned body before anything looked at it, and answered 500.
  it('answers 413 to a 2 MB unsigned body without reading it whole, and goes on serving', async () => {
    const response = await fetch(stack.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(response.status).toBe(413);
    expect((await fetch(stack.url)).status).toBe(200);
  });

  it('takes mail by SMTP the way SES does: stored raw under inbound/, then the mail handler runs', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: stack.smtpPort,
      ignoreTLS: true,
    });
    const to = stack.org.accounts.sandbox1.email;
    const raw = [
      'From: "Amazon Web Services" <aws-marketing-email-replies@amazon.com>',
      `To: ${to}`,
      'Subject: New features this week',
      'Message-ID: <local-door-test@example.com>',
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello from the door test.',
      '',
    ].join('\r\n');
    const sent = await transport.sendMail({ envelope: { from: 'sender@example.com', to: [to] }, raw });
    transport.close();
    expect(sent.accepted).toEqual([to]);
    const s3 = new S3Client({ forcePathStyle: true });
    const { Contents } = await s3.send(
      new ListObjectsV2Command({ Bucket: 'sandbox-teardown-local-mail', Prefix: 'inbound/' }),
    );
    const bodies = await Promise.all(
      (Contents ?? []).map(async ({ Key }) =>
        (
          await s3.send(new GetObjectCommand({ Bucket: 'sandbox-teardown-local-mail', Key }))
        ).Body?.transformToString(),
      ),
    );
    expect(bodies.some((body) => body?.includes('Hello from the door test.'))).toBe(true);
    // Polled: sim/slack's waitFor looks again only when Slack's state changes, and a mail changes none.
    const seen = await eventually(
      () => stack.activity().mails.find((m) => m.subject === 'New features this week' && m.kind !== 'stored'),
      { timeoutMs: 30_000, description: 'the mail handler to take the mail' },
    );
    expect(seen.to).toBe(to);
    // No teardown waits for it: the handler did not hand it to anyone.
    expect(seen.kind).not.toMatch(/^resumed/);
  });

  it('places a call to one of our lines through the contact flow: the PIN on its lease is keyed, as audio too', async () => {
    const line = stack.lines[0] ?? '';
    const holder = { accountId: '999988887777' as AccountId, teardownId: 'door-test' };
    const leases = stack.runtime.phoneLines;
    const lease = await leases.lease([line], holder, Date.now(), 60_000);
    expect(lease?.line).toBe(line);
    await leases.setPin(line, holder, '40917', Date.now());
    try {
      const call = await post('/local/phone/call', { to: line });
      expect(call.status).toBe(200);
      expect(call.body).toMatchObject({ to: line, digits: '40917', audioType: 'audio/wav' });
      const file = join(dir, 'call.wav');
      await writeFile(file, Buffer.from(String(call.body.audio), 'base64'));
      const { stdout } = await run('multimon-ng', ['-q', '-a', 'DTMF', '-t', 'wav', file]);
      expect([...stdout.matchAll(/^DTMF: (\S)/gm)].map((m) => m[1]).join('')).toContain('40917');
      expect(stack.activity().calls[0]).toMatchObject({ to: line, digits: '40917' });
    } finally {
      await leases.release(line, holder);
    }
  }, 30_000);

  it('delivers a text to one of our lines as the SNS topic would', async () => {
    const line = stack.lines[1] ?? '';
    const sms = await post('/local/phone/sms', {
      to: line,
      from: '+18889990000',
      body: 'Your Amazon Web Services verification code is: 123456',
    });
    expect(sms.status).toBe(200);
    expect(sms.body).toMatchObject({ to: line, delivery: 'delivered' });
    expect(stack.activity().texts[0]).toMatchObject({ to: line, from: '+18889990000' });
  });

  it('answers the phone doors clearly for bad input, and changes nothing', async () => {
    const calls = stack.activity().calls.length;
    expect(await post('/local/phone/call', { to: '+15559999999' })).toMatchObject({
      status: 404,
      body: { error: expect.stringContaining('is not one of our lines') },
    });
    expect(await post('/local/phone/call', { to: 'tomorrow' })).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('E.164') },
    });
    expect(await post('/local/phone/sms', { to: stack.lines[0], from: '+18889990000' })).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('"body"') },
    });
    const get = await fetch(new URL('/local/phone/call', stack.url));
    expect(get.status).toBe(405);
    expect(stack.activity().calls).toHaveLength(calls);
  });

  it('applies the realism knobs to the simulators, and refuses a bad value naming the knob', () => {
    const before = stack.realism.get();
    const after = stack.realism.set({ pageLoadMs: 40, unknownPageRate: 0.25 });
    expect(after).toMatchObject({ pageLoadMs: 40, unknownPageRate: 0.25 });
    expect(stack.world.console.faults()).toMatchObject({ pageLoadMs: 40, interstitialRate: 0.25 });
    expect(() => stack.realism.set({ callMs: -1 })).toThrow(/callMs must be a number from 0/);
    expect(() => stack.realism.set({ teleport: 1 })).toThrow(/unknown knob 'teleport'/);
    expect(stack.realism.get()).toEqual(after);
    stack.realism.set({ ...before });
    expect(stack.world.console.faults()).toMatchObject({ pageLoadMs: 0, interstitialRate: 0 });
  });
});

it('stops everything it started: the page, the bot, the mail door, moto and the simulators', async () => {
  const ports = {
    page: Number(new URL(stack.url).port),
    smtp: stack.smtpPort,
    moto: Number(new URL(process.env.AWS_ENDPOINT_URL ?? '').port),
    console: stack.world.console.port,
  };
  for (const port of Object.values(ports)) expect(await listening(port)).toBe(true);
  await stack.stop();
  for (const [name, port] of Object.entries(ports))
    expect([name, await listening(port)]).toEqual([name, false]);
}, 30_000);

it('refuses to join a real workspace by Socket Mode without the bot token, naming what is missing', async () => {
  await expect(
    startSocketModeStack({
      port: 0,
      env: { SLACK_APP_TOKEN: 'xapp-1-A1-local', SLACK_SIGNING_SECRET: 'a'.repeat(32) },
    }),
  ).rejects.toThrow('SLACK_BOT_TOKEN is required but not set');
});
