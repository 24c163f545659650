import { z } from 'zod';
import { HUMAN_CHOICES, SIGNAL, type Signal } from './signals';

const actor = z.string().min(1).max(200);
const code = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{4,12}$/, 'a code is 4 to 12 letters or digits');
/** A mailed value kept in the secret store, by reference (see ports/sealed-values.ts). */
const SEALED = /^sealed:\d{12}\/[A-Za-z0-9._-]{1,64}\/[a-z-]{1,32}$/;
const sealed = z.string().regex(SEALED, 'a sealed reference');
const codeOrSealed = z
  .string()
  .trim()
  .refine((v) => /^[A-Za-z0-9]{4,12}$/.test(v) || SEALED.test(v), 'a code is 4 to 12 letters or digits');

/** Schemas of every signal, by name: how a signal arriving in an event is checked before it is used. */
export const signalSchema = z.discriminatedUnion('name', [
  z.object({
    name: z.literal(SIGNAL.approval),
    actor,
    payload: z.object({ decision: z.enum(['approve', 'deny']) }),
  }),
  z.object({
    name: z.literal(SIGNAL.captchaAnswer),
    actor,
    payload: z.object({ answer: z.string().trim().min(1).max(64) }),
  }),
  z.object({
    name: z.literal(SIGNAL.resetLink),
    actor,
    payload: z.object({ link: z.union([sealed, z.url({ protocol: /^https$/ }).max(4096)]) }),
  }),
  z.object({
    name: z.literal(SIGNAL.signInCode),
    actor,
    payload: z.object({ code: codeOrSealed }),
  }),
  z.object({
    name: z.literal(SIGNAL.phoneCode),
    actor,
    payload: z.object({ code, line: z.string().max(32).optional() }),
  }),
  z.object({ name: z.literal(SIGNAL.human), actor, payload: z.object({ choice: z.enum(HUMAN_CHOICES) }) }),
]);

// The schema and the Signal type describe the same thing; the compiler holds them to it, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _schemaMatchesSignal: Same<z.infer<typeof signalSchema>, Signal> = true;
