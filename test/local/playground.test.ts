import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import vm from 'node:vm';
import type { BlockAction } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SlackSim } from '../../sim/slack';
import {
  type AccountsAnswer,
  contentType,
  createPlayground,
  escapeHtml,
  type PlaygroundOptions,
  type PlaygroundState,
  playgroundScript,
  SCRIPT_GLOBAL,
} from '../../src/local/playground/server';
import {
  DEFAULT_REALISM,
  type LiveAccount,
  type OutsideActivity,
  REALISM_KNOBS,
  type Realism,
  realismControl,
} from '../../src/local/realism';
import { startBoltOnSim } from '../sim/slack/helpers';
import { encodePng } from '../support/test-chromium';

const C = 'C0PLAYGROUND';
const SECRET = 'playground-signing-secret';
const REQUESTER = { id: 'U0REQUEST', name: 'riley', role: 'requester' };
const APPROVER = { id: 'U0APPROVE', name: 'alex', role: 'approver' };
const OUTSIDER = { id: 'U0OUTSIDE', name: 'olive <img src=x onerror=alert(1)> & co', role: 'outsider' };

/** A real 2x2 RGB PNG (red, blue / black, white), so its bytes are known. */
const PNG = encodePng(
  2,
  2,
  3,
  (x, y) =>
    [
      [255, 0, 0],
      [0, 0, 255],
      [0, 0, 0],
      [255, 255, 255],
    ][y * 2 + x] ?? [0, 0, 0],
);

let sim: SlackSim;
let server: Server;
let base: string;
/** The page's script as the server inlines it. */
let script: string;
/** Requests that reached the stand-in bot. */
let delivered = 0;

/** A small bot: a request message with buttons, a screenshot in the thread, a modal with a check. */
async function startBot(): Promise<void> {
  const bolt = await startBoltOnSim(
    {
      signingSecret: SECRET,
      users: [REQUESTER, APPROVER, OUTSIDER],
      channels: [{ id: C, name: 'sandbox-requests' }],
    },
    () => delivered++,
  );
  ({ sim } = bolt);
  const { app } = bolt;
  app.command('/sandbox', async ({ ack, body, client }) => {
    await ack({ text: `Got it: ${body.text}` });
    await client.chat.postMessage({
      channel: body.channel_id,
      text: `Teardown requested: ${body.text}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Teardown request' } },
        { type: 'section', text: { type: 'mrkdwn', text: `*Request:* ${body.text} by <@${body.user_id}>` } },
        {
          type: 'actions',
          block_id: 'decide',
          elements: [
            {
              type: 'button',
              action_id: 'approve',
              value: body.text,
              style: 'primary',
              text: { type: 'plain_text', text: 'Approve' },
              confirm: {
                title: { type: 'plain_text', text: 'Tear it down?' },
                text: { type: 'mrkdwn', text: 'This *cannot* be undone.' },
                confirm: { type: 'plain_text', text: 'Yes, approve' },
                deny: { type: 'plain_text', text: 'Not yet' },
                style: 'danger',
              },
            },
            { type: 'button', action_id: 'quiz', value: 'quiz', text: { type: 'plain_text', text: 'Check' } },
          ],
        },
      ],
    });
  });
  app.action<BlockAction>('approve', async ({ ack, body, client }) => {
    await ack();
    await client.filesUploadV2({
      channel_id: C,
      thread_ts: body.container.message_ts,
      file: PNG,
      filename: 'screenshot.png',
      title: 'Console <b>screenshot</b>',
      initial_comment: `Approved by <@${body.user.id}>`,
    });
  });
  app.action<BlockAction>('quiz', async ({ ack, body, client }) => {
    await ack();
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: 'modal',
        callback_id: 'quiz',
        title: { type: 'plain_text', text: 'Quick check' },
        submit: { type: 'plain_text', text: 'Submit' },
        close: { type: 'plain_text', text: 'Cancel' },
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'Type *yes* to go on.' } },
          {
            type: 'input',
            block_id: 'answer',
            label: { type: 'plain_text', text: 'Answer' },
            element: { type: 'plain_text_input', action_id: 'value' },
          },
        ],
      },
    });
  });
  app.view('quiz', async ({ ack, view, body, client }) => {
    if (view.state.values.answer?.value?.value !== 'yes') {
      await ack({ response_action: 'errors', errors: { answer: 'The answer is <yes>' } });
      return;
    }
    await ack();
    await client.chat.postMessage({ channel: C, text: `<@${body.user.id}> passed the check` });
  });
  await bolt.start();
}

beforeAll(async () => {
  script = await playgroundScript();
  await startBot();
  const playground = createPlayground({
    sim,
    channel: { id: C, name: 'sandbox-requests' },
    users: [REQUESTER, APPROVER, OUTSIDER],
    accounts: [{ id: '111122223333', name: 'demo <dev>', note: 'closes in seconds' }],
  });
  server = createServer(async (req, res) => {
    if (!(await playground(req, res))) {
      res.writeHead(418, { 'Content-Type': 'text/plain' });
      res.end('routed elsewhere');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await sim?.close();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function state(user: string): Promise<PlaygroundState> {
  const res = await fetch(`${base}/playground/state?user=${user}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as PlaygroundState;
}

/**
 * The browser script's pure renderers, run exactly as the page runs them (the bundle exports them), with the
 * one browser global they use besides the language's own.
 */
function clientApi() {
  return vm.runInNewContext(`${script}\n;${SCRIPT_GLOBAL}`, { URL });
}

describe('the playground page', () => {
  it('is served with a nonce CSP that its inline script and style carry', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain(`style-src 'nonce-${nonce}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("img-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    const tags = html.match(/<(script|style)\b[^>]*>/g) ?? [];
    expect(tags).toHaveLength(3);
    for (const tag of tags) expect(tag).toContain(`nonce="${nonce}"`);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain(`<script nonce="${nonce}">${script}</script>`);
    expect(html).not.toMatch(/\s(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);

    const again = await fetch(`${base}/`);
    expect(again.headers.get('content-security-policy')).not.toContain(nonce);
  });

  it('escapes the names and roles it renders on the server', async () => {
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toContain('olive &lt;img src=x onerror=alert(1)&gt; &amp; co');
    expect(html).not.toContain('<img src=x');
    // The boot JSON for the script cannot close its element either.
    const boot = /<script type="application\/json" id="boot"[^>]*>([^<]*)<\/script>/.exec(html)?.[1] ?? '';
    expect(JSON.parse(boot).users[2].name).toBe(OUTSIDER.name);
    // A fixed account list and nothing else: the page has the accounts panel only.
    expect(JSON.parse(boot).panels).toEqual({ accounts: true, activity: false, realism: false });
    expect(html).toContain('id="accounts"');
    expect(html).not.toContain('id="activity"');
    expect(html).not.toContain('id="realism"');
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;',
    );
  });

  it('answers only / and /playground/*, leaving other paths to the caller', async () => {
    expect((await fetch(`${base}/slack/events`, { method: 'POST', body: 'x' })).status).toBe(418);
    expect((await fetch(`${base}/favicon.ico`)).status).toBe(418);
    const missing = await fetch(`${base}/playground/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no playground route /playground/nope' });
    const wrongMethod = await fetch(`${base}/playground/command`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect((await fetch(`${base}/playground/favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
  });
});

describe('using the bot through the playground', () => {
  it('runs command -> message with buttons -> approve -> screenshot in the thread', async () => {
    sim.reset();
    const command = await post('/playground/command', {
      user: REQUESTER.id,
      text: '/sandbox delete 123456789012',
    });
    expect(command.status).toBe(200);
    expect(command.json).toMatchObject({ ok: true, status: 200 });
    expect(JSON.parse(String(command.json.body))).toEqual({ text: 'Got it: delete 123456789012' });
    const posted = await sim.waitFor((s) => s.messages(C)[0]);
    expect(sim.deliveries.at(-1)?.request.body).toContain('text=delete+123456789012');

    const mine = await state(REQUESTER.id);
    expect(mine.user).toEqual(REQUESTER);
    expect(mine.channel).toEqual({ id: C, name: 'sandbox-requests' });
    expect(mine.messages).toHaveLength(1);
    const [message] = mine.messages;
    expect(message).toMatchObject({
      ts: posted.ts,
      bot: true,
      text: 'Teardown requested: delete 123456789012',
    });
    const actions = message?.blocks.find((b) => b.type === 'actions');
    expect(actions?.elements).toMatchObject([
      { action_id: 'approve', style: 'primary', confirm: { title: { text: 'Tear it down?' } } },
      { action_id: 'quiz' },
    ]);
    // The ack's text shows once, to the requester only (the sim records it; the playground does not repeat it).
    expect(mine.ephemerals).toEqual([
      { ts: expect.any(String), text: 'Got it: delete 123456789012', blocks: [], source: 'command_response' },
    ]);
    expect((await state(APPROVER.id)).ephemerals).toEqual([]);
    expect(mine.names[REQUESTER.id]).toBe('riley');

    const approved = await post('/playground/action', {
      user: APPROVER.id,
      messageTs: message?.ts,
      actionId: 'approve',
      blockId: 'decide',
      value: 'delete 123456789012',
    });
    expect(approved).toMatchObject({ status: 200, json: { ok: true, status: 200 } });
    await sim.waitFor((s) => s.thread(C, posted.ts)[0]?.files?.length);

    const after = await state(APPROVER.id);
    const reply = after.messages[0]?.replies[0];
    expect(reply?.text).toBe(`Approved by <@${APPROVER.id}>`);
    const file = reply?.files[0];
    expect(file).toMatchObject({
      name: 'screenshot.png',
      title: 'Console <b>screenshot</b>',
      mimetype: 'image/png',
      isImage: true,
      size: PNG.length,
    });
    expect(file?.url).toBe(`/playground/files/${sim.files[0]?.id}`);
    const bytes = await fetch(`${base}${file?.url}`);
    expect(bytes.status).toBe(200);
    expect(bytes.headers.get('content-type')).toBe('image/png');
    expect(bytes.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await bytes.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(`${base}/playground/files/F0NOPE`)).status).toBe(404);

    // What the browser draws from it: the thread with the image, the buttons, the file title escaped.
    const html: string = clientApi().renderTimeline(after, {});
    expect(html).toContain(`<img src="${file?.url}"`);
    expect(html).toContain('data-action-id="approve" data-block-id="decide" data-confirm="1"');
    expect(html).toContain('class="bk-btn primary"');
    expect(html).toContain('Console &lt;b&gt;screenshot&lt;/b&gt;');
    expect(html).toContain('<span class="mention">@alex</span>');
    expect(html).toContain('1 reply');
  });

  it('shows a modal to its user only, with the errors the bot answers, until a right answer closes it', async () => {
    sim.reset();
    await post('/playground/command', { user: REQUESTER.id, text: 'delete 123456789012' });
    const posted = await sim.waitFor((s) => s.messages(C)[0]);
    const clicked = await post('/playground/action', {
      user: APPROVER.id,
      messageTs: posted.ts,
      actionId: 'quiz',
    });
    expect(clicked.status).toBe(200);
    const opened = await sim.waitFor((s) => s.views.find((v) => v.callback_id === 'quiz'));

    const { modal } = await state(APPROVER.id);
    expect(modal).toMatchObject({
      viewId: opened.id,
      title: 'Quick check',
      submit: 'Submit',
      close: 'Cancel',
    });
    expect(modal?.blocks).toHaveLength(2);
    expect((await state(REQUESTER.id)).modal).toBeNull();
    expect((await state(OUTSIDER.id)).modal).toBeNull();

    const wrong = await post('/playground/view', {
      user: APPROVER.id,
      viewId: opened.id,
      values: { answer: { value: 'no' } },
    });
    expect(wrong.status).toBe(200);
    expect(wrong.json).toMatchObject({ responseAction: 'errors', errors: { answer: 'The answer is <yes>' } });
    const withErrors = await state(APPROVER.id);
    expect(withErrors.modal?.errors).toEqual({ answer: 'The answer is <yes>' });
    const modalHtml: string = clientApi().renderModal(withErrors.modal, withErrors.names);
    expect(modalHtml).toContain('data-error-for="answer">The answer is &lt;yes&gt;</div>');
    expect(modalHtml).toContain('data-block-id="answer" data-action-id="value" data-type="plain_text_input"');

    // Someone else cannot submit it.
    const foreign = await post('/playground/view', { user: OUTSIDER.id, viewId: opened.id, values: {} });
    expect(foreign.status).toBe(400);

    const right = await post('/playground/view', {
      user: APPROVER.id,
      viewId: opened.id,
      values: { answer: { value: 'yes' } },
    });
    expect(right.json).toMatchObject({ ok: true, responseAction: null, closed: true });
    expect((await state(APPROVER.id)).modal).toBeNull();
    await sim.waitFor((s) => s.messages(C).find((m) => m.text.endsWith('passed the check')));
  });

  it('closes a modal without submitting it', async () => {
    sim.reset();
    await post('/playground/command', { user: REQUESTER.id, text: 'delete 123456789012' });
    const posted = await sim.waitFor((s) => s.messages(C)[0]);
    await post('/playground/action', { user: APPROVER.id, messageTs: posted.ts, actionId: 'quiz' });
    const opened = await sim.waitFor((s) => s.views[0]);
    expect((await post('/playground/close', { user: REQUESTER.id, viewId: opened.id })).status).toBe(400);
    expect((await state(APPROVER.id)).modal?.viewId).toBe(opened.id);
    expect(await post('/playground/close', { user: APPROVER.id, viewId: opened.id })).toEqual({
      status: 200,
      json: { ok: true },
    });
    expect((await state(APPROVER.id)).modal).toBeNull();
  });

  it('changes the state version only when what the user sees changes', async () => {
    sim.reset();
    const empty = await state(REQUESTER.id);
    expect((await state(REQUESTER.id)).version).toBe(empty.version);
    await post('/playground/command', { user: REQUESTER.id, text: 'delete 123456789012' });
    await sim.waitFor((s) => s.messages(C)[0]);
    const after = await state(REQUESTER.id);
    expect(after.version).not.toBe(empty.version);
    expect((await state(REQUESTER.id)).version).toBe(after.version);
  });
});

describe('escaping', () => {
  it('keeps raw Slack text in the state JSON and escapes it when the page renders it', async () => {
    sim.reset();
    const evil = '<script>alert(1)</script> <img src=x onerror=alert(2)> <javascript:alert(3)|click>';
    await post('/playground/command', { user: REQUESTER.id, text: evil });
    await sim.waitFor((s) => s.messages(C)[0]);
    const raw = await state(REQUESTER.id);
    expect(raw.messages[0]?.text).toBe(`Teardown requested: ${evil}`);
    expect(raw.ephemerals[0]?.text).toBe(`Got it: ${evil}`);

    const html: string = clientApi().renderTimeline(raw, {});
    expect(html).not.toMatch(/<script|<img src=x|href="javascript/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('&lt;javascript:alert(3)|click&gt;');
    expect(html).toContain('Only visible to you');
  });

  it('turns mrkdwn into a small, safe subset of HTML', () => {
    const { mrkdwn, escapeHtml: clientEscape } = clientApi();
    const names = { U1: 'ada <b>' };
    expect(
      mrkdwn(
        '*bold* _it_ ~gone~ `a<b` <@U1> <https://example.com/?a=1&amp;b=2|the "site"> <https://x.test/"onmouseover=1>',
        names,
      ),
    ).toBe(
      '<b>bold</b> <i>it</i> <s>gone</s> <code>a&lt;b</code> <span class="mention">@ada &lt;b&gt;</span> ' +
        '<a href="https://example.com/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">' +
        'the &quot;site&quot;</a> &lt;https://x.test/&quot;onmouseover=1&gt;',
    );
    expect(mrkdwn('<data:text/html,hi|x> &lt;b&gt; :white_check_mark:\n> quote', {})).toBe(
      '&lt;data:text/html,hi|x&gt; &lt;b&gt; ✅<br><blockquote>quote</blockquote>',
    );
    expect(mrkdwn('```\n<pre>*not bold*\n```', {})).toBe('<pre>&lt;pre&gt;*not bold*\n</pre>');
    expect(clientEscape(`<"'&\``)).toBe(escapeHtml(`<"'&\``));
  });

  it("renders a button's confirm dialog from its own texts", () => {
    const { renderConfirm, findAction } = clientApi();
    const confirm = {
      title: { type: 'plain_text', text: 'Sure <now>?' },
      text: { type: 'mrkdwn', text: 'This *cannot* be undone.' },
      confirm: { type: 'plain_text', text: 'Yes' },
      deny: { type: 'plain_text', text: 'No' },
      style: 'danger',
    };
    const found = findAction(
      {
        messages: [
          {
            ts: '1.000001',
            blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'go', confirm }] }],
          },
        ],
        ephemerals: [],
      },
      '1.000001',
      'go',
    );
    expect(found.element.confirm).toEqual(confirm);
    const html: string = renderConfirm(confirm, {});
    expect(html).toContain('<h2>Sure &lt;now&gt;?</h2>');
    expect(html).toContain('This <b>cannot</b> be undone.');
    expect(html).toContain('class="bk-btn confirm-danger" data-act="confirm-yes">Yes</button>');
    expect(html).toContain('data-act="confirm-no">No</button>');
  });

  it('shows a picture in a modal when it is a file of this workspace, and says why when it is not', () => {
    const html: string = clientApi().renderModal(
      {
        viewId: 'V1',
        hash: 'h',
        callbackId: 'captcha_answer',
        title: 'Solve the CAPTCHA',
        submit: 'Send',
        close: 'Cancel',
        errors: {},
        blocks: [
          { type: 'image', slack_file: { id: 'F0CAPTCHA' }, alt_text: 'CAPTCHA' },
          { type: 'image', image_url: 'https://elsewhere.example/x.png', alt_text: 'a remote <picture>' },
          {
            type: 'input',
            block_id: 'captcha',
            label: { type: 'plain_text', text: 'Characters in the picture' },
            element: { type: 'plain_text_input', action_id: 'answer' },
          },
        ],
      },
      {},
    );
    expect(html).toContain('<img src="/playground/files/F0CAPTCHA" alt="CAPTCHA" loading="lazy">');
    expect(html).toContain('a remote &lt;picture&gt;: not shown');
    expect(html).not.toContain('elsewhere.example');
    expect(html).toContain('data-block-id="captcha" data-action-id="answer" data-type="plain_text_input"');
  });

  it('serves files as images only by their bytes', () => {
    const html = Buffer.from('<html><script>alert(1)</script>');
    expect(contentType({ bytes: PNG, filename: 'shot.txt' })).toMatchObject({
      mimetype: 'image/png',
      isImage: true,
    });
    expect(contentType({ bytes: html, filename: 'shot.png' })).toMatchObject({
      mimetype: 'application/octet-stream',
      isImage: false,
    });
    expect(contentType({ bytes: html, filename: 'page.html' }).mimetype).toBe('text/plain; charset=utf-8');
    expect(contentType({ bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0]), filename: 'a' }).mimetype).toBe(
      'image/jpeg',
    );
  });
});

describe('bad input', () => {
  it('answers 400 with a clear error and sends nothing to the bot', async () => {
    sim.reset();
    await post('/playground/command', { user: REQUESTER.id, text: 'delete 123456789012' });
    const posted = await sim.waitFor((s) => s.messages(C)[0]);
    await post('/playground/action', { user: APPROVER.id, messageTs: posted.ts, actionId: 'quiz' });
    const view = await sim.waitFor((s) => s.views[0]);
    const before = delivered;

    const cases: Array<[string, unknown, RegExp]> = [
      ['/playground/command', '{"user":', /not valid JSON/],
      ['/playground/command', '[1,2]', /must be a JSON object/],
      ['/playground/command', { text: 'delete 1' }, /missing field 'user'/],
      ['/playground/command', { user: REQUESTER.id }, /missing field 'text'/],
      ['/playground/command', { user: 'U0NOBODY', text: 'x' }, /unknown user 'U0NOBODY'/],
      ['/playground/command', { user: REQUESTER.id, text: 42 }, /'text' must be a string/],
      ['/playground/command', { user: REQUESTER.id, text: '/other thing' }, /unknown command '\/other'/],
      ['/playground/command', { user: REQUESTER.id, text: 'x'.repeat(70 * 1024) }, /larger than 65536 bytes/],
      ['/playground/action', { user: APPROVER.id, actionId: 'approve' }, /missing field 'messageTs'/],
      ['/playground/action', { user: APPROVER.id, messageTs: '1.000001', actionId: 'approve' }, /no message/],
      ['/playground/action', { user: APPROVER.id, messageTs: posted.ts, actionId: 'nope' }, /no element/],
      [
        '/playground/action',
        { user: APPROVER.id, messageTs: posted.ts, actionId: 'approve', value: 'forged' },
        /carries value/,
      ],
      ['/playground/view', { user: APPROVER.id, viewId: 'V0NOPE', values: {} }, /no open modal V0NOPE/],
      [
        '/playground/view',
        { user: APPROVER.id, viewId: view.id, values: { answer: 'x' } },
        /must be an object/,
      ],
      [
        '/playground/view',
        { user: APPROVER.id, viewId: view.id, values: {} },
        /required input answer\/value/,
      ],
      ['/playground/close', { user: APPROVER.id }, /missing field 'viewId'/],
    ];
    for (const [path, body, error] of cases) {
      const res = await post(path, body);
      expect(res.status, `${path} ${JSON.stringify(body).slice(0, 80)}`).toBe(400);
      expect(String(res.json.error)).toMatch(error);
    }
    const noUser = await fetch(`${base}/playground/state`);
    expect(noUser.status).toBe(400);
    expect((await fetch(`${base}/playground/state?user=U0NOBODY`)).status).toBe(400);
    expect(delivered).toBe(before);
  });

  it('refuses requests from other sites and non-loopback host names', async () => {
    const before = delivered;
    const crossSite = await post(
      '/playground/command',
      { user: REQUESTER.id, text: 'delete 123456789012' },
      { Origin: 'http://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    const fetchMeta = await post(
      '/playground/command',
      { user: REQUESTER.id, text: 'delete 123456789012' },
      { 'Sec-Fetch-Site': 'cross-site' },
    );
    expect(fetchMeta.status).toBe(403);
    const crossRead = await fetch(`${base}/playground/state?user=${REQUESTER.id}`, {
      headers: { 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(crossRead.status).toBe(403);
    // A link to the page from elsewhere still opens it.
    expect((await fetch(`${base}/`, { headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(200);
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/playground/state?user=${REQUESTER.id}`, {
        headers: { Host: 'evil.example:3000' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(403);
    expect(delivered).toBe(before);
  });
});

/** Just enough DOM for the page script's main(): elements by id, listeners, attributes. */
class FakeElement {
  innerHTML = '';
  textContent = '';
  value = '';
  disabled = false;
  scrollTop = 0;
  scrollHeight = 0;
  clientHeight = 0;
  selectionStart: number | null = null;
  selectionEnd: number | null = null;
  readonly listeners: Record<string, (event: unknown) => void> = {};
  readonly classList = { add: () => {}, remove: () => {} };
  constructor(
    readonly attrs: Record<string, string> = {},
    readonly found: Record<string, FakeElement[]> = {},
  ) {}
  addEventListener(type: string, listener: (event: unknown) => void) {
    this.listeners[type] = listener;
  }
  getAttribute(name: string) {
    return this.attrs[name] ?? null;
  }
  closest() {
    return this;
  }
  querySelector() {
    return null;
  }
  querySelectorAll(selector: string) {
    return this.found[selector] ?? [];
  }
  appendChild() {}
  remove() {}
  focus() {}
}

describe('the page script in a stand-in DOM', () => {
  it('renders the channel, sends the composer line, asks before a confirm button, submits a modal', async () => {
    sim.reset();
    const answer = new FakeElement({
      'data-input': '1',
      'data-block-id': 'answer',
      'data-action-id': 'value',
      'data-type': 'plain_text_input',
      'data-optional': '',
    });
    const boot = new FakeElement();
    boot.textContent = JSON.stringify({
      command: '/sandbox',
      channel: { id: C, name: 'x' },
      users: [REQUESTER, APPROVER],
    });
    const byId: Record<string, FakeElement> = {
      boot,
      'modal-root': new FakeElement({}, { '[data-input]': [answer] }),
    };
    for (const id of ['timeline', 'as', 'composer-input', 'composer', 'status', 'confirm-root', 'toasts']) {
      byId[id] = new FakeElement();
    }
    const document = new FakeElement({}, { '#modal-root [data-input]': [answer] });
    // Polling is driven by hand: each 700 ms re-arm is recorded, and `poll()` runs the page's refresh once.
    const armed: Array<() => void> = [];
    let refresh: (() => void) | undefined;
    const rearmed = () => new Promise<void>((resolve) => armed.push(resolve));
    const poll = async () => {
      const done = rearmed();
      refresh?.();
      await done;
    };
    const context = {
      document: Object.assign(document, {
        getElementById: (id: string) => byId[id] ?? null,
        createElement: () => new FakeElement(),
      }),
      location: { hash: `#as=${APPROVER.id}` },
      localStorage: { getItem: () => null, setItem: () => {} },
      CSS: { escape: (s: string) => s },
      fetch: (path: string, init?: RequestInit) => fetch(`${base}${path}`, init),
      URL,
      setTimeout: (fn: () => void, ms: number) => {
        if (ms === 700) {
          refresh = fn;
          armed.shift()?.();
        }
        return 0;
      },
      clearTimeout: () => {},
    };
    const el = (id: string) => byId[id] as FakeElement;
    const click = (attrs: Record<string, string>) =>
      document.listeners.click?.({ target: new FakeElement(attrs) });

    let loaded = rearmed();
    vm.runInNewContext(script, context);
    await loaded;
    expect(el('as').value).toBe(APPROVER.id);
    expect(el('timeline').innerHTML).toContain('Nothing here yet');

    // Enter in the composer; the page refreshes after every post.
    el('composer-input').value = '/sandbox delete 123456789012';
    loaded = rearmed();
    el('composer').listeners.submit?.({ preventDefault: () => {} });
    await loaded;
    const posted = await sim.waitFor((s) => s.messages(C)[0]);
    await poll();
    expect(el('timeline').innerHTML).toContain('Teardown request');
    expect(el('composer-input').value).toBe('');

    // A confirm button asks first; "Not yet" sends nothing, "Yes, approve" sends the click.
    const approve = { 'data-act': 'block-action', 'data-ts': posted.ts, 'data-action-id': 'approve' };
    const before = delivered;
    click(approve);
    expect(el('confirm-root').innerHTML).toContain('Tear it down?');
    expect(el('confirm-root').innerHTML).toContain('Yes, approve');
    click({ 'data-act': 'confirm-no' });
    await poll();
    expect(el('confirm-root').innerHTML).toBe('');
    expect(delivered).toBe(before);
    click(approve);
    loaded = rearmed();
    click({ 'data-act': 'confirm-yes' });
    await loaded;
    await sim.waitFor((s) => s.thread(C, posted.ts)[0]?.files?.length);
    await poll();
    expect(el('timeline').innerHTML).toContain('<img src="/playground/files/');

    // The modal: opened by a button, submitted with the typed answer.
    loaded = rearmed();
    click({ 'data-act': 'block-action', 'data-ts': posted.ts, 'data-action-id': 'quiz' });
    await loaded;
    await sim.waitFor((s) => s.views[0]);
    await poll();
    expect(el('modal-root').innerHTML).toContain('Quick check');
    answer.value = 'yes';
    loaded = rearmed();
    click({ 'data-act': 'modal-submit' });
    await loaded;
    await sim.waitFor((s) => s.messages(C).find((m) => m.text.endsWith('passed the check')));
    await poll();
    expect(el('modal-root').innerHTML).toBe('');
  });
});

/** A playground over the same sim with the side panels fed by the given options; closed by the caller. */
async function panelPlayground(
  extra: Pick<PlaygroundOptions, 'accounts' | 'liveAccounts' | 'activity' | 'realism'>,
  onRequest: () => void = () => {},
): Promise<{ url: string; close(): Promise<void> }> {
  const handler = createPlayground({
    sim,
    channel: { id: C, name: 'sandbox-requests' },
    users: [REQUESTER],
    ...extra,
  });
  const panelServer = createServer(async (req, res) => {
    onRequest();
    if (!(await handler(req, res))) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => panelServer.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(panelServer.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => panelServer.close(() => resolve())),
  };
}

async function getJson(url: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function postJson(
  url: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const MANAGEMENT: LiveAccount = {
  id: '000000000001',
  name: 'management',
  note: 'the management account',
  state: 'ACTIVE',
  deletable: false,
};

describe('the demo accounts side list', () => {
  it('serves a fixed list as it was given, and the page says nothing about what it cannot know', async () => {
    const { json } = await getJson(`${base}/playground/accounts`);
    expect(json).toEqual({
      accounts: [{ id: '111122223333', name: 'demo <dev>', note: 'closes in seconds' }],
      live: false,
    });
    const html: string = clientApi().renderAccounts(json);
    expect(html).toContain('demo &lt;dev&gt;');
    expect(html).toContain('data-account="111122223333"');
    expect(html).not.toMatch(/can be torn down|would be refused/);
  });

  it('reads every account live on each request, so a closed one stops saying it can be torn down', async () => {
    const sandbox: LiveAccount = {
      id: '210987654321',
      name: 'sandbox <one>',
      note: 'Sandbox OU',
      state: 'ACTIVE',
      deletable: true,
    };
    const left: LiveAccount = {
      id: '333344445555',
      name: 'gone',
      note: 'removed earlier',
      state: 'REMOVED',
      deletable: false,
    };
    let reads = 0;
    let requests = 0;
    /** Resolves once the server has received `count` requests in all. */
    let requested: { count: number; resolve(): void } | undefined;
    let gate: Promise<void> = Promise.resolve();
    const panel = await panelPlayground(
      {
        liveAccounts: async () => {
          reads++;
          await gate;
          return [MANAGEMENT, { ...sandbox }, left];
        },
      },
      () => {
        requests++;
        if (requested && requests >= requested.count) requested.resolve();
      },
    );
    try {
      const html = await (await fetch(`${panel.url}/`)).text();
      const boot = /<script type="application\/json" id="boot"[^>]*>([^<]*)<\/script>/.exec(html)?.[1] ?? '';
      expect(JSON.parse(boot).panels).toEqual({ accounts: true, activity: false, realism: false });
      // The example in the message box is never the management account (always refused).
      expect(html).not.toContain(MANAGEMENT.id);

      const before = (await getJson(`${panel.url}/playground/accounts`)).json as unknown as AccountsAnswer;
      expect(before).toEqual({ accounts: [MANAGEMENT, sandbox, left], live: true });
      const api = clientApi();
      expect(api.exampleAccount(before)).toBe(sandbox.id);
      const shown: string = api.renderAccounts(before);
      expect(shown.match(/<li>/g)).toHaveLength(3);
      expect(shown).toContain('sandbox &lt;one&gt;');
      expect(itemOf(shown, sandbox.id)).toContain('ACTIVE');
      expect(itemOf(shown, sandbox.id)).toContain('can be torn down');
      expect(itemOf(shown, MANAGEMENT.id)).toContain('a request would be refused');
      expect(itemOf(shown, left.id)).toContain('REMOVED — left the organization');

      sandbox.state = 'SUSPENDED';
      sandbox.deletable = false;
      const after = (await getJson(`${panel.url}/playground/accounts`)).json as unknown as AccountsAnswer;
      expect(api.exampleAccount(after)).toBeNull();
      const closed: string = api.renderAccounts(after);
      expect(itemOf(closed, sandbox.id)).toContain('SUSPENDED — closed');
      expect(itemOf(closed, sandbox.id)).not.toContain('can be torn down');
      expect(closed).not.toContain('can be torn down');

      // Pages asking while a read of AWS is under way share it.
      let open = () => {};
      gate = new Promise((resolve) => {
        open = resolve;
      });
      const readsBefore = reads;
      const allThree = new Promise<void>((resolve) => {
        requested = { count: requests + 3, resolve };
      });
      const answers = [1, 2, 3].map(() => getJson(`${panel.url}/playground/accounts`));
      await allThree;
      open();
      for (const answer of await Promise.all(answers)) expect(answer.json).toEqual(after);
      expect(reads - readsBefore).toBe(1);
    } finally {
      await panel.close();
    }
  });

  it('answers 502 with the reason when the accounts cannot be read, and logs it', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const panel = await panelPlayground({
      liveAccounts: async () => {
        throw new Error('moto is not answering');
      },
    });
    try {
      const { status, json } = await getJson(`${panel.url}/playground/accounts`);
      expect(status).toBe(502);
      expect(json.error).toBe('could not read the demo accounts: moto is not answering');
      expect(logged).toHaveBeenCalledWith('playground: could not read the demo accounts', expect.any(Error));
    } finally {
      logged.mockRestore();
      await panel.close();
    }
  });
});

/** The side list item that holds the account `id`. */
function itemOf(html: string, id: string): string {
  return html.split('<li>').find((item) => item.includes(`data-account="${id}"`)) ?? '';
}

describe('the outside world panel', () => {
  const seen: OutsideActivity = {
    calls: [
      { at: Date.UTC(2025, 0, 1, 10, 0, 5), to: '+15550101', digits: '4821', ended: 'completed' },
      { at: Date.UTC(2025, 0, 1, 10, 0, 1), to: '+15550102', digits: '', ended: 'no answer' },
    ],
    texts: [
      { at: Date.UTC(2025, 0, 1, 10, 0, 3), to: '+15550103', from: 'AWS', body: 'Your code is <913552>' },
    ],
    mails: [
      {
        at: Date.UTC(2025, 0, 1, 10, 0, 2),
        to: 'root@x.example',
        subject: 'Password reset',
        kind: 'reset link',
      },
      { at: Date.UTC(2025, 0, 1, 10, 0, 9), to: 'root@y.example', subject: 'Sign-in code', kind: 'code' },
    ],
  };

  it('serves what the outside world saw, each kind newest first, and the page lists them all newest first', async () => {
    const panel = await panelPlayground({ activity: () => seen });
    try {
      const { status, json } = await getJson(`${panel.url}/playground/activity`);
      expect(status).toBe(200);
      expect((json.calls as OutsideActivity['calls']).map((c) => c.to)).toEqual(['+15550101', '+15550102']);
      expect((json.mails as OutsideActivity['mails']).map((m) => m.subject)).toEqual([
        'Sign-in code',
        'Password reset',
      ]);
      const html: string = clientApi().renderActivity(json);
      const order = ['Sign-in code', '+15550101', '+15550103', 'Password reset', '+15550102'].map((text) =>
        html.indexOf(text),
      );
      expect(order.every((at) => at >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(html).toContain('AWS heard <code>4821</code>; completed');
      expect(html).toContain('AWS heard no digits; no answer');
      expect(html).toContain('“Your code is &lt;913552&gt;”');
      expect(html).toContain('“Password reset”, reset link');
      expect(html.match(/<li>/g)).toHaveLength(5);
      expect(clientApi().renderActivity({ calls: [], texts: [], mails: [] })).toContain('Nothing yet');
    } finally {
      await panel.close();
    }
  });

  it('is not there when the stack tells the playground nothing', async () => {
    const { status, json } = await getJson(`${base}/playground/activity`);
    expect(status).toBe(404);
    expect(json.error).toMatch(/not told what the outside world saw/);
  });
});

describe('the realism knobs', () => {
  it('serves the values and knobs, applies a good change and refuses a bad one without changing anything', async () => {
    const applied: Realism[] = [];
    const panel = await panelPlayground({ realism: realismControl(DEFAULT_REALISM, (r) => applied.push(r)) });
    try {
      const html = await (await fetch(`${panel.url}/`)).text();
      expect(html).toContain('id="realism"');
      expect(html).not.toContain('id="activity"');
      const start = await getJson(`${panel.url}/playground/realism`);
      expect(start).toEqual({ status: 200, json: { values: DEFAULT_REALISM, knobs: REALISM_KNOBS } });

      const changed = await postJson(`${panel.url}/playground/realism`, {
        callMs: 30_000,
        captchaGiveUpRate: '0.5',
      });
      expect(changed.status).toBe(200);
      const values = { ...DEFAULT_REALISM, callMs: 30_000, captchaGiveUpRate: 0.5 };
      expect(changed.json.values).toEqual(values);
      expect(applied.at(-1)).toEqual(values);
      const appliedBefore = applied.length;

      const bad: Array<[unknown, RegExp]> = [
        [{ mailDelayMs: 1000, callMs: -1 }, /^callMs must be a number from 0 to 120000 \(milliseconds\)$/],
        [{ captchaGiveUpRate: 2 }, /^captchaGiveUpRate must be a number from 0 to 1$/],
        [{ pageLoadMs: 'soon' }, /^pageLoadMs must be a number/],
        [{ teaMs: 5 }, /^unknown knob 'teaMs'/],
        ['{"callMs":', /not valid JSON/],
      ];
      for (const [body, error] of bad) {
        const answer = await postJson(`${panel.url}/playground/realism`, body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(String(answer.json.error)).toMatch(error);
      }
      expect((await getJson(`${panel.url}/playground/realism`)).json.values).toEqual(values);
      expect(applied).toHaveLength(appliedBefore);

      const other = await fetch(`${panel.url}/playground/realism`, { method: 'PUT', body: '{}' });
      expect(other.status).toBe(405);
      expect(other.headers.get('allow')).toBe('GET, POST');

      // The page's form: one number field per knob, with the knob's range and its current value.
      const form: string = clientApi().renderRealism(start.json);
      expect(form.match(/<input type="number"/g)).toHaveLength(REALISM_KNOBS.length);
      expect(form).toContain(
        `data-knob="callMs" min="0" max="120000" step="1000" value="${DEFAULT_REALISM.callMs}"`,
      );
      expect(form).toContain('2captcha gives up (share)');
    } finally {
      await panel.close();
    }
  });

  it('answers 404 where the stack has no knobs', async () => {
    expect((await getJson(`${base}/playground/realism`)).status).toBe(404);
    expect((await postJson(`${base}/playground/realism`, { callMs: 1 })).status).toBe(404);
  });
});

describe('links in the bot messages', () => {
  const PERMALINK = `https://sim-workspace.slack.com/archives/${C}/p1700000000123456`;

  it('opens Slack permalinks and the thread link in the page; other links stay as they are', () => {
    const { mrkdwn, renderTimeline } = clientApi();
    expect(mrkdwn(`<${PERMALINK}|Open the thread>`, {})).toBe(
      `<a href="#thread=1700000000.123456" data-act="open-thread" data-channel="${C}" ` +
        'data-thread="1700000000.123456" data-reply="1700000000.123456" title="Opens the thread on this page">' +
        'Open the thread</a>',
    );
    // A reply's permalink opens its parent's thread at the reply.
    const reply = mrkdwn(`<${PERMALINK}?thread_ts=1699999999.000100&cid=${C}>`, {});
    expect(reply).toContain('data-thread="1699999999.000100" data-reply="1700000000.123456"');
    expect(reply).toContain('>Open the thread</a>');
    expect(mrkdwn(`<https://slack.com/archives/${C}/p1700000000123456|x>`, {})).toContain(
      'data-act="open-thread"',
    );
    expect(mrkdwn(`<https://app.slack.com/client/T0SIM/${C}/thread/${C}-1700000000.123456|x>`, {})).toContain(
      'data-thread="1700000000.123456"',
    );
    expect(mrkdwn('<https://sim-workspace.slack.com/|our workspace>', {})).toContain(
      'data-act="open-channel"',
    );

    const elsewhere = [
      'https://console.aws.amazon.com/billing/home',
      'https://api.slack.com/methods/chat.getPermalink',
      'https://slack.com/help/articles/203950418',
    ];
    for (const url of elsewhere) {
      expect(mrkdwn(`<${url}|there>`, {})).toBe(
        `<a href="${url}" target="_blank" rel="noopener noreferrer">there</a>`,
      );
    }

    // Wherever the bot puts a link (mrkdwn, rich text, a link button), none leads to the made-up workspace.
    const html: string = renderTimeline(
      {
        command: '/sandbox',
        names: {},
        ephemerals: [],
        messages: [
          {
            ts: '1700000000.123456',
            user: 'B1',
            userName: 'bot',
            bot: true,
            text: '',
            files: [],
            edited: false,
            replies: [],
            blocks: [
              {
                type: 'section',
                text: { type: 'mrkdwn', text: `<${PERMALINK}|Open the thread> <${PERMALINK}>` },
              },
              {
                type: 'rich_text',
                elements: [{ type: 'rich_text_section', elements: [{ type: 'link', url: PERMALINK }] }],
              },
              {
                type: 'actions',
                elements: [{ type: 'button', text: { type: 'plain_text', text: 'Thread' }, url: PERMALINK }],
              },
              { type: 'section', text: { type: 'mrkdwn', text: `<${elsewhere[0]}|Billing>` } },
            ],
          },
        ],
      },
      {},
    );
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([
      '#thread=1700000000.123456',
      '#thread=1700000000.123456',
      '#thread=1700000000.123456',
      '#thread=1700000000.123456',
      elsewhere[0],
    ]);
    expect(html).toContain('class="bk-btn" href="#thread=1700000000.123456" data-act="open-thread"');
    expect(html).not.toContain('sim-workspace');
  });

  it('leaves links that are not web or mail links as text', () => {
    const { mrkdwn, slackTarget } = clientApi();
    expect(mrkdwn('<javascript:alert(1)|x>', {})).toBe('&lt;javascript:alert(1)|x&gt;');
    expect(slackTarget('https://evil.example/archives/C1/p1700000000123456')).toBeNull();
    expect(slackTarget('https://slack.com.evil.example/archives/C1/p1700000000123456')).toBeNull();
  });
});
