import { afterEach, describe, expect, it } from 'vitest';
import {
  type CaptchaSim,
  type CaptchaSimOptions,
  DEFAULT_SIM_ANSWER,
  misreadingOf,
  startCaptchaSim,
} from '../../../sim/captcha';
import { base64Of, manualClock, pngPicture } from './pictures';

const KEY = 'test-2captcha-key';

let sim: CaptchaSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: CaptchaSimOptions = {}): Promise<CaptchaSim> {
  sim = await startCaptchaSim(options);
  return sim;
}

async function call(endpoint: string, body: unknown): Promise<Record<string, unknown>> {
  if (!sim) throw new Error('no sim');
  const response = await fetch(`${sim.url}/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

function imageTask(picture: Uint8Array | string, extra: Record<string, unknown> = {}) {
  return {
    clientKey: KEY,
    task: {
      type: 'ImageToTextTask',
      body: typeof picture === 'string' ? picture : base64Of(picture),
      case: true,
      ...extra,
    },
  };
}

async function createTask(picture: Uint8Array | string, extra: Record<string, unknown> = {}) {
  return call('createTask', imageTask(picture, extra));
}

async function solvedText(picture: Uint8Array): Promise<unknown> {
  const { taskId } = await createTask(picture);
  const result = await call('getTaskResult', { clientKey: KEY, taskId });
  return (result.solution as { text?: unknown } | undefined)?.text;
}

describe('createTask and getTaskResult', () => {
  it('keeps a task processing until the delay has passed, then gives the oracle answer', async () => {
    const clock = manualClock();
    const seen: string[] = [];
    await start({
      delayMs: 12_000,
      now: clock.now,
      answerFor: (image) => {
        seen.push(image);
        return 'Ab3dE9';
      },
    });
    const picture = pngPicture('first');
    const created = await createTask(picture, { minLength: 6, maxLength: 6, comment: 'case-sensitive' });
    expect(created).toEqual({ errorId: 0, taskId: expect.any(Number) });
    expect(seen).toEqual([base64Of(picture)]);

    await expect(call('getTaskResult', { clientKey: KEY, taskId: created.taskId })).resolves.toEqual({
      errorId: 0,
      status: 'processing',
    });
    clock.advance(12_000);
    const ready = await call('getTaskResult', { clientKey: KEY, taskId: created.taskId });
    expect(ready).toEqual({
      errorId: 0,
      status: 'ready',
      solution: { text: 'Ab3dE9' },
      cost: '0.00070',
      ip: '127.0.0.1',
      createTime: Math.floor((clock.now() - 12_000) / 1000),
      endTime: Math.floor(clock.now() / 1000),
      solveCount: 1,
    });
    expect(sim?.tasks()).toEqual([
      expect.objectContaining({
        id: String(created.taskId),
        api: 'json',
        case: true,
        minLength: 6,
        maxLength: 6,
        comment: 'case-sensitive',
        answer: 'Ab3dE9',
        wrong: false,
        status: 'ready',
      }),
    ]);
  });

  it('answers with a built-in text when no oracle is wired, and accepts JPEG, GIF and data: URIs', async () => {
    await start();
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 1)]);
    const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(200, 2)]);
    for (const body of [
      base64Of(jpeg),
      base64Of(gif),
      `data:image/png;base64,${base64Of(pngPicture('uri'))}`,
    ]) {
      const { taskId, errorId } = await createTask(body);
      expect(errorId).toBe(0);
      const result = await call('getTaskResult', { clientKey: KEY, taskId });
      expect(result).toMatchObject({ status: 'ready', solution: { text: DEFAULT_SIM_ANSWER } });
    }
  });

  it('says a task is unsolvable when the oracle cannot read the picture, or in unsolvable mode', async () => {
    await start({
      answerFor: (image) => (image === base64Of(pngPicture('readable')) ? 'Kq8Lm2' : undefined),
    });
    const unreadable = await createTask(pngPicture('blurred'));
    expect(await call('getTaskResult', { clientKey: KEY, taskId: unreadable.taskId })).toMatchObject({
      errorId: 1,
      errorCode: 'ERROR_CAPTCHA_UNSOLVABLE',
    });
    sim?.configure({ mode: 'unsolvable' });
    const readable = await createTask(pngPicture('readable'));
    expect(await call('getTaskResult', { clientKey: KEY, taskId: readable.taskId })).toMatchObject({
      errorId: 1,
      errorCode: 'ERROR_CAPTCHA_UNSOLVABLE',
      errorDescription: expect.any(String),
    });
    expect(sim?.tasks().map((t) => t.status)).toEqual(['unsolvable', 'unsolvable']);
  });

  it('gives up on the share of tasks giveUpRate sets, after the solving time like any task', async () => {
    let now = 1_000;
    const coins = [0.1, 0.9];
    await start({ giveUpRate: 0.5, delayMs: 5_000, now: () => now, random: () => coins.shift() ?? 0.9 });
    const given = await createTask(pngPicture('readable'));
    const solved = await createTask(pngPicture('readable'));
    expect(await call('getTaskResult', { clientKey: KEY, taskId: given.taskId })).toMatchObject({
      status: 'processing',
    });
    now += 5_000;
    expect(await call('getTaskResult', { clientKey: KEY, taskId: given.taskId })).toMatchObject({
      errorCode: 'ERROR_CAPTCHA_UNSOLVABLE',
    });
    expect(await call('getTaskResult', { clientKey: KEY, taskId: solved.taskId })).toMatchObject({
      status: 'ready',
      solution: { text: DEFAULT_SIM_ANSWER },
    });
  });

  it('gives the first n tasks a misreading, then the right answer', async () => {
    await start({ answerFor: () => 'Ab3dE9', wrongAnswers: 2 });
    const texts = [];
    for (const seed of ['a', 'b', 'c']) texts.push(await solvedText(pngPicture(seed)));
    expect(texts).toEqual(['ab3dE9', 'ab3dE9', 'Ab3dE9']);
    expect(sim?.tasks().map((t) => t.wrong)).toEqual([true, true, false]);
  });

  it('misreads every picture in wrong mode', async () => {
    await start({ answerFor: () => '482913', mode: 'wrong' });
    const texts = [await solvedText(pngPicture('a')), await solvedText(pngPicture('b'))];
    expect(texts).toEqual(['582913', '582913']);
  });

  it('refuses a wrong key on every endpoint', async () => {
    await start({ clientKey: 'the-real-key' });
    const body = { clientKey: KEY, taskId: 1 };
    for (const [endpoint, request] of [
      ['createTask', imageTask(pngPicture('x'))],
      ['getTaskResult', body],
      ['reportIncorrect', body],
      ['reportCorrect', body],
      ['getBalance', { clientKey: KEY }],
    ] as const) {
      expect(await call(endpoint, request)).toMatchObject({
        errorId: 1,
        errorCode: 'ERROR_KEY_DOES_NOT_EXIST',
      });
    }
    expect(await call('getBalance', {})).toMatchObject({ errorCode: 'ERROR_KEY_DOES_NOT_EXIST' });
    expect(sim?.tasks()).toEqual([]);
  });

  it('refuses pictures that are empty, too big or not PNG, JPEG or GIF, and other task types', async () => {
    await start();
    const tooBig = Buffer.concat([Buffer.from(pngPicture('big', 8)), Buffer.alloc(100 * 1024)]);
    const cases: Array<[unknown, string]> = [
      [imageTask(''), 'ERROR_ZERO_CAPTCHA_FILESIZE'],
      [{ clientKey: KEY, task: { type: 'ImageToTextTask' } }, 'ERROR_ZERO_CAPTCHA_FILESIZE'],
      [imageTask(tooBig), 'ERROR_TOO_BIG_CAPTCHA_FILESIZE'],
      [imageTask(Buffer.from('<html>not a picture</html>')), 'ERROR_IMAGE_TYPE_NOT_SUPPORTED'],
      [imageTask('!!not base64!!'), 'ERROR_IMAGE_TYPE_NOT_SUPPORTED'],
      [imageTask(pngPicture('x'), { minLength: -1 }), 'ERROR_BAD_PARAMETERS'],
      [{ clientKey: KEY, task: { type: 'RecaptchaV2TaskProxyless' } }, 'ERROR_TASK_NOT_SUPPORTED'],
      [{ clientKey: KEY }, 'ERROR_TASK_ABSENT'],
    ];
    for (const [request, code] of cases) {
      expect(await call('createTask', request)).toEqual({
        errorId: 1,
        errorCode: code,
        errorDescription: expect.any(String),
      });
    }
    expect(sim?.tasks()).toEqual([]);
  });

  it('says ERROR_NO_SUCH_CAPCHA_ID for ids it never gave', async () => {
    await start();
    for (const endpoint of ['getTaskResult', 'reportIncorrect', 'reportCorrect']) {
      expect(await call(endpoint, { clientKey: KEY, taskId: 123 })).toMatchObject({
        errorId: 1,
        errorCode: 'ERROR_NO_SUCH_CAPCHA_ID',
      });
    }
    expect(sim?.reports()).toEqual([]);
  });
});

describe('balance, slots and outages', () => {
  it('charges each answer, and refuses new tasks at zero balance', async () => {
    await start({ balance: 1 });
    await solvedText(pngPicture('one'));
    expect(await call('getBalance', { clientKey: KEY })).toEqual({ errorId: 0, balance: 0.9993 });
    sim?.configure({ balance: 0 });
    expect(await createTask(pngPicture('two'))).toMatchObject({
      errorId: 1,
      errorCode: 'ERROR_ZERO_BALANCE',
    });
    expect(sim?.tasks()).toHaveLength(1);
  });

  it('refuses new tasks while no slot is available, and takes them again afterwards', async () => {
    await start({ mode: 'no-slot' });
    expect(await createTask(pngPicture('a'))).toMatchObject({
      errorId: 1,
      errorCode: 'ERROR_NO_SLOT_AVAILABLE',
    });
    sim?.configure({ mode: 'solve' });
    expect(await createTask(pngPicture('a'))).toMatchObject({ errorId: 0 });
  });

  it('answers 503 when down, or drops the connection, and counts every request', async () => {
    await start({ mode: 'down' });
    const response = await fetch(`${sim?.url}/createTask`, {
      method: 'POST',
      body: JSON.stringify(imageTask(pngPicture('a'))),
    });
    expect(response.status).toBe(503);
    await response.text();
    sim?.configure({ downAs: 'reset' });
    await expect(
      fetch(`${sim?.url}/getBalance`, { method: 'POST', body: JSON.stringify({ clientKey: KEY }) }),
    ).rejects.toThrow();
    sim?.configure({ mode: 'solve' });
    expect(await call('getBalance', { clientKey: KEY })).toMatchObject({ errorId: 0 });
    expect(sim?.requests()).toEqual({ createTask: 1, getBalance: 2 });
    expect(sim?.tasks()).toEqual([]);
  });
});

describe('reports', () => {
  it('records reportIncorrect and reportCorrect in order', async () => {
    await start();
    const first = await createTask(pngPicture('a'));
    const second = await createTask(pngPicture('b'));
    for (const [endpoint, taskId] of [
      ['reportIncorrect', first.taskId],
      ['reportCorrect', second.taskId],
    ] as const) {
      expect(await call(endpoint, { clientKey: KEY, taskId })).toEqual({ errorId: 0, status: 'success' });
    }
    expect(sim?.reports()).toEqual([
      { taskId: String(first.taskId), kind: 'incorrect' },
      { taskId: String(second.taskId), kind: 'correct' },
    ]);
    expect(sim?.requests()).toMatchObject({ createTask: 2, reportIncorrect: 1, reportCorrect: 1 });
  });
});

describe('misreadingOf', () => {
  it.each([
    ['Ab3dE9', 'ab3dE9'],
    ['3xK', '3XK'],
    ['482913', '582913'],
    ['9', '0'],
    ['#+', 'x+'],
    ['', 'x'],
  ])('misreads %j as %j: never empty, never the right answer', (right, wrong) => {
    expect(misreadingOf(right)).toBe(wrong);
    expect(misreadingOf(right)).not.toBe(right);
  });
});
