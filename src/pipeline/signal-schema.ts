import { z } from 'zod';
import { SEALED_REFERENCE } from './ports/sealed-values';
import { HUMAN_CHOICES, SIGNAL, type Signal } from './signals';

const actor = z.string().min(1).max(200);
const CODE = /^[A-Za-z0-9]{4,12}$/;
const CODE_SHAPE = 'a code is 4 to 12 letters or digits';
const _code = z.string().trim().regex(CODE, CODE_SHAPE);
/** A mailed value kept in the secret store, by reference. */
const sealed = z.string().regex(SEALED_REFERENCE, 'a sealed reference');
const codeOrSealed = z
  .string()
  .trim()
  .refine((v) => CODE.test(v) || SEALED_REFERENCE.test(v), CODE_SHAPE);

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
    payload: z.object({ code: codeOrSealed, line: z.string().max(32).optional() }),
  }),
  z.object({ name: z.literal(SIGNAL.human), actor, payload: z.object({ choice: z.enum(HUMAN_CHOICES) }) }),
]);

// The schema and the Signal type describe the same thing; the compiler holds them to it, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _schemaMatchesSignal: Same<z.infer<typeof signalSchema>, Signal> = true;
