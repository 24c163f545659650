// Tests src/phone/contact-flow.ts and the template infra/contact-flow.json: the blocks Amazon Connect runs for a
// call to our line, their transitions, and the placeholders phone:setup fills in.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type ContactFlow,
  type ContactFlowAction,
  contactFlowPlaceholders,
  contactFlowTemplatePath,
  loadContactFlow,
  transitionTargets,
} from '../../src/phone/contact-flow';
import { FLOW_AUDIO, MAX_FLOW_DIGITS } from '../../src/phone/dtmf';

const VALUES = {
  PHONE_LAMBDA_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:sandbox-teardown-phone',
  PHONE_AUDIO_BASE_URL: 'https://acme-phone-audio.s3.us-east-1.amazonaws.com/teardown/audio/',
};
const template = readFileSync(contactFlowTemplatePath, 'utf8');
const flow = loadContactFlow(VALUES);
const block = (id: string): ContactFlowAction => {
  const found = flow.Actions.find((action) => action.Identifier === id);
  if (!found) throw new Error(`no block ${id}`);
  return found;
};
const mediaUri = (action: ContactFlowAction) => (action.Parameters.Media as { Uri: string }).Uri;
/** Every block reachable from the start. */
const reachable = (f: ContactFlow) => {
  const seen = new Set<string>();
  const queue = [f.StartAction];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const action = f.Actions.find((a) => a.Identifier === id);
    if (action) queue.push(...transitionTargets(action));
  }
  return seen;
};

describe('the template', () => {
  it('names exactly the documented placeholders, and nothing is left after loading', () => {
    const named = new Set([...template.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]));
    expect([...named].sort()).toEqual(Object.keys(contactFlowPlaceholders).sort());
    expect(JSON.stringify(flow)).not.toMatch(/\$\{/);
    expect(block('ask-what-to-play').Parameters.LambdaFunctionARN).toBe(VALUES.PHONE_LAMBDA_ARN);
  });

  it('is flow language 2019-10-30 with identifiers Connect accepts', () => {
    expect(flow.Version).toBe('2019-10-30');
    for (const action of flow.Actions) {
      expect(action.Identifier.length).toBeLessThanOrEqual(50);
      expect(action.Identifier).not.toMatch(/[%:()\\/=$,;[\]{}]/);
    }
  });

  it('waits 10 s in silence for AWS to speak first, then asks the Lambda within 8 s for a flat answer', () => {
    const start = block(flow.StartAction);
    expect(start.Type).toBe('MessageParticipant');
    expect(mediaUri(start)).toBe(`${VALUES.PHONE_AUDIO_BASE_URL}${FLOW_AUDIO.waitForInstructions.name}`);
    expect(FLOW_AUDIO.waitForInstructions.ms).toBe(10_000);
    expect(start.Transitions.NextAction).toBe('ask-what-to-play');
    const ask = block('ask-what-to-play');
    expect(ask.Type).toBe('InvokeLambdaFunction');
    expect(Number(ask.Parameters.InvocationTimeLimitSeconds)).toBeLessThanOrEqual(8);
    expect(ask.Parameters.ResponseValidation).toEqual({ ResponseType: 'STRING_MAP' });
    expect(ask.Transitions.Errors).toEqual([{ NextAction: 'hang-up', ErrorType: 'NoMatchingError' }]);
  });

  it('branches on $.External.action: play the digits, wait and ask again (bounded), or hang up', () => {
    const choose = block(block('ask-what-to-play').Transitions.NextAction as string);
    expect(choose.Type).toBe('Compare');
    expect(choose.Parameters.ComparisonValue).toBe('$.External.action');
    const on = Object.fromEntries(
      (choose.Transitions.Conditions ?? []).map((c) => [c.Condition.Operands[0], c.NextAction]),
    );
    expect(on).toEqual({ play: 'play-digit-1', wait: 'count-wait-rounds', none: 'hang-up' });
    expect(choose.Transitions.Errors).toEqual([{ NextAction: 'hang-up', ErrorType: 'NoMatchingCondition' }]);

    const loop = block('count-wait-rounds');
    expect(loop.Type).toBe('Loop');
    const rounds = Number(loop.Parameters.LoopCount);
    expect(rounds).toBeGreaterThan(0);
    expect(rounds).toBeLessThanOrEqual(100);
    const loopOn = Object.fromEntries(
      (loop.Transitions.Conditions ?? []).map((c) => [c.Condition.Operands[0], c.NextAction]),
    );
    expect(loopOn).toEqual({ ContinueLooping: 'pause-before-asking-again', DoneLooping: 'hang-up' });
    const pause = block('pause-before-asking-again');
    expect(mediaUri(pause)).toBe(`${VALUES.PHONE_AUDIO_BASE_URL}${FLOW_AUDIO.pauseBeforeAskingAgain.name}`);
    expect(pause.Transitions.NextAction).toBe('ask-what-to-play');
    // Long enough for the browser to store the PIN it read, not longer than AWS's call stays on the line.
    const waitingMs = rounds * FLOW_AUDIO.pauseBeforeAskingAgain.ms;
    expect(waitingMs).toBeGreaterThanOrEqual(30_000);
    expect(waitingMs).toBeLessThanOrEqual(120_000);
  });

  it('plays digitCount digits from the audio URLs the Lambda named, holds 3 s, then hangs up', () => {
    for (let n = 1; n <= MAX_FLOW_DIGITS; n++) {
      const play = block(`play-digit-${n}`);
      expect(play.Type).toBe('MessageParticipant');
      expect(play.Parameters.Media).toEqual({
        Uri: `$.External.digit${n}`,
        SourceType: 'S3',
        MediaType: 'Audio',
      });
      if (n < MAX_FLOW_DIGITS) {
        const check = block(play.Transitions.NextAction as string);
        expect(check.Parameters.ComparisonValue).toBe('$.External.digitCount');
        expect(check.Transitions.Conditions).toEqual([
          { NextAction: 'hold-after-digits', Condition: { Operator: 'Equals', Operands: [String(n)] } },
        ]);
        expect(check.Transitions.Errors?.[0]?.NextAction).toBe(`play-digit-${n + 1}`);
      } else {
        expect(play.Transitions.NextAction).toBe('hold-after-digits');
      }
    }
    const hold = block('hold-after-digits');
    expect(mediaUri(hold)).toBe(`${VALUES.PHONE_AUDIO_BASE_URL}${FLOW_AUDIO.holdAfterDigits.name}`);
    expect(hold.Transitions.NextAction).toBe('hang-up');
    expect(block('hang-up')).toMatchObject({ Type: 'DisconnectParticipant', Transitions: {} });
  });

  it('has no block that cannot be reached, and every block but the hang-up leads on', () => {
    expect([...reachable(flow)].sort()).toEqual(flow.Actions.map((a) => a.Identifier).sort());
    for (const action of flow.Actions) {
      if (action.Type === 'DisconnectParticipant') continue;
      expect(transitionTargets(action).length).toBeGreaterThan(0);
    }
  });
});

describe('loadContactFlow', () => {
  it('puts values in as they are, even ones JSON would have to escape', () => {
    const odd = loadContactFlow({ ...VALUES, PHONE_LAMBDA_ARN: 'arn:aws:lambda:x:1:function:"quoted"\\' });
    expect(odd.Actions.find((a) => a.Type === 'InvokeLambdaFunction')?.Parameters.LambdaFunctionARN).toBe(
      'arn:aws:lambda:x:1:function:"quoted"\\',
    );
  });

  it('refuses missing values and an audio URL Connect cannot fetch from', () => {
    expect(() => loadContactFlow({ ...VALUES, PHONE_LAMBDA_ARN: ' ' })).toThrow(
      /no value for PHONE_LAMBDA_ARN/,
    );
    expect(() =>
      loadContactFlow({ ...VALUES, PHONE_AUDIO_BASE_URL: 's3://acme-phone-audio/teardown/audio/' }),
    ).toThrow(/PHONE_AUDIO_BASE_URL must be an https:\/\/ URL ending in \//);
    expect(() =>
      loadContactFlow({ ...VALUES, PHONE_AUDIO_BASE_URL: 'https://acme.s3.amazonaws.com/audio' }),
    ).toThrow(/ending in \//);
  });

  it('refuses a template with an unknown placeholder, a dangling transition, a missing start or a duplicate block', () => {
    const edit = (change: (f: { StartAction: string; Actions: Array<Record<string, unknown>> }) => void) => {
      const copy = JSON.parse(template);
      change(copy);
      return JSON.stringify(copy);
    };
    expect(() =>
      loadContactFlow(
        VALUES,
        edit((f) => {
          (f.Actions[0] as { Parameters: unknown }).Parameters = { Text: `\${PHONE_GREETING}` };
        }),
      ),
    ).toThrow(/unknown placeholder PHONE_GREETING/);
    expect(() =>
      loadContactFlow(
        VALUES,
        edit((f) => {
          (f.Actions[0] as { Transitions: unknown }).Transitions = { NextAction: 'nowhere' };
        }),
      ),
    ).toThrow(/"wait-for-instructions" goes to "nowhere", which does not exist/);
    expect(() =>
      loadContactFlow(
        VALUES,
        edit((f) => {
          f.StartAction = 'begin';
        }),
      ),
    ).toThrow(/the start block "begin" does not exist/);
    expect(() =>
      loadContactFlow(
        VALUES,
        edit((f) => {
          f.Actions.push(f.Actions[1] as Record<string, unknown>);
        }),
      ),
    ).toThrow(/block "ask-what-to-play" is defined twice/);
    expect(() =>
      loadContactFlow(
        VALUES,
        edit((f) => {
          (f.Actions[0] as { Transitions: unknown }).Transitions = {};
        }),
      ),
    ).toThrow(/"wait-for-instructions" leads nowhere/);
  });
});
