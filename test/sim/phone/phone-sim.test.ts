// Tests sim/phone: AWS's calls run our real contact flow template against our contact-flow handler and are decoded
// from the audio they played; AWS's text messages reach our phone Lambda's intake as SNS events.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PhoneSim, type PhoneSimOptions, startPhoneSim, UnsupportedFlowError } from '../../../sim/phone';
import type { AccountId } from '../../../src/common/account-id';
import { createLogger } from '../../../src/common/logger';
import { loadContactFlow } from '../../../src/phone/contact-flow';
import { answerContactFlow, type ContactFlowDeps } from '../../../src/phone/contact-flow-handler';
import { flowPlaybackWav, phoneAudioFiles, readWav } from '../../../src/phone/dtmf';
import { handlePhoneEvent } from '../../../src/phone/handler';
import type { MemorySealedValues } from '../../support/fakes';
import { MemoryPhoneLineLeases } from '../../support/fakes';
import type { MemoryHarness } from '../../support/memory-harness';
import { codeWaitingHarness, PHONE_ACCOUNTS } from '../../support/phone-stand-ins';
import { requestApprovedRemoval, resetMailArrives } from '../../support/runner-rig';

const AUDIO_BASE = 'https://acme-phone-audio.s3.us-east-1.amazonaws.com/teardown/audio/';
const FLOW = loadContactFlow({
  PHONE_LAMBDA_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:sandbox-teardown-phone',
  PHONE_AUDIO_BASE_URL: AUDIO_BASE,
});
/** The bucket phone:setup fills, by URL. */
const BUCKET = new Map(phoneAudioFiles().map((file) => [`${AUDIO_BASE}${file.name}`, file.wav]));
const LINE_1 = '+15550100';
const LINE_2 = '+15550101';
const LINES = [LINE_1, LINE_2];
const T = Date.UTC(2026, 2, 1, 12);
const A = { accountId: '111111111111' as AccountId, teardownId: 't-a' };
const B = { accountId: '222222222222' as AccountId, teardownId: 't-b' };
const logger = createLogger('test', { logLevel: 'ERROR' });

let leases: MemoryPhoneLineLeases;
let sims: PhoneSim[];
beforeEach(() => {
  leases = new MemoryPhoneLineLeases();
  sims = [];
});
afterEach(async () => {
  await Promise.all(sims.map((sim) => sim.close()));
});

const contactFlowDeps = (): ContactFlowDeps => ({
  phoneLines: leases,
  digitAudio: (digit) => `${AUDIO_BASE}dtmf-${digit}.wav`,
  lines: LINES,
  logger,
  clock: () => T + 1,
});

function phoneSim(options: Partial<PhoneSimOptions> = {}): PhoneSim {
  const sim = startPhoneSim({
    contactFlow: FLOW,
    invokeLambda: async (event) =>
      (await answerContactFlow(contactFlowDeps(), event)) as Record<string, string>,
    deliverSms: async () => {
      throw new Error('no SMS in this test');
    },
    audio: async (uri) => {
      const wav = BUCKET.get(uri);
      if (!wav) throw new Error(`NoSuchKey: ${uri}`);
      return wav;
    },
    lines: LINES,
    timeScale: 0.01,
    ...options,
  });
  sims.push(sim);
  return sim;
}

describe('a call AWS makes to one of our lines', () => {
  it('hears the PIN the holder of the line stored, played by the flow after the instructions', async () => {
    await leases.lease(LINES, A, T, 60_000);
    await leases.setPin(LINE_1, A, '4821', T);
    const sim = phoneSim();
    const heard = await sim.network.call(LINE_1, { listenMs: 60_000 });
    expect(heard).toMatchObject({ digits: '4821' });
    // The call's id names its record: the local stack's phone door finds the call's audio by it.
    expect(sim.calls().find((c) => c.contactId === heard.contactId)?.digits).toBe('4821');
    const [call] = sim.calls();
    expect(call).toMatchObject({ to: LINE_1, digits: '4821', ended: 'flow-disconnected', lambdaCalls: 1 });
    expect(call?.path).toEqual([
      'wait-for-instructions',
      'ask-what-to-play',
      'choose-by-action',
      'play-digit-1',
      'check-digit-count-1',
      'play-digit-2',
      'check-digit-count-2',
      'play-digit-3',
      'check-digit-count-3',
      'play-digit-4',
      'check-digit-count-4',
      'hold-after-digits',
      'hang-up',
    ]);
    // The first tone comes after the 10 s the flow leaves for AWS's instructions.
    expect(call?.keys[0]?.startMs).toBeGreaterThan(10_000);
  });

  it('plays exactly the audio `npm run phone:dtmf` writes, and multimon-ng hears the PIN in the recording', async () => {
    await leases.lease(LINES, A, T, 60_000);
    await leases.setPin(LINE_1, A, '90210', T);
    const sim = phoneSim();
    await sim.network.call(LINE_1, { listenMs: 60_000 });
    const audio = sim.calls()[0]?.audio as Buffer;
    expect(readWav(audio)).toMatchObject({ format: 7, sampleRate: 8000, channels: 1 });
    const playback = readWav(flowPlaybackWav('90210')).samples;
    const whole = readWav(audio).samples;
    expect(Array.from(whole.subarray(whole.length - playback.length))).toEqual(Array.from(playback));
    const dir = await mkdtemp(join(tmpdir(), 'call-'));
    try {
      await writeFile(join(dir, 'call.wav'), audio);
      const { stdout } = await promisify(execFile)('multimon-ng', [
        '-q',
        '-a',
        'DTMF',
        '-t',
        'wav',
        join(dir, 'call.wav'),
      ]);
      expect([...stdout.matchAll(/^DTMF: (\S)/gm)].map((m) => m[1]).join('')).toBe('90210');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('waits while the page has not given the PIN yet, then plays it once stored', async () => {
    await leases.lease(LINES, A, T, 60_000);
    let firstWait: () => void = () => undefined;
    const waited = new Promise<void>((resolve) => {
      firstWait = resolve;
    });
    const sim = phoneSim({
      invokeLambda: async (event) => {
        const answer = (await answerContactFlow(contactFlowDeps(), event)) as Record<string, string>;
        if (answer.action === 'wait') firstWait();
        return answer;
      },
    });
    const call = sim.network.call(LINE_1, { listenMs: 60_000 });
    await waited;
    await leases.setPin(LINE_1, A, '3570', T);
    expect(await call).toMatchObject({ digits: '3570' });
    const record = sim.calls()[0];
    expect(record?.lambdaCalls).toBeGreaterThanOrEqual(2);
    expect(record?.path).toContain('pause-before-asking-again');
  });

  it('gives up after the flow asked as often as its loop allows, when no PIN comes', async () => {
    await leases.lease(LINES, A, T, 60_000);
    const sim = phoneSim({ timeScale: 0.001 });
    expect(await sim.network.call(LINE_1, { listenMs: 600_000 })).toMatchObject({ digits: '' });
    const rounds = Number(FLOW.Actions.find((a) => a.Type === 'Loop')?.Parameters.LoopCount);
    expect(sim.calls()[0]).toMatchObject({ ended: 'flow-disconnected', lambdaCalls: rounds + 1 });
  });

  it('hears nothing on a line no teardown holds', async () => {
    const sim = phoneSim();
    expect(await sim.network.call(LINE_1, { listenMs: 60_000 })).toMatchObject({ digits: '' });
    expect(sim.calls()[0]).toMatchObject({ ended: 'flow-disconnected', lambdaCalls: 1, keys: [] });
  });

  it('lets each of two lines held at once be heard with its own PIN', async () => {
    await leases.lease(LINES, A, T, 60_000);
    await leases.lease(LINES, B, T, 60_000);
    await leases.setPin(LINE_1, A, '1111', T);
    await leases.setPin(LINE_2, B, '2222', T);
    const sim = phoneSim();
    const [one, two] = await Promise.all([
      sim.network.call(LINE_1, { listenMs: 60_000 }),
      sim.network.call(LINE_2, { listenMs: 60_000 }),
    ]);
    expect(one).toMatchObject({ digits: '1111' });
    expect(two).toMatchObject({ digits: '2222' });
  });

  it('hears nothing played while AWS still speaks, nor after it stopped listening', async () => {
    await leases.lease(LINES, A, T, 60_000);
    await leases.setPin(LINE_1, A, '4821', T);
    // AWS's instructions outlast the flow's 10 s wait: the tones come while it speaks.
    const talkative = phoneSim({ instructionsMs: 14_000 });
    expect(await talkative.network.call(LINE_1, { listenMs: 60_000 })).toMatchObject({ digits: '' });
    expect(
      talkative
        .calls()[0]
        ?.keys.map((k) => k.key)
        .join(''),
    ).toBe('4821');
    expect(talkative.calls()[0]?.keys.every((k) => !k.heard)).toBe(true);
    // No PIN yet and AWS listens only 5 s: it hangs up while the flow still waits.
    await leases.release(LINE_1, A);
    await leases.lease(LINES, A, T, 60_000);
    const impatient = phoneSim({ timeScale: 0.001 });
    expect(await impatient.network.call(LINE_1, { listenMs: 5_000 })).toMatchObject({ digits: '' });
    expect(impatient.calls()[0]?.ended).toBe('listen-ended');
  });

  it('does not reach our flow when the number is not one of our lines', async () => {
    let invoked = 0;
    const sim = phoneSim({
      invokeLambda: async () => {
        invoked++;
        return { action: 'none' };
      },
    });
    expect(await sim.network.call('+15557770000', { listenMs: 60_000 })).toMatchObject({ digits: '' });
    expect(sim.calls()[0]?.ended).toBe('no-answer');
    expect(invoked).toBe(0);
  });

  it('takes the error branch like Connect when the Lambda fails or answers what is not a string map', async () => {
    await leases.lease(LINES, A, T, 60_000);
    await leases.setPin(LINE_1, A, '4821', T);
    for (const invokeLambda of [
      async () => Promise.reject(new Error('Lambda.ServiceException')),
      async () => ({ action: 'play', digitCount: 4 }) as unknown as Record<string, string>,
    ]) {
      const sim = phoneSim({ invokeLambda });
      expect(await sim.network.call(LINE_1, { listenMs: 60_000 })).toMatchObject({ digits: '' });
      expect(sim.calls()[0]?.path.slice(-2)).toEqual(['ask-what-to-play', 'hang-up']);
    }
  });

  it('hangs up when a digit file is missing from the bucket', async () => {
    await leases.lease(LINES, A, T, 60_000);
    await leases.setPin(LINE_1, A, '4821', T);
    const sim = phoneSim({
      audio: async (uri) => {
        if (uri.endsWith('dtmf-2.wav')) throw new Error('NoSuchKey');
        return BUCKET.get(uri) as Buffer;
      },
    });
    expect(await sim.network.call(LINE_1, { listenMs: 60_000 })).toMatchObject({ digits: '48' });
    expect(sim.calls()[0]?.path.at(-1)).toBe('hang-up');
  });

  it('refuses to run a flow with a block it does not interpret, rather than skipping it', async () => {
    const flow = structuredClone(FLOW);
    flow.Actions[0] = { ...flow.Actions[0]!, Type: 'GetParticipantInput' };
    const sim = phoneSim({ contactFlow: flow });
    await expect(sim.network.call(LINE_1, { listenMs: 60_000 })).rejects.toBeInstanceOf(UnsupportedFlowError);
  });

  it('ends a call in progress when the simulator closes', async () => {
    await leases.lease(LINES, A, T, 60_000);
    const sim = phoneSim({ timeScale: 1 });
    const call = sim.network.call(LINE_1, { listenMs: 60_000 });
    await sim.close();
    expect(await call).toMatchObject({ digits: '' });
    expect(sim.calls()[0]?.ended).toBe('sim-closed');
  });
});

describe('a text message AWS sends', () => {
  const { a: ID_A, b: ID_B } = PHONE_ACCOUNTS;
  let codesSeen: Map<string, string>;
  let sealed: MemorySealedValues;
  let h: MemoryHarness;
  beforeEach(() => {
    ({ h, codesSeen, sealed } = codeWaitingHarness(LINES));
  });
  afterEach(async () => h?.close());

  const smsSim = () =>
    phoneSim({
      deliverSms: async (event) => {
        await handlePhoneEvent(
          {
            contactFlow: contactFlowDeps(),
            sms: async () => ({
              phoneLines: h.ports.phoneLines,
              teardowns: h.ports.teardowns,
              idempotency: h.ports.idempotency,
              runner: h.runner,
              sealed,
              logger,
              clock: h.now,
            }),
            logger,
          },
          event,
        );
        await h.runUntilQuiet();
      },
    });

  async function waitingForCode(id: AccountId): Promise<string> {
    await requestApprovedRemoval(h, id);
    await resetMailArrives(h, id);
    await h.runUntilQuiet();
    const wait = (await h.ports.teardowns.get(id))?.wait;
    expect(wait?.signal).toBe('phone-code');
    return /code sent to (\+\d+)/.exec(wait?.reason ?? '')?.[1] as string;
  }

  it('lands its code on the lease of the line it was sent to and hands it to that teardown only', async () => {
    const lineA = await waitingForCode(ID_A);
    const lineB = await waitingForCode(ID_B);
    const sim = smsSim();
    await sim.network.sms({
      to: lineB,
      from: '+18885550199',
      body: 'Your Amazon Web Services verification code is: 602113',
    });
    expect((await h.ports.phoneLines.holderOf(lineB, h.now()))?.code).toBe('602113');
    expect((await h.ports.phoneLines.holderOf(lineA, h.now()))?.code).toBeUndefined();
    expect(codesSeen.get(ID_B)).toBe('602113');
    expect(codesSeen.has(ID_A)).toBe(false);
    expect(await h.ports.teardowns.get(ID_B)).toMatchObject({ step: 'remove-from-org' });
    expect(await h.ports.teardowns.get(ID_A)).toMatchObject({ step: 'verify-phone', stepStatus: 'waiting' });
    expect(sim.messages()).toEqual([
      expect.objectContaining({
        to: lineB,
        delivery: 'delivered',
        attempts: 1,
        inboundMessageId: expect.any(String),
      }),
    ]);
  });

  it('is not delivered to a number that is not ours, and a failing delivery is tried again', async () => {
    let tries = 0;
    const sim = phoneSim({
      deliverSms: async () => {
        tries++;
        throw new Error('Lambda throttled');
      },
    });
    await sim.network.sms({ to: '+15557770000', from: '+18885550199', body: 'code 1234' });
    await sim.network.sms({ to: LINE_1, from: '+18885550199', body: 'code 1234' });
    expect(sim.messages().map((m) => [m.delivery, m.attempts])).toEqual([
      ['not-ours', 0],
      ['failed', 3],
    ]);
    expect(tries).toBe(3);
  });
});
