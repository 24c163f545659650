import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackSim, startSlackSim, validateMessageBlocks, validateModalView } from '../../../sim/slack';
import { clientFor, slackError } from './helpers';

const C = 'C0BLOCKS';
const text = (t: string, type = 'mrkdwn') => ({ type, text: t });
const button = (actionId: string, label = 'Go', extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: actionId,
  text: text(label, 'plain_text'),
  ...extra,
});

let sim: SlackSim;
beforeAll(async () => {
  sim = await startSlackSim();
});
afterAll(async () => {
  await sim.close();
});

async function rejected(blocks: unknown[]) {
  return slackError(clientFor(sim).apiCall('chat.postMessage', { channel: C, text: 'fallback', blocks }));
}

describe('message blocks', () => {
  it('accepts a realistic message using every supported block type', async () => {
    const blocks = [
      { type: 'header', text: text('Sandbox teardown', 'plain_text') },
      { type: 'section', block_id: 'summary', text: text('x'.repeat(3000)), accessory: button('details') },
      { type: 'section', fields: [text('*Account*'), text('123456789012')] },
      {
        type: 'context',
        elements: [
          text('requested by <@U1>'),
          { type: 'image', image_url: 'https://x/y.png', alt_text: 'y' },
        ],
      },
      { type: 'divider' },
      { type: 'image', image_url: 'https://example.com/a.png', alt_text: 'chart' },
      { type: 'rich_text', elements: [] },
      { type: 'file', external_id: 'ABCD', source: 'remote' },
      {
        type: 'input',
        label: text('Reason', 'plain_text'),
        element: { type: 'plain_text_input', action_id: 'reason' },
      },
      {
        type: 'actions',
        elements: Array.from({ length: 25 }, (_, i) =>
          button(`a${i}`, 'x'.repeat(75), { value: `v${i}`, style: 'primary' }),
        ),
      },
    ];
    await expect(clientFor(sim).chat.postMessage({ channel: C, text: 'ok', blocks })).resolves.toMatchObject({
      ok: true,
    });
  });

  it.each([
    [
      'more than 50 blocks',
      Array.from({ length: 51 }, () => ({ type: 'divider' })),
      'no more than 50 items allowed [json-pointer:/blocks]',
    ],
    [
      'an unknown block type',
      [{ type: 'video' }],
      'unsupported block type: video [json-pointer:/blocks/0/type]',
    ],
    ['a block without type', [{ text: text('x') }], '[json-pointer:/blocks/0/type]'],
    [
      'section text over 3000',
      [{ type: 'section', text: text('x'.repeat(3001)) }],
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'a section without text or fields',
      [{ type: 'section' }],
      'must provide text or fields [json-pointer:/blocks/0]',
    ],
    [
      'header text over 150',
      [{ type: 'header', text: text('x'.repeat(151), 'plain_text') }],
      'must be less than 151 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'a mrkdwn header',
      [{ type: 'header', text: text('hi') }],
      'must be one of: plain_text [json-pointer:/blocks/0/text/type]',
    ],
    [
      'button text over 75',
      [{ type: 'actions', elements: [button('a', 'x'.repeat(76))] }],
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
    ],
    [
      'action_id over 255',
      [{ type: 'actions', elements: [button('a'.repeat(256))] }],
      'must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]',
    ],
    [
      'more than 25 actions',
      [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`a${i}`)) }],
      'no more than 25 items allowed [json-pointer:/blocks/0/elements]',
    ],
    [
      'an empty actions block',
      [{ type: 'actions', elements: [] }],
      'must have at least 1 items [json-pointer:/blocks/0/elements]',
    ],
    [
      'duplicate block_id',
      [
        { type: 'divider', block_id: 'b' },
        { type: 'divider', block_id: 'b' },
      ],
      'duplicate block_id: b [json-pointer:/blocks/1/block_id]',
    ],
    [
      'duplicate action_id across blocks',
      [
        { type: 'section', text: text('x'), accessory: button('same') },
        { type: 'actions', elements: [button('same')] },
      ],
      'duplicate action_id: same [json-pointer:/blocks/1/elements/0/action_id]',
    ],
    [
      'a bad button style',
      [{ type: 'actions', elements: [button('a', 'x', { style: 'loud' })] }],
      '[json-pointer:/blocks/0/elements/0/style]',
    ],
    [
      'an image without alt_text',
      [{ type: 'image', image_url: 'https://x/y.png' }],
      'missing required field: alt_text [json-pointer:/blocks/0]',
    ],
    [
      'an input without element',
      [{ type: 'input', label: text('L', 'plain_text') }],
      'missing required field: element [json-pointer:/blocks/0]',
    ],
  ])('rejects %s with invalid_blocks', async (_name, blocks, message) => {
    const { error, messages } = await rejected(blocks);
    expect(error).toBe('invalid_blocks');
    expect(messages.some((m) => m.startsWith('[ERROR]') && m.includes(message))).toBe(true);
  });

  it('rejects blocks that are not an array with invalid_blocks_format', async () => {
    const res = await slackError(
      clientFor(sim).apiCall('chat.postMessage', { channel: C, text: 'x', blocks: { type: 'divider' } }),
    );
    expect(res.error).toBe('invalid_blocks_format');
  });

  it('validates blocks on chat.update and chat.postEphemeral too', async () => {
    const client = clientFor(sim);
    const posted = await client.chat.postMessage({ channel: C, text: 'ok' });
    const bad = [{ type: 'header', text: text('x'.repeat(151), 'plain_text') }];
    expect(
      (await slackError(client.apiCall('chat.update', { channel: C, ts: posted.ts, blocks: bad }))).error,
    ).toBe('invalid_blocks');
    expect(
      (
        await slackError(
          client.apiCall('chat.postEphemeral', { channel: C, user: 'U1', text: 'x', blocks: bad }),
        )
      ).error,
    ).toBe('invalid_blocks');
  });

  it('reports every problem, not just the first', () => {
    const problems = validateMessageBlocks([
      { type: 'header', text: text('x'.repeat(151), 'plain_text') },
      { type: 'nope' },
    ]);
    expect(problems).toHaveLength(2);
  });
});

describe('modal views', () => {
  const modal = (extra: Record<string, unknown> = {}) => ({
    type: 'modal',
    title: text('Tear down', 'plain_text'),
    blocks: [],
    ...extra,
  });

  it('accepts a modal with inputs and a submit button', () => {
    const input = {
      type: 'input',
      block_id: 'b',
      label: text('L', 'plain_text'),
      element: { type: 'plain_text_input', action_id: 'a' },
    };
    expect(validateModalView(modal({ blocks: [input], submit: text('Go', 'plain_text') }))).toEqual([]);
  });

  it.each([
    ['a title over 24 characters', modal({ title: text('x'.repeat(25), 'plain_text') }), '/view/title/text'],
    ['a missing title', { type: 'modal', blocks: [] }, '/view/title'],
    ['a non-modal type', modal({ type: 'home' }), '/view/type'],
    [
      'more than 100 blocks',
      modal({ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }),
      '/view/blocks',
    ],
    [
      'inputs without submit',
      modal({
        blocks: [{ type: 'input', label: text('L', 'plain_text'), element: { type: 'plain_text_input' } }],
      }),
      '/view/submit',
    ],
    ['private_metadata over 3000', modal({ private_metadata: 'x'.repeat(3001) }), '/view/private_metadata'],
  ])('rejects %s', (_name, view, pointer) => {
    expect(validateModalView(view).some((m) => m.includes(`[json-pointer:${pointer}]`))).toBe(true);
  });
});
