import { type Args, optString, requireString } from '../args';
import { isObject } from '../block-kit';
import { SlackApiError } from '../errors';
import { fileJson } from '../format';
import { newId } from '../ids';
import type { HttpReply, ParsedRequest } from '../server';
import type { SimState } from '../state';
import type { SimFile } from '../types';
import { requireChannel } from './content';
import type { MethodHandler } from './context';

export const getUploadURLExternal: MethodHandler = (args, { state, baseUrl }) => {
  const filename = requireString(args, 'filename', 'invalid_arguments');
  const lengthArg = optString(args, 'length');
  const length = lengthArg === undefined ? Number.NaN : Number(lengthArg);
  if (!Number.isInteger(length) || length <= 0) {
    throw new SlackApiError('invalid_arguments', ['[ERROR] length must be an integer greater than 0']);
  }
  const id = newId('F');
  state.uploads.set(id, {
    id,
    filename,
    length,
    altText: optString(args, 'alt_text'),
    snippetType: optString(args, 'snippet_type'),
    completed: false,
  });
  return { upload_url: `${baseUrl}/upload/${id}`, file_id: id };
};

export const completeUploadExternal: MethodHandler = (args, { state, config }) => {
  const requested = parseFiles(args);
  const threadTs = optString(args, 'thread_ts') || undefined;
  const channel = optString(args, 'channel_id') ? requireChannel(args, 'channel_id', config) : undefined;
  if (threadTs && !channel) {
    throw new SlackApiError('invalid_arguments', ['[ERROR] thread_ts requires channel_id']);
  }
  if (channel && threadTs && !state.findMessage(channel, threadTs))
    throw new SlackApiError('thread_not_found');

  const uploads = requested.map(({ id }) => {
    const upload = state.uploads.get(id);
    // Completing needs the bytes to have been posted to the upload URL first.
    if (!upload || upload.completed || !upload.bytes) throw new SlackApiError('file_not_found');
    return upload;
  });

  const initialComment = optString(args, 'initial_comment');
  const files: SimFile[] = uploads.map((upload, i) => {
    upload.completed = true;
    const bytes = upload.bytes ?? Buffer.alloc(0);
    return {
      id: upload.id,
      filename: upload.filename,
      title: requested[i]?.title ?? upload.filename,
      length: bytes.length,
      bytes,
      ...(upload.altText ? { altText: upload.altText } : {}),
      ...(upload.snippetType ? { snippetType: upload.snippetType } : {}),
      ...(channel ? { channel } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(initialComment ? { initialComment } : {}),
      completedAt: state.now(),
    };
  });
  if (channel) share(state, config.botUserId, channel, threadTs, initialComment ?? '', files);
  state.files.push(...files);
  return { files: files.map(fileJson) };
};

function share(
  state: SimState,
  user: string,
  channel: string,
  threadTs: string | undefined,
  text: string,
  files: SimFile[],
) {
  const message = state.addMessage({ channel, user, text, files, threadTs });
  for (const file of files) file.messageTs = message.ts;
}

function parseFiles(args: Args): Array<{ id: string; title?: string }> {
  const files = args.files;
  if (!Array.isArray(files) || files.length === 0) {
    throw new SlackApiError('invalid_arguments', ['[ERROR] files must be a non-empty JSON array']);
  }
  return files.map((file, i) => {
    if (!isObject(file) || typeof file.id !== 'string' || file.id === '') {
      throw new SlackApiError('invalid_arguments', [
        `[ERROR] missing required field: id [json-pointer:/files/${i}]`,
      ]);
    }
    return { id: file.id, ...(typeof file.title === 'string' ? { title: file.title } : {}) };
  });
}

/**
 * The upload URL endpoint (files.slack.com in reality). Takes the raw body, or the file part of a
 * multipart form: filesUploadV2 posts FormData with the bytes in a part named 'body'.
 */
export function handleUpload(fileId: string, req: ParsedRequest, state: SimState): HttpReply {
  const upload = state.uploads.get(fileId);
  if (!upload || upload.completed) return { status: 404, text: 'file not found' };
  let bytes: Buffer;
  if (req.body.kind === 'multipart') {
    const { files } = req.body;
    const part = files.find((f) => ['body', 'file', 'filename'].includes(f.name)) ?? files[0];
    if (!part) return { status: 400, text: 'no file part' };
    bytes = part.bytes;
  } else {
    bytes = req.rawBody;
  }
  upload.bytes = bytes;
  state.changed();
  return { status: 200, text: `OK - ${bytes.length}` };
}
