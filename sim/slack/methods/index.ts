import * as chat from './chat';
import type { MethodHandler } from './context';
import { authTest, usergroupsUsersList, usersInfo } from './directory';
import { completeUploadExternal, getUploadURLExternal } from './files';
import * as views from './views';

export type { MethodContext, MethodHandler } from './context';
export { handleUpload } from './files';
export { viewJson } from './views';

/** The Web API methods the simulator implements, by Slack method name. */
export const METHODS: ReadonlyMap<string, MethodHandler> = new Map([
  ['auth.test', authTest],
  ['chat.postMessage', chat.postMessage],
  ['chat.update', chat.update],
  ['chat.postEphemeral', chat.postEphemeral],
  ['views.open', views.open],
  ['files.getUploadURLExternal', getUploadURLExternal],
  ['files.completeUploadExternal', completeUploadExternal],
  ['usergroups.users.list', usergroupsUsersList],
  ['users.info', usersInfo],
]);

/** Methods counted by the per-channel message rate limit. */
export const RATE_LIMITED_METHODS = new Set(['chat.postMessage', 'chat.update']);
