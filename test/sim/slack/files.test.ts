import { afterEach, describe, expect, it } from 'vitest';
import { type SlackSim, startSlackSim } from '../../../sim/slack';
import { clientFor, slackError } from './helpers';

const C = 'C0FILES';

let sim: SlackSim;
afterEach(async () => {
  await sim?.close();
});

describe('file uploads', () => {
  it('uploads a Buffer into a thread end to end with WebClient.filesUploadV2', async () => {
    sim = await startSlackSim();
    const client = clientFor(sim);
    const parent = await client.chat.postMessage({ channel: C, text: 'Teardown report' });
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 256));

    const res = await client.filesUploadV2({
      channel_id: C,
      thread_ts: parent.ts ?? '',
      file: bytes,
      filename: 'report.bin',
      title: 'Teardown report',
      initial_comment: 'Here it is',
    });
    expect(res.ok).toBe(true);

    expect(sim.callsTo('files.getUploadURLExternal')[0]?.args).toMatchObject({
      filename: 'report.bin',
      length: '5000',
    });
    expect(sim.files).toHaveLength(1);
    const [file] = sim.files;
    expect(file).toMatchObject({
      filename: 'report.bin',
      title: 'Teardown report',
      channel: C,
      thread_ts: parent.ts,
      initialComment: 'Here it is',
      length: 5000,
    });
    expect(file?.bytes.equals(bytes)).toBe(true);

    const replies = sim.thread(C, parent.ts ?? '');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ text: 'Here it is', thread_ts: parent.ts, ts: file?.messageTs });
    expect(replies[0]?.files?.[0]?.id).toBe(file?.id);
    expect(sim.messages(C)).toHaveLength(1);
  });

  it('uploads text content to a channel', async () => {
    sim = await startSlackSim();
    await clientFor(sim).filesUploadV2({ channel_id: C, content: 'héllo', filename: 'notes.txt' });
    expect(sim.files[0]?.bytes.toString('utf8')).toBe('héllo');
    expect(sim.files[0]?.title).toBe('notes.txt');
    expect(sim.messages(C)[0]?.files?.[0]?.filename).toBe('notes.txt');
  });

  it('accepts raw bytes posted to the upload URL and keeps unshared files private', async () => {
    sim = await startSlackSim();
    const client = clientFor(sim);
    const { upload_url, file_id } = await client.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });
    expect(upload_url).toBe(`${sim.baseUrl}/upload/${file_id}`);
    const upload = await fetch(upload_url ?? '', { method: 'POST', body: 'abc' });
    expect(upload.status).toBe(200);
    expect(await upload.text()).toBe('OK - 3');
    const done = await client.files.completeUploadExternal({ files: [{ id: file_id ?? '', title: 'A' }] });
    expect(done.files?.[0]).toMatchObject({ id: file_id, title: 'A' });
    expect(sim.files[0]?.title).toBe('A');
    expect(sim.files[0]?.channel).toBeUndefined();
    expect(sim.files[0]?.bytes.toString()).toBe('abc');
  });

  it('rejects invalid uploads like Slack', async () => {
    sim = await startSlackSim();
    const client = clientFor(sim);
    const error = async (method: string, args: Record<string, unknown>) =>
      (await slackError(client.apiCall(method, args))).error;

    expect(await error('files.getUploadURLExternal', { filename: 'a.txt', length: 0 })).toBe(
      'invalid_arguments',
    );
    expect(await error('files.getUploadURLExternal', { filename: 'a.txt' })).toBe('invalid_arguments');
    expect(await error('files.getUploadURLExternal', { length: 3 })).toBe('invalid_arguments');

    const { file_id } = await client.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });
    const files = [{ id: file_id }];
    // Bytes never uploaded.
    expect(await error('files.completeUploadExternal', { files, channel_id: C })).toBe('file_not_found');
    expect(await error('files.completeUploadExternal', { files: [{ id: 'F0NOPE' }] })).toBe('file_not_found');
    expect(await error('files.completeUploadExternal', { files: [] })).toBe('invalid_arguments');

    await fetch(`${sim.baseUrl}/upload/${file_id}`, { method: 'POST', body: 'abc' });
    expect(await error('files.completeUploadExternal', { files, thread_ts: '1700000000.000100' })).toBe(
      'invalid_arguments',
    );
    expect(
      await error('files.completeUploadExternal', { files, channel_id: C, thread_ts: '1700000000.000100' }),
    ).toBe('thread_not_found');
    await expect(
      client.files.completeUploadExternal({ files: [{ id: file_id ?? '' }], channel_id: C }),
    ).resolves.toMatchObject({ ok: true });
    // Completing twice is not possible.
    expect(await error('files.completeUploadExternal', { files, channel_id: C })).toBe('file_not_found');
    expect((await fetch(`${sim.baseUrl}/upload/F0NOPE`, { method: 'POST', body: 'x' })).status).toBe(404);
  });
});
