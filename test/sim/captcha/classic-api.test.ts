import { afterEach, describe, expect, it } from 'vitest';
import { type CaptchaSim, type CaptchaSimOptions, startCaptchaSim } from '../../../sim/captcha';
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

async function submit(fields: Record<string, string>): Promise<unknown> {
  const response = await fetch(`${sim?.url}/in.php`, { method: 'POST', body: new URLSearchParams(fields) });
  return fields.json === '1' ? response.json() : response.text();
}

async function res(fields: Record<string, string>): Promise<unknown> {
  const response = await fetch(`${sim?.url}/res.php?${new URLSearchParams(fields)}`);
  return fields.json === '1' ? response.json() : response.text();
}

describe('in.php and res.php with json=1', () => {
  it('takes a base64 picture, says CAPCHA_NOT_READY until ready, then gives the answer', async () => {
    const clock = manualClock();
    await start({ delayMs: 15_000, now: clock.now, answerFor: () => 'Zt4Wq1' });
    const submitted = (await submit({
      key: KEY,
      method: 'base64',
      body: base64Of(pngPicture('classic')),
      regsense: '1',
      min_len: '6',
      max_len: '0',
      json: '1',
    })) as { status: number; request: string };
    expect(submitted).toEqual({ status: 1, request: expect.stringMatching(/^\d+$/) });

    const poll = { key: KEY, action: 'get', id: submitted.request, json: '1' };
    expect(await res(poll)).toEqual({ status: 0, request: 'CAPCHA_NOT_READY' });
    clock.advance(15_000);
    expect(await res(poll)).toEqual({ status: 1, request: 'Zt4Wq1' });
    expect(sim?.tasks()).toEqual([
      expect.objectContaining({
        id: submitted.request,
        api: 'classic',
        case: true,
        minLength: 6,
        status: 'ready',
      }),
    ]);
    expect(sim?.tasks()[0]).not.toHaveProperty('maxLength');
  });

  it('records reportbad and reportgood, and tells the balance', async () => {
    await start({ balance: 3 });
    const first = (await submit({
      key: KEY,
      method: 'base64',
      body: base64Of(pngPicture('a')),
      json: '1',
    })) as {
      request: string;
    };
    expect(await res({ key: KEY, action: 'reportbad', id: first.request, json: '1' })).toEqual({
      status: 1,
      request: 'OK_REPORT_RECORDED',
    });
    expect(await res({ key: KEY, action: 'reportgood', id: first.request, json: '1' })).toEqual({
      status: 1,
      request: 'OK_REPORT_RECORDED',
    });
    expect(sim?.reports()).toEqual([
      { taskId: first.request, kind: 'incorrect' },
      { taskId: first.request, kind: 'correct' },
    ]);
    expect(await res({ key: KEY, action: 'getbalance', json: '1' })).toEqual({
      status: 1,
      request: '2.9993',
    });
  });

  it('answers errors as {status: 0, request: code}', async () => {
    await start({ mode: 'unsolvable' });
    expect(
      await submit({ key: 'wrong', method: 'base64', body: base64Of(pngPicture('a')), json: '1' }),
    ).toEqual({
      status: 0,
      request: 'ERROR_KEY_DOES_NOT_EXIST',
      error_text: expect.any(String),
    });
    expect(await submit({ key: KEY, method: 'base64', body: '', json: '1' })).toMatchObject({
      status: 0,
      request: 'ERROR_ZERO_CAPTCHA_FILESIZE',
    });
    expect(await res({ key: KEY, action: 'get', id: '42', json: '1' })).toMatchObject({
      status: 0,
      request: 'ERROR_WRONG_CAPTCHA_ID',
    });
    const task = (await submit({
      key: KEY,
      method: 'base64',
      body: base64Of(pngPicture('a')),
      json: '1',
    })) as {
      request: string;
    };
    expect(await res({ key: KEY, action: 'get', id: task.request, json: '1' })).toMatchObject({
      status: 0,
      request: 'ERROR_CAPTCHA_UNSOLVABLE',
    });
    sim?.configure({ balance: 0 });
    expect(
      await submit({ key: KEY, method: 'base64', body: base64Of(pngPicture('b')), json: '1' }),
    ).toMatchObject({
      status: 0,
      request: 'ERROR_ZERO_BALANCE',
    });
  });
});

describe('plain text answers and file uploads', () => {
  it('answers OK|… without json=1 and takes a multipart file with method=post', async () => {
    await start({ answerFor: () => 'Pn5Rs8' });
    const form = new FormData();
    form.set('key', KEY);
    form.set('method', 'post');
    form.set('file', new Blob([Buffer.from(pngPicture('upload'))], { type: 'image/png' }), 'captcha.png');
    const submitted = await (await fetch(`${sim?.url}/in.php`, { method: 'POST', body: form })).text();
    expect(submitted).toMatch(/^OK\|\d+$/);
    const id = submitted.slice(3);
    expect(await res({ key: KEY, action: 'get', id })).toBe('OK|Pn5Rs8');
    expect(await res({ key: 'wrong', action: 'get', id })).toBe('ERROR_KEY_DOES_NOT_EXIST');
    expect(sim?.requests()).toEqual({ 'in.php': 1, 'res.php': 2 });
  });
});
