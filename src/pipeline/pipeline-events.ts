import { z } from 'zod';
import type { Worker } from './catalogue';
import type { TeardownNotice } from './ports/notifier';
import { signalSchema } from './signal-schema';
import type { Signal } from './signals';

const accountId = z.string().regex(/^\d{12}$/, 'an account id is 12 digits');
const teardownId = z.string().min(1).max(64);
const worker = z.enum(['pipeline', 'browser'] satisfies Worker[]);

// A notice carries a whole teardown record; its shape is the pipeline's own (it wrote it), so only what the
// receiver relies on is checked and the rest passes through.
const teardownShape = z.looseObject({
  accountId,
  teardownId,
  status: z.string(),
  step: z.string(),
  stepStatus: z.string(),
  version: z.number().int(),
});
const eventShape = z.looseObject({ accountId, teardownId, action: z.string(), version: z.number().int() });

const pipelineEventSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('advance'),
    accountId,
    teardownId: teardownId.optional(),
    worker: worker.optional(),
  }),
  z.object({
    action: z.literal('resume'),
    accountId,
    teardownId: teardownId.optional(),
    signal: signalSchema,
  }),
  z.object({ action: z.literal('sweep') }),
  z.object({ action: z.literal('forget-root-credentials'), accountId, teardownId }),
  z.object({
    action: z.literal('notify'),
    notice: z.looseObject({ teardown: teardownShape, previous: teardownShape.optional(), event: eventShape }),
  }),
]);

/** What the pipeline (and browser) Lambda is invoked with: by dispatch, timers, the sweeper and the other Lambdas. */
export type PipelineEvent =
  | { action: 'advance'; accountId: string; teardownId?: string; worker?: Worker }
  | { action: 'resume'; accountId: string; teardownId?: string; signal: Signal }
  | { action: 'sweep' }
  /** The post-closure period of a removed account is over: its root password and MFA key go. */
  | { action: 'forget-root-credentials'; accountId: string; teardownId: string }
  /** A transition another function made, to show in Slack here (so the bot answers Slack without waiting). */
  | { action: 'notify'; notice: TeardownNotice };

export type ParsedEvent = { ok: true; event: PipelineEvent } | { ok: false; reason: string };

/** Checks an incoming event; a malformed one comes back with the reason, to be logged and dropped. */
export function parsePipelineEvent(raw: unknown): ParsedEvent {
  const result = pipelineEventSchema.safeParse(raw);
  if (result.success) return { ok: true, event: result.data as PipelineEvent };
  return { ok: false, reason: z.prettifyError(result.error) };
}
