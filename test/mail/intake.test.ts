// The mail intake on in-memory ports (no network): which teardown a classified mail resumes, and when none.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AccountId } from '../../src/common/account-id';
import { AwsCallError, MailRejectedError } from '../../src/common/errors';
import { loadMailSettings } from '../../src/mail/classify';
import { handleMailEvent } from '../../src/mail/handler';
import { type MailIntakeDeps, MailTooEarlyError, takeMail } from '../../src/mail/intake';
import type { MailForwarder, MailObjects } from '../../src/mail/ports';
import { parseS3Event, s3EventFor } from '../../src/mail/s3-event';
import type { StepName } from '../../src/pipeline/catalogue';
import type { StepHandler } from '../../src/pipeline/step-handler';
import { captureOutputOf } from '../common/capture-output';
import { MemorySealedValues } from '../support/fakes';
import { createMemoryHarness, type MemoryHarness } from '../support/memory-harness';
import { requestApprovedRemoval } from '../support/runner-rig';

const CORPUS = join(import.meta.dirname, 'corpus');
const ROOT = 'aws-root-sbx-0417@sandbox-mail.example.test';
const ID = '333333333333' as AccountId;

/** The bucket SES writes to, in memory. */
class MemoryMailObjects implements MailObjects {
  readonly objects = new Map<string, Uint8Array>();
  async read(_bucket: string, key: string, maxBytes: number) {
    const body = this.objects.get(key);
    if (!body) throw new MailRejectedError(`The stored mail ${key} is gone.`);
    if (body.length > maxBytes)
      throw new MailRejectedError(`The mail is ${body.length} bytes, more than the ${maxBytes} allowed.`);
    return body;
  }
}

const handoffSeen: Array<Record<string, string> | undefined> = [];
const stopHere: StepHandler = {
  async run(ctx) {
    handoffSeen.push(ctx.teardown.handoff && { ...ctx.teardown.handoff });
    return { type: 'await', signal: 'human', reason: 'stand-in' };
  },
};
const stepDone: StepHandler = { run: async () => ({ type: 'done', note: 'stand-in' }) };
/** Browser steps stand in: the reset is "requested" at once, and sign-in waits for a mailed code. */
const STAND_INS: Partial<Record<StepName, StepHandler>> = {
  'request-reset': stepDone,
  'set-password': stopHere,
  'sign-in': {
    run: async (ctx) => {
      handoffSeen.push(ctx.teardown.handoff && { ...ctx.teardown.handoff });
      return ctx.teardown.handoff?.signInCode
        ? { type: 'done', note: 'signed in' }
        : { type: 'await', signal: 'sign-in-code', reason: 'code mailed' };
    },
  },
  'complete-signup': stopHere,
  'verify-phone': stopHere,
  'remove-from-org': stopHere,
  'close-as-root': stopHere,
};

let h: MemoryHarness;
let objects: MemoryMailObjects;
let forwarded: string[];
let deps: MailIntakeDeps;
let sealed: MemorySealedValues;
beforeEach(() => {
  handoffSeen.length = 0;
  // The corpus mails were sent in January 2026: the teardowns' waits begin just before the first of them.
  h = createMemoryHarness({ handlers: STAND_INS, startAt: Date.UTC(2026, 0, 5, 14, 30) });
  h.ports.orgs.add(ID, { name: 'sandbox-0417', email: ROOT });
  objects = new MemoryMailObjects();
  forwarded = [];
  sealed = new MemorySealedValues();
  const forwarder: MailForwarder = { forward: async (_raw, note) => void forwarded.push(note) };
  deps = {
    objects,
    teardowns: h.ports.teardowns,
    idempotency: h.ports.idempotency,
    sealed,
    runner: h.runner,
    settings: loadMailSettings({}),
    forwarder,
    logger: (h.runner as unknown as { deps: { logger: MailIntakeDeps['logger'] } }).deps.logger,
  };
});
afterEach(async () => h?.close());

let stored = 0;
async function store(file: string): Promise<{ bucket: string; key: string }> {
  const key = `inbound/${++stored}-${file}`;
  objects.objects.set(key, new Uint8Array(await readFile(join(CORPUS, file))));
  return { bucket: 'mail', key };
}
const take = async (file: string) => {
  const outcome = await takeMail(deps, await store(file));
  await h.runUntilQuiet();
  return outcome;
};
const teardown = async () => (await h.ports.teardowns.get(ID))!;

it('hands the reset link to the one teardown that waits for it, and nowhere else', async () => {
  await requestApprovedRemoval(h, ID);
  expect(await teardown()).toMatchObject({ step: 'await-reset-mail', stepStatus: 'waiting' });
  const { result: outcome, text: output } = await captureOutputOf(() => take('reset-multipart-qp.eml'));
  expect(outcome).toMatchObject({ outcome: 'resumed', signal: 'reset-link', accountId: ID });
  expect(await teardown()).toMatchObject({ step: 'set-password' });
  // The teardown holds a reference; the link itself is in the secret store only.
  const reference = handoffSeen.at(-1)?.resetLink;
  expect(reference).toBe(`sealed:${ID}/${(await teardown()).teardownId}/reset-link`);
  const link = sealed.values.get(reference as string);
  expect(link).toMatch(/^https:\/\/signin\.aws\.amazon\.com\/resetpassword\?/);
  expect(h.ports.teardowns.dump()).not.toContain(link);
  // Neither the logs nor anything the thread was told holds it.
  expect(output).not.toContain(link);
  expect(JSON.stringify(h.notices.map((n) => n.event))).not.toContain(link);
  expect(h.notices.some((n) => n.event.detail === 'reset mail received')).toBe(true);
});

it('drops a mail of an earlier request that arrives while the teardown waits for a newer one', async () => {
  await requestApprovedRemoval(h, ID);
  const t = await teardown();
  // The wait began a day after the mail was sent (reset-multipart-qp.eml: 5 January 14:35).
  const later = { ...t, version: t.version + 1, wait: { ...t.wait!, since: Date.UTC(2026, 0, 6) } };
  await h.ports.teardowns.transition(t.version, later, {
    ...h.notices.at(-1)!.event,
    version: later.version,
  });
  expect(await take('reset-multipart-qp.eml')).toEqual({
    outcome: 'dropped',
    reason: 'the mail is older than the request its teardown waits for',
  });
  expect(await teardown()).toEqual(later);
});

it('gives a mail back for another delivery when keeping its link fails', async () => {
  await requestApprovedRemoval(h, ID);
  const stored = await store('reset-multipart-qp.eml');
  const seal = sealed.seal.bind(sealed);
  sealed.seal = async () => {
    throw new AwsCallError('Storing the secret failed: ThrottlingException', { retryable: true });
  };
  await expect(takeMail(deps, stored)).rejects.toBeInstanceOf(AwsCallError);
  sealed.seal = seal;
  // Lambda delivers the event again: the mail is taken this time.
  expect(await takeMail(deps, stored)).toMatchObject({ outcome: 'resumed' });
});

it('finds the teardown through a sub-address in upper case', async () => {
  await requestApprovedRemoval(h, ID);
  expect(await take('reset-encoded-subject-subaddressed.eml')).toMatchObject({ outcome: 'resumed' });
});

it('drops a reset mail no teardown waits for, and changes nothing', async () => {
  await h.runner.request({ accountId: ID, requester: 'UREQUESTER1', strategy: 'remove' });
  await h.runUntilQuiet();
  const before = await teardown();
  expect(before.step).toBe('approval');
  expect(await take('reset-multipart-qp.eml')).toEqual({
    outcome: 'dropped',
    reason: 'no teardown waits for a reset mail to this address',
  });
  expect(await teardown()).toEqual(before);
});

// AWS can be quicker than the pipeline: while request-reset still runs, and (regression, found in the local stack:
// such a mail was dropped as "no teardown waits") after it ended but before await-reset-mail began waiting.
for (const [step, stepStatus] of [
  ['request-reset', 'running'],
  ['await-reset-mail', 'pending'],
  ['await-reset-mail', 'running'],
] as const) {
  it(`has a mail that came while ${step} was ${stepStatus}, not yet waiting, delivered again`, async () => {
    await requestApprovedRemoval(h, ID);
    // As the record looks at that moment.
    const t = await teardown();
    const between = { ...t, version: t.version + 1, step, stepStatus };
    delete between.wait;
    await h.ports.teardowns.transition(t.version, between, {
      ...h.notices.at(-1)!.event,
      version: between.version,
    });
    await expect(takeMail(deps, await store('reset-multipart-qp.eml'))).rejects.toBeInstanceOf(
      MailTooEarlyError,
    );
    expect(await teardown()).toEqual(between);
  });
}

it('never takes the same message twice, even when its teardown waits again later', async () => {
  await requestApprovedRemoval(h, ID);
  const first = await store('reset-multipart-qp.eml');
  expect(await takeMail(deps, first)).toMatchObject({ outcome: 'resumed' });
  await h.runUntilQuiet();
  // The link did not work: the teardown asked for another reset and waits again.
  await h.runner.resume(ID, { name: 'human', actor: 'UAPPROVER1', payload: { choice: 'retry' } });
  await h.runUntilQuiet();
  const t = await teardown();
  await h.ports.teardowns.transition(
    t.version,
    {
      ...t,
      version: t.version + 1,
      step: 'await-reset-mail',
      stepStatus: 'waiting',
      wait: { signal: 'reset-link', until: h.now() + 60_000, reason: 'again' },
    },
    { ...h.notices.at(-1)!.event, version: t.version + 1 },
  );
  expect(await takeMail(deps, await store('reset-multipart-qp.eml'))).toEqual({
    outcome: 'duplicate',
    reason: 'this message was taken before',
  });
  expect(await teardown()).toMatchObject({ step: 'await-reset-mail', stepStatus: 'waiting' });
});

it('hands a mailed sign-in code to the sign-in that waits for it', async () => {
  await requestApprovedRemoval(h, ID);
  await take('reset-multipart-qp.eml');
  // set-password stands in with a person's wait: Done moves on to sign-in, which waits for a mailed code.
  await h.runner.resume(ID, { name: 'human', actor: 'UAPPROVER1', payload: { choice: 'done' } });
  await h.runUntilQuiet();
  expect(await teardown()).toMatchObject({ step: 'sign-in', wait: { signal: 'sign-in-code' } });
  expect(await take('code-multipart-qp.eml')).toMatchObject({ outcome: 'resumed', signal: 'sign-in-code' });
  const reference = handoffSeen.find((seen) => seen?.signInCode)?.signInCode as string;
  expect(reference).toMatch(/^sealed:\d{12}\/.+\/sign-in-code$/);
  expect(sealed.values.get(reference)).toMatch(/^\d{6}$/);
  expect(await teardown()).toMatchObject({ step: 'complete-signup' });
});

it('notes other mail to a root address on its teardown and forwards it, taking it for nothing', async () => {
  await requestApprovedRemoval(h, ID);
  const before = await teardown();
  expect(await take('other-welcome-promotional.eml')).toMatchObject({ outcome: 'noted' });
  expect(await teardown()).toEqual(before);
  const events = await h.ports.teardowns.events(ID, before.teardownId);
  expect(events.at(-1)).toMatchObject({
    action: 'mail-received',
    actor: 'mail',
    outcome: 'not a reset or code mail',
  });
  expect(forwarded).toHaveLength(1);
});

it('rejects a look-alike reset mail with its reason, and changes nothing', async () => {
  await requestApprovedRemoval(h, ID);
  const before = await teardown();
  expect(await take('reject-lookalike-host-suffix.eml')).toMatchObject({ outcome: 'rejected' });
  expect(await teardown()).toEqual(before);
});

it('drops a malformed S3 event, and rejects an oversized mail unread', async () => {
  const logger = deps.logger;
  expect(await handleMailEvent(deps, { Records: [{ eventSource: 'aws:sqs' }] }, logger)).toMatchObject({
    error: 'malformed event',
  });
  const key = 'inbound/huge.eml';
  objects.objects.set(key, new Uint8Array(11 * 1024 * 1024));
  expect(await handleMailEvent(deps, s3EventFor({ bucket: 'mail', key }, 11 * 1024 * 1024), logger)).toEqual({
    outcomes: [{ outcome: 'rejected', reason: expect.stringContaining('more than the 10485760 allowed') }],
  });
});

it('changes nothing for a teardown that was cancelled, or whose wait ran out', async () => {
  await requestApprovedRemoval(h, ID);
  h.advanceClock(60 * 60_000);
  const expired = await teardown();
  expect(await take('reset-multipart-qp.eml')).toMatchObject({
    outcome: 'dropped',
    reason: expect.stringContaining('has expired'),
  });
  expect((await teardown()).handoff).toBeUndefined();
  await h.runner.cancel(ID, 'UREQUESTER1');
  expect(await take('reset-encoded-subject-subaddressed.eml')).toMatchObject({ outcome: 'dropped' });
  expect((await teardown()).status).toBe('cancelled');
  expect(expired.status).toBe('active');
});

it('reads the object key as S3 encodes it', () => {
  const event = (key: string) => ({
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: 'inbound-mail' }, object: { key } },
      },
    ],
  });
  expect(parseS3Event(event('inbound/a+b%2Bc%C3%A9.eml'))).toEqual({
    ok: true,
    mails: [{ bucket: 'inbound-mail', key: 'inbound/a b+cé.eml' }],
  });
  expect(parseS3Event(event('inbound/%E0%A4%A.eml'))).toEqual({
    ok: false,
    reason: 'an object key is not URL-encoded',
  });
});
