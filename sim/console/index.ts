/**
 * AWS console simulator: sign-in, CAPTCHA, password recovery and reset, post-password checks, console home, the
 * billing sign-up wizard, the account page (closing as root), and an Organizations front before moto.
 */
export { spkiHash } from './cert';
export { encodeQuotedPrintable } from './mail';
export { REMOVAL_WAIT_MS } from './organizations-front';
export { AWS_SMS_SENDER, REGISTRATION_URL, RESUBSCRIBE_URL, WIZARD_URL } from './portal-app';
export { seedFromOrganizations } from './seed';
export { type AccountChanges, ConsoleSim, startConsoleSim } from './server';
export type * from './types';
