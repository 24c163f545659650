/**
 * The playground page: HTML shell and CSS, with the browser script (./playground/browser, bundled) and the
 * boot data it starts from inlined (no external assets). Everything it renders from input is escaped.
 */
import { escapeHtml } from './html';
import type { PageBoot, PlaygroundChannel, PlaygroundUser } from './state';

/** JSON safe to place inside a <script> element (no '</script>', no HTML comment openers). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export interface PageOptions {
  nonce: string;
  command: string;
  channel: PlaygroundChannel;
  users: PlaygroundUser[];
  accounts: Array<{ id: string; name: string; note: string }>;
  /** The bundled browser script. */
  script: string;
}

export function renderPage(opts: PageOptions): string {
  const { nonce, command, channel, users, accounts, script } = opts;
  const n = escapeHtml(nonce);
  const userOptions = users
    .map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.name)} — ${escapeHtml(u.role)}</option>`)
    .join('');
  const accountItems = accounts.length
    ? accounts
        .map(
          (a) =>
            `<li><button type="button" class="account" data-act="account" data-account="${escapeHtml(a.id)}" ` +
            `title="Put ${escapeHtml(a.id)} into the composer"><span class="account-name">${escapeHtml(a.name)}</span>` +
            `<code>${escapeHtml(a.id)}</code></button><p class="account-note">${escapeHtml(a.note)}</p></li>`,
        )
        .join('')
    : '<li class="muted">No demo accounts configured.</li>';
  const peopleItems = users
    .map(
      (u) =>
        `<li><span class="person">${escapeHtml(u.name)}</span> <span class="role">${escapeHtml(u.role)}</span></li>`,
    )
    .join('');
  const boot = scriptJson({ command, channel, users } satisfies PageBoot);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>#${escapeHtml(channel.name)} — playground</title>
<link rel="icon" href="/playground/favicon.svg" type="image/svg+xml">
<style nonce="${n}">${PLAYGROUND_CSS}</style>
</head>
<body>
<div class="app">
  <aside class="sidebar">
    <div class="workspace">sandbox-teardown <span class="badge">offline</span></div>
    <div class="channel-link">#&nbsp;${escapeHtml(channel.name)}</div>
    <section>
      <h2>Demo accounts</h2>
      <p class="hint">Click one to put its id into the composer.</p>
      <ul class="accounts">${accountItems}</ul>
    </section>
    <section>
      <h2>People</h2>
      <ul class="people">${peopleItems}</ul>
    </section>
  </aside>
  <main class="main">
    <header class="topbar">
      <h1>#&nbsp;${escapeHtml(channel.name)}</h1>
      <span id="status" class="status" role="status"></span>
      <label class="you">You are
        <select id="as" aria-label="Act as">${userOptions}</select>
      </label>
    </header>
    <div id="timeline" class="timeline" aria-live="polite"><p class="empty">Loading…</p></div>
    <form id="composer" class="composer" autocomplete="off">
      <input id="composer-input" type="text" spellcheck="false" aria-label="Message"
        placeholder="${escapeHtml(`${command} delete 123456789012`)}  (Enter sends)">
      <button type="submit">Send</button>
    </form>
  </main>
</div>
<div id="modal-root"></div>
<div id="confirm-root"></div>
<div id="toasts" class="toasts" aria-live="assertive"></div>
<script type="application/json" id="boot" nonce="${n}">${boot}</script>
<script nonce="${n}">${script}</script>
</body>
</html>
`;
}

const PLAYGROUND_CSS = `
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{font:15px/1.46668 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d1c1d;background:#fff}
button,input,select,textarea{font:inherit}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
code{background:#f6f6f6;border:1px solid #e0e0e0;border-radius:3px;padding:1px 3px;color:#c01343}
pre{background:#f8f8f8;border:1px solid #e0e0e0;border-radius:4px;padding:8px;white-space:pre-wrap;margin:4px 0}
a{color:#1264a3;text-decoration:none}a:hover{text-decoration:underline}
.app{display:grid;grid-template-columns:280px 1fr;height:100vh}
.sidebar{background:#3f0e40;color:#cfc3cf;overflow:auto;padding:12px 14px}
.sidebar h2{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#fff;margin:18px 0 4px}
.workspace{font-weight:800;color:#fff;font-size:17px}
.badge{font-size:10px;font-weight:700;background:#ffffff26;border-radius:3px;padding:1px 4px;vertical-align:middle;color:#fff}
.channel-link{margin-top:12px;background:#1164a3;color:#fff;border-radius:6px;padding:4px 10px;font-weight:600}
.hint,.muted{font-size:12px;color:#bfb0bf;margin:0 0 6px}
.accounts,.people{list-style:none;margin:0;padding:0}
.accounts li{margin:0 0 10px}
.account{display:flex;flex-direction:column;align-items:flex-start;width:100%;background:#ffffff14;border:1px solid #ffffff26;border-radius:6px;color:#fff;padding:6px 8px;cursor:pointer;text-align:left}
.account:hover{background:#ffffff2e}
.account code{background:none;border:0;color:#ffd866;padding:0;font-size:13px}
.account-name{font-weight:600}
.account-note{margin:3px 2px 0;font-size:12px;color:#d9cdd9}
.people li{font-size:13px;margin:3px 0}.person{color:#fff;font-weight:600}.role{color:#bfb0bf}
.main{display:grid;grid-template-rows:auto 1fr auto;min-height:0}
.topbar{display:flex;align-items:center;gap:12px;border-bottom:1px solid #ddd;padding:8px 18px}
.topbar h1{font-size:18px;margin:0;flex:1}
.status{font-size:12px;color:#e01e5a}
.you{font-size:13px;color:#616061}.you select{margin-left:6px;padding:3px 6px;border:1px solid #bbb;border-radius:4px}
.timeline{overflow-y:auto;padding:8px 0 16px}
.empty{color:#616061;text-align:center;margin-top:40px}
.msg{display:grid;grid-template-columns:36px 1fr;gap:8px;padding:6px 18px}
.msg:hover{background:#f8f8f8}
.avatar{width:36px;height:36px;border-radius:6px;background:#e8912d;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700}
.avatar.bot{background:#4a154b}
.meta{display:flex;gap:8px;align-items:baseline}
.author{font-weight:800}.app-badge{font-size:10px;font-weight:700;color:#616061;background:#e8e8e8;border-radius:2px;padding:0 3px}
.time{font-size:12px;color:#616061}.edited{font-size:12px;color:#616061}
.body{overflow-wrap:anywhere}
.ephemeral{background:#f4f9fc}.ephemeral:hover{background:#eef6fb}
.only-you{font-size:12px;color:#616061;margin-bottom:2px}
.dismiss{background:none;border:0;color:#1264a3;cursor:pointer;font-size:12px;padding:0;margin-left:6px}
.thread{margin:6px 0 0;border-left:3px solid #ddd;padding-left:6px}
.thread .msg{padding:4px 6px;grid-template-columns:28px 1fr}.thread .avatar{width:28px;height:28px;font-size:13px}
.thread-toggle{background:none;border:0;color:#1264a3;font-weight:700;font-size:13px;cursor:pointer;padding:2px 0}
.bk-header{font-size:18px;font-weight:800;margin:4px 0}
.bk-section{display:flex;gap:12px;margin:4px 0}.bk-section>.bk-text{flex:1}
.bk-fields{display:grid;grid-template-columns:1fr 1fr;gap:6px 16px;margin-top:4px}
.bk-context{display:flex;flex-wrap:wrap;align-items:center;gap:6px;font-size:12px;color:#616061;margin:4px 0}
.bk-context img{width:20px;height:20px;border-radius:3px}
.bk-divider{border:0;border-top:1px solid #ddd;margin:8px 0}
.bk-image figure{margin:4px 0}.bk-image figcaption{font-size:12px;color:#616061}
.bk-image img,.file-image img{max-width:min(480px,100%);max-height:360px;border:1px solid #ddd;border-radius:6px;display:block}
.bk-accessory img{width:72px;height:72px;border-radius:6px;object-fit:cover}
.bk-actions{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0}
.bk-btn{display:inline-block;border:1px solid #bbb;background:#fff;color:#1d1c1d;border-radius:4px;padding:3px 12px;font-weight:700;font-size:14px;cursor:pointer;line-height:1.6}
.bk-btn:hover{background:#f6f6f6;text-decoration:none}
.bk-btn.primary{background:#007a5a;border-color:#007a5a;color:#fff}.bk-btn.primary:hover{background:#148567}
.bk-btn.danger{background:#fff;border-color:#e01e5a;color:#e01e5a}.bk-btn.danger:hover{background:#fdf1f4}
.bk-btn.confirm-danger{background:#e01e5a;border-color:#e01e5a;color:#fff}
.bk-btn[disabled]{opacity:.5;cursor:default}
.bk-unsupported{font-size:12px;color:#616061;border:1px dashed #bbb;border-radius:4px;padding:2px 6px}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
blockquote{border-left:4px solid #ddd;margin:2px 0;padding-left:10px}
.file{margin:4px 0}.file-link{display:inline-flex;gap:8px;align-items:center;border:1px solid #ddd;border-radius:6px;padding:6px 10px}
.file-title{font-size:12px;color:#616061}
.composer{display:flex;gap:8px;border-top:1px solid #ddd;padding:10px 18px}
.composer input{flex:1;border:1px solid #bbb;border-radius:6px;padding:8px 10px;font-family:ui-monospace,Menlo,Consolas,monospace}
.composer button{border:0;background:#007a5a;color:#fff;border-radius:6px;padding:0 16px;font-weight:700;cursor:pointer}
.overlay{position:fixed;inset:0;background:#0000006b;display:flex;align-items:flex-start;justify-content:center;padding-top:8vh;z-index:10}
.dialog{background:#fff;border-radius:8px;width:min(540px,94vw);max-height:84vh;display:flex;flex-direction:column;box-shadow:0 18px 48px #00000059}
.dialog-head{display:flex;align-items:center;padding:16px 20px;border-bottom:1px solid #ddd}
.dialog-head h2{font-size:20px;margin:0;flex:1}
.dialog-x{background:none;border:0;font-size:22px;cursor:pointer;color:#616061}
.dialog-body{padding:12px 20px;overflow:auto}
.dialog-foot{display:flex;justify-content:flex-end;gap:8px;padding:14px 20px;border-top:1px solid #ddd}
.input-block{margin:10px 0}
.input-block label{display:block;font-weight:700;margin-bottom:4px}
.input-block .optional{font-weight:400;color:#616061}
.input-block input[type=text],.input-block input[type=number],.input-block input[type=email],.input-block input[type=url],.input-block textarea,.input-block select{width:100%;border:1px solid #bbb;border-radius:4px;padding:7px 9px}
.input-block textarea{min-height:80px;resize:vertical}
.input-block.has-error input,.input-block.has-error textarea,.input-block.has-error select{border-color:#e01e5a}
.input-hint{font-size:12px;color:#616061;margin-top:3px}
.input-error{font-size:13px;color:#e01e5a;margin-top:3px}
.radio{display:block;font-weight:400}
.confirm .dialog{width:min(440px,94vw)}
.toasts{position:fixed;right:16px;bottom:80px;display:flex;flex-direction:column;gap:8px;z-index:20}
.toast{background:#1d1c1d;color:#fff;border-radius:6px;padding:8px 12px;max-width:420px;font-size:13px;box-shadow:0 4px 12px #0000004d}
.toast.error{background:#a51d43}
.busy{opacity:.6;pointer-events:none}
`;
