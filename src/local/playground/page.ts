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
  /** The side panels the server feeds (the page fills them from their routes). */
  panels: NonNullable<PageBoot['panels']>;
  /** The bundled browser script. */
  script: string;
}

export function renderPage(opts: PageOptions): string {
  const { nonce, command, channel, users, panels, script } = opts;
  const n = escapeHtml(nonce);
  const userOptions = users
    .map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.name)} (${escapeHtml(u.role)})</option>`)
    .join('');
  const peopleItems = users
    .map(
      (u) =>
        `<li><span class="person">${escapeHtml(u.name)}</span> <span class="role">${escapeHtml(u.role)}</span></li>`,
    )
    .join('');
  const accountsPanel = panels.accounts
    ? `<details class="panel" open>
      <summary>Demo accounts</summary>
      <p class="hint">Click one to start a request for it in the message box.</p>
      <ul id="accounts" class="accounts"><li class="muted">Loading…</li></ul>
    </details>`
    : '';
  const activityPanel = panels.activity
    ? `<details class="panel" open>
      <summary>Outside world</summary>
      <p class="hint">Calls, texts and mails AWS sent to our side, newest first.</p>
      <ol id="activity" class="activity"><li class="muted">Loading…</li></ol>
    </details>`
    : '';
  const realismPanel = panels.realism
    ? `<details class="panel" open>
      <summary>Realism</summary>
      <p class="hint">Waits and failure shares the simulators add; a change applies from the next step on.</p>
      <form id="realism" class="realism" autocomplete="off"><p class="muted">Loading…</p></form>
    </details>`
    : '';
  const world = activityPanel || realismPanel;
  const boot = scriptJson({ command, channel, users, panels } satisfies PageBoot);
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
<div class="app${world ? ' has-world' : ''}">
  <aside class="sidebar" aria-label="Workspace">
    <div class="workspace">sandbox-teardown <span class="badge">offline</span></div>
    <div class="channel-link">#&nbsp;${escapeHtml(channel.name)}</div>
    <p class="intro">A stand-in for Slack on this machine: choose who you are, send a command from the message box, and click the bot’s buttons.</p>
    ${accountsPanel}
    <details class="panel" open>
      <summary>People</summary>
      <ul class="people">${peopleItems}</ul>
    </details>
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
        placeholder="${escapeHtml(`${command} delete <account id>`)}">
      <button type="submit">Send</button>
    </form>
  </main>
  ${world ? `<aside class="world" aria-label="Outside world and realism">${activityPanel}${realismPanel}</aside>` : ''}
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
html,body{margin:0}
body{font:15px/1.46668 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d1c1d;background:#fff}
button,input,select,textarea{font:inherit}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
code{background:#f6f6f6;border:1px solid #e0e0e0;border-radius:3px;padding:1px 3px;color:#c01343}
pre{background:#f8f8f8;border:1px solid #e0e0e0;border-radius:4px;padding:8px;white-space:pre-wrap;overflow-wrap:anywhere;margin:4px 0}
a{color:#1264a3;text-decoration:none}a:hover{text-decoration:underline}
.app{display:grid;grid-template-columns:260px minmax(0,1fr);height:100vh;height:100dvh}
.app.has-world{grid-template-columns:260px minmax(0,1fr) 300px}
.sidebar{background:#3f0e40;color:#cfc3cf;overflow:auto;padding:12px 14px;min-width:0}
.world{background:#f8f8f8;border-left:1px solid #ddd;overflow:auto;padding:4px 14px 12px;min-width:0}
.panel{margin:14px 0 0}
.panel>summary{font-size:13px;font-weight:700;text-transform:uppercase;letter-spacing:.04em;cursor:pointer;margin-bottom:4px}
.sidebar .panel>summary{color:#fff}
.world .panel>summary{color:#1d1c1d}
.workspace{font-weight:800;color:#fff;font-size:17px}
.badge{font-size:10px;font-weight:700;background:#ffffff26;border-radius:3px;padding:1px 4px;vertical-align:middle;color:#fff}
.channel-link{margin-top:12px;background:#1164a3;color:#fff;border-radius:6px;padding:4px 10px;font-weight:600}
.intro{font-size:12px;margin:10px 0 0;color:#d9cdd9}
.hint,.muted{font-size:12px;margin:0 0 6px}
.sidebar .hint,.sidebar .muted{color:#bfb0bf}
.world .hint,.world .muted{color:#616061}
.accounts,.people,.activity{list-style:none;margin:0;padding:0}
.accounts li{margin:0 0 6px}
.account{display:flex;flex-wrap:wrap;align-items:baseline;gap:0 8px;width:100%;background:#ffffff14;border:1px solid #ffffff26;border-radius:6px;color:#fff;padding:5px 8px;cursor:pointer;text-align:left}
.account:hover{background:#ffffff2e}
.account.deletable{border-color:#2bac76}
.account code{background:none;border:0;color:#ffd866;padding:0;font-size:13px}
.account-name{font-weight:600;overflow-wrap:anywhere}
.account-status{display:flex;flex-wrap:wrap;align-items:baseline;gap:0 6px;flex-basis:100%;margin-top:2px}
.account-state{font-size:11px;font-weight:700;letter-spacing:.02em;color:#fff;background:#ffffff26;border-radius:3px;padding:0 4px}
.account-state.active{background:#2bac76}
.account-verdict{font-size:12px;color:#d9cdd9}
.account.deletable .account-verdict{color:#9be3c3}
.account-note{margin:2px 2px 0;font-size:12px;color:#d9cdd9}
.people li{font-size:13px;margin:3px 0}.person{color:#fff;font-weight:600}.role{color:#bfb0bf}
.activity li{display:grid;grid-template-columns:auto minmax(0,1fr);gap:0 6px;font-size:13px;padding:5px 0;border-bottom:1px solid #e6e6e6}
.activity .when{grid-column:2;font-size:11px;color:#616061}
.activity .what{grid-column:2;overflow-wrap:anywhere}
.activity .icon{grid-row:1 / span 2}
.realism{display:flex;flex-direction:column;gap:8px}
.knob{display:flex;flex-wrap:wrap;align-items:center;gap:2px 6px;font-size:13px}
.knob-label{flex:1 1 100%}
.knob input{width:110px;border:1px solid #bbb;border-radius:4px;padding:3px 6px}
.knob .unit{font-size:12px;color:#616061}
.main{display:grid;grid-template-rows:auto minmax(0,1fr) auto;min-height:0;min-width:0}
.topbar{display:flex;flex-wrap:wrap;align-items:center;gap:4px 12px;border-bottom:1px solid #ddd;padding:8px 18px}
.topbar h1{font-size:18px;margin:0;flex:1;min-width:0;overflow-wrap:anywhere}
.status{font-size:12px;color:#e01e5a}
.you{font-size:13px;color:#616061}.you select{margin-left:6px;padding:3px 6px;border:1px solid #bbb;border-radius:4px;max-width:100%}
.timeline{overflow-y:auto;padding:8px 0 16px}
.empty{color:#616061;text-align:center;margin:40px 12px 0}
.msg{display:grid;grid-template-columns:36px minmax(0,1fr);gap:8px;padding:6px 18px}
.msg:hover{background:#f8f8f8}
.msg.flash{animation:flash 2.5s ease-out}
@keyframes flash{from{background:#fff3c4}to{background:transparent}}
.avatar{width:36px;height:36px;border-radius:6px;background:#e8912d;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700}
.avatar.bot{background:#4a154b}
.content{min-width:0}
.meta{display:flex;flex-wrap:wrap;gap:0 8px;align-items:baseline}
.author{font-weight:800}.app-badge{font-size:10px;font-weight:700;color:#616061;background:#e8e8e8;border-radius:2px;padding:0 3px}
.time{font-size:12px;color:#616061}.edited{font-size:12px;color:#616061}
.body{overflow-wrap:anywhere}
.ephemeral{background:#f4f9fc}.ephemeral:hover{background:#eef6fb}
.only-you{font-size:12px;color:#616061;margin-bottom:2px}
.dismiss{background:none;border:0;color:#1264a3;cursor:pointer;font-size:12px;padding:0;margin-left:6px}
.thread{margin:6px 0 0;border-left:3px solid #ddd;padding-left:6px}
.thread .msg{padding:4px 6px;grid-template-columns:28px minmax(0,1fr)}.thread .avatar{width:28px;height:28px;font-size:13px}
.thread-toggle{background:none;border:0;color:#1264a3;font-weight:700;font-size:13px;cursor:pointer;padding:2px 0}
.bk-header{font-size:18px;font-weight:800;margin:4px 0}
.bk-section{display:flex;gap:12px;margin:4px 0}.bk-section>.bk-text{flex:1;min-width:0}
.bk-fields{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:6px 16px;margin-top:4px}
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
.file{margin:4px 0}.file-link{display:inline-flex;flex-wrap:wrap;gap:8px;align-items:center;border:1px solid #ddd;border-radius:6px;padding:6px 10px;max-width:100%}
.file-title{font-size:12px;color:#616061}
.composer{display:flex;gap:8px;border-top:1px solid #ddd;padding:10px 18px}
.composer input{flex:1;min-width:0;border:1px solid #bbb;border-radius:6px;padding:8px 10px;font-family:ui-monospace,Menlo,Consolas,monospace}
.composer button{border:0;background:#007a5a;color:#fff;border-radius:6px;padding:0 16px;font-weight:700;cursor:pointer}
.overlay{position:fixed;inset:0;background:#0000006b;display:flex;align-items:flex-start;justify-content:center;padding-top:8vh;z-index:10}
.dialog{background:#fff;border-radius:8px;width:min(540px,94vw);max-height:84vh;display:flex;flex-direction:column;box-shadow:0 18px 48px #00000059}
.dialog-head{display:flex;align-items:center;padding:16px 20px;border-bottom:1px solid #ddd}
.dialog-head h2{font-size:20px;margin:0;flex:1;min-width:0}
.dialog-x{background:none;border:0;font-size:22px;cursor:pointer;color:#616061}
.dialog-body{padding:12px 20px;overflow:auto}
.dialog-foot{display:flex;flex-wrap:wrap;justify-content:flex-end;gap:8px;padding:14px 20px;border-top:1px solid #ddd}
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
.toasts{position:fixed;right:16px;bottom:80px;display:flex;flex-direction:column;gap:8px;z-index:20;max-width:calc(100vw - 32px)}
.toast{background:#1d1c1d;color:#fff;border-radius:6px;padding:8px 12px;max-width:420px;font-size:13px;box-shadow:0 4px 12px #0000004d;overflow-wrap:anywhere}
.toast.error{background:#a51d43}
.busy{opacity:.6;pointer-events:none}
@media (max-width:1179px){
.app.has-world{grid-template-columns:260px minmax(0,1fr);grid-template-rows:minmax(0,1fr) minmax(0,1fr)}
.app.has-world .sidebar{grid-area:1/1}
.app.has-world .world{grid-area:2/1;border-left:0;border-top:1px solid #ddd}
.app.has-world .main{grid-area:1/2/3/3}
}
@media (max-width:759px){
.app,.app.has-world{display:flex;flex-direction:column;height:auto}
.main{order:-1;height:100vh;height:100dvh;min-height:360px}
.sidebar,.world{overflow:visible}
.world{border-top:1px solid #ddd}
.topbar,.composer{padding-left:10px;padding-right:10px}
.topbar h1{flex-basis:100%;font-size:17px}
.msg{padding:6px 10px}
.bk-fields{grid-template-columns:minmax(0,1fr)}
.overlay{padding-top:3vh}
.dialog-head,.dialog-body,.dialog-foot{padding-left:14px;padding-right:14px}
}
`;
