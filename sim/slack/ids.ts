import { randomBytes, randomInt } from 'node:crypto';

const ID_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Slack-looking object ids: prefix letter + uppercase alphanumerics (e.g. 'V0123ABCDE'). */
export function newId(prefix: string, length = 10): string {
  let id = prefix;
  for (let i = 0; i < length; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** Shaped like Slack's trigger ids ("13345224609.738474920.8088930838d88f008e0"). */
export function newTriggerId(nowMs: number): string {
  return `${Math.floor(nowMs / 1000)}.${randomInt(1e9)}.${randomBytes(10).toString('hex')}`;
}

export function newHash(nowMs: number): string {
  return `${Math.floor(nowMs / 1000)}.${randomBytes(6).toString('hex')}`;
}
