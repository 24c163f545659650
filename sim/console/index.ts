/** AWS console simulator: sign-in, CAPTCHA, password recovery and reset, post-password checks, console home. */
export { spkiHash } from './cert';
export { encodeQuotedPrintable } from './mail';
export { seedFromOrganizations } from './seed';
export { ConsoleSim, startConsoleSim } from './server';
export type * from './types';
