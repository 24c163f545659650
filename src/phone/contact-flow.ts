/**
 * The Amazon Connect contact flow that answers our phone lines, kept as a flow-language template in
 * `infra/contact-flow.json`. `npm run phone:setup` loads it with {@link loadContactFlow} and creates or updates the
 * flow from the result; sim/phone runs the same result, so the template is proven by running it.
 *
 * Placeholders (written `${NAME}` inside JSON string values; every one must be given):
 * - `PHONE_LAMBDA_ARN`: ARN of the phone Lambda (src/phone/lambda.ts), associated with the Connect instance.
 *   The "ask-what-to-play" block invokes it; it answers `action` = `play` | `wait` | `none`, and for `play`
 *   `digitCount` and `digit1`..`digit8` (the S3 URLs of the digits' tone WAVs).
 * - `PHONE_AUDIO_BASE_URL`: where the audio files of src/phone/dtmf.ts `phoneAudioFiles()` are, as an
 *   `https://<bucket>.s3.<region>.amazonaws.com/<prefix>/` URL ending in `/` (the bucket policy lets
 *   `connect.amazonaws.com` read them). The flow plays `silence-10s.wav` and `silence-3s.wav` from there; the
 *   Lambda names the digit files under the same URL (`PHONE_AUDIO_BASE_URL` in its environment too).
 *
 * The flow: Connect answers the call by starting the flow → 10 s of silence (AWS's call speaks its instructions
 * first) → ask the Lambda → `play`: the digits one prompt each (as many as `digitCount`), 3 s of silence, hang up;
 * `wait` (the page has not shown the PIN yet): 3 s of silence and ask again, at most 20 times; `none` or an error:
 * hang up.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const contactFlowPlaceholders = {
  PHONE_LAMBDA_ARN: 'ARN of the phone Lambda that decides what the call plays',
  PHONE_AUDIO_BASE_URL: 'https:// S3 URL (ending in /) under which the files of phoneAudioFiles() are stored',
} as const;

export type ContactFlowPlaceholder = keyof typeof contactFlowPlaceholders;
export type ContactFlowValues = Record<ContactFlowPlaceholder, string>;

const transitionTarget = z.object({ NextAction: z.string().min(1) }).loose();

const actionSchema = z
  .object({
    Identifier: z.string().min(1).max(50),
    Type: z.string().min(1),
    Parameters: z.record(z.string(), z.unknown()),
    Transitions: z
      .object({
        NextAction: z.string().min(1).optional(),
        Conditions: z
          .array(
            transitionTarget.extend({
              Condition: z.object({ Operator: z.string(), Operands: z.array(z.string()).min(1) }),
            }),
          )
          .optional(),
        Errors: z.array(transitionTarget.extend({ ErrorType: z.string().min(1) })).optional(),
      })
      .loose(),
  })
  .loose();

const flowSchema = z
  .object({
    Version: z.literal('2019-10-30'),
    StartAction: z.string().min(1),
    Actions: z.array(actionSchema).min(1),
  })
  .loose();

export type ContactFlow = z.infer<typeof flowSchema>;
export type ContactFlowAction = ContactFlow['Actions'][number];

/** The template's path in the repository. */
export const contactFlowTemplatePath = new URL('../../infra/contact-flow.json', import.meta.url);

/**
 * The contact flow with every placeholder replaced by its value (substituted inside parsed strings, so a value
 * cannot break the JSON), checked: known placeholders only, all given, unique identifiers, and every transition
 * (and the start) pointing to an existing block. Throws an Error naming what is wrong.
 */
export function loadContactFlow(values: ContactFlowValues, template?: string): ContactFlow {
  const text = template ?? readFileSync(contactFlowTemplatePath, 'utf8');
  const missing = Object.keys(contactFlowPlaceholders).filter(
    (name) => !values[name as ContactFlowPlaceholder]?.trim(),
  );
  if (missing.length > 0) throw new Error(`Contact flow: no value for ${missing.join(', ')}.`);
  if (!values.PHONE_AUDIO_BASE_URL.startsWith('https://') || !values.PHONE_AUDIO_BASE_URL.endsWith('/')) {
    throw new Error('Contact flow: PHONE_AUDIO_BASE_URL must be an https:// URL ending in /.');
  }
  const unknown = new Set<string>();
  const substituted = substitute(JSON.parse(text), values, unknown);
  if (unknown.size > 0) throw new Error(`Contact flow: unknown placeholder ${[...unknown].join(', ')}.`);
  const parsed = flowSchema.safeParse(substituted);
  if (!parsed.success) throw new Error(`Contact flow: ${z.prettifyError(parsed.error)}`);
  const problems = contactFlowProblems(parsed.data);
  if (problems.length > 0) throw new Error(`Contact flow:\n${problems.map((p) => `- ${p}`).join('\n')}`);
  return parsed.data;
}

/** What is wrong with a flow's structure: duplicate identifiers, transitions to blocks that do not exist. */
export function contactFlowProblems(flow: ContactFlow): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const action of flow.Actions) {
    if (ids.has(action.Identifier)) problems.push(`block "${action.Identifier}" is defined twice`);
    ids.add(action.Identifier);
  }
  if (!ids.has(flow.StartAction)) problems.push(`the start block "${flow.StartAction}" does not exist`);
  for (const action of flow.Actions) {
    for (const target of transitionTargets(action)) {
      if (!ids.has(target))
        problems.push(`block "${action.Identifier}" goes to "${target}", which does not exist`);
    }
    if (action.Type !== 'DisconnectParticipant' && transitionTargets(action).length === 0) {
      problems.push(`block "${action.Identifier}" leads nowhere`);
    }
  }
  return problems;
}

/** Every block a block may go to next. */
export function transitionTargets(action: ContactFlowAction): string[] {
  const t = action.Transitions;
  return [
    ...(t.NextAction ? [t.NextAction] : []),
    ...(t.Conditions ?? []).map((c) => c.NextAction),
    ...(t.Errors ?? []).map((e) => e.NextAction),
  ];
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

function substitute(node: unknown, values: ContactFlowValues, unknown: Set<string>): unknown {
  if (typeof node === 'string') {
    return node.replace(PLACEHOLDER, (whole, name: string) => {
      if (!Object.hasOwn(contactFlowPlaceholders, name)) {
        unknown.add(name);
        return whole;
      }
      return values[name as ContactFlowPlaceholder];
    });
  }
  if (Array.isArray(node)) return node.map((item) => substitute(item, values, unknown));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, substitute(value, values, unknown)]),
    );
  }
  return node;
}
