/**
 * The playground page: HTML shell, CSS and the browser script, all served inline (no external assets).
 * The script is plain JavaScript in a string: its rendering functions are pure (state in, HTML string out)
 * so tests can run the very code the browser runs. Everything it renders from Slack content is escaped.
 */

/** Escapes text for use in HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c] ?? c);
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

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
  channel: { id: string; name: string };
  users: Array<{ id: string; name: string; role: string }>;
  accounts: Array<{ id: string; name: string; note: string }>;
}

export function renderPage(opts: PageOptions): string {
  const { nonce, command, channel, users, accounts } = opts;
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
  const boot = scriptJson({ command, channel, users });
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
<script nonce="${n}">${PLAYGROUND_SCRIPT}</script>
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

/**
 * The browser script. Plain JavaScript, no template-literal backticks (it lives in one) and no
 * interpolation. Defines pure renderers first; starts the UI only when loaded by the page.
 */
export const PLAYGROUND_SCRIPT = String.raw`'use strict';
var EMOJI = {
  white_check_mark: '\u2705', heavy_check_mark: '\u2714\ufe0f', x: '\u274c', warning: '\u26a0\ufe0f',
  no_entry: '\u26d4', no_entry_sign: '\ud83d\udeab', hourglass: '\u231b', hourglass_flowing_sand: '\u23f3',
  stopwatch: '\u23f1\ufe0f', alarm_clock: '\u23f0', rotating_light: '\ud83d\udea8', lock: '\ud83d\udd12',
  unlock: '\ud83d\udd13', key: '\ud83d\udd11', tada: '\ud83c\udf89', wastebasket: '\ud83d\uddd1\ufe0f',
  bust_in_silhouette: '\ud83d\udc64', robot_face: '\ud83e\udd16', camera: '\ud83d\udcf7',
  camera_with_flash: '\ud83d\udcf8', mag: '\ud83d\udd0d', email: '\ud83d\udce7', envelope: '\u2709\ufe0f',
  phone: '\u260e\ufe0f', telephone_receiver: '\ud83d\udcde', credit_card: '\ud83d\udcb3', bell: '\ud83d\udd14',
  question: '\u2753', exclamation: '\u2757', information_source: '\u2139\ufe0f', repeat: '\ud83d\udd01',
  arrows_counterclockwise: '\ud83d\udd04', construction: '\ud83d\udea7', fire: '\ud83d\udd25',
  skull: '\ud83d\udc80', red_circle: '\ud83d\udd34', large_green_circle: '\ud83d\udfe2',
  large_blue_circle: '\ud83d\udd35', large_yellow_circle: '\ud83d\udfe1', white_circle: '\u26aa',
  black_circle: '\u26ab', thumbsup: '\ud83d\udc4d', '+1': '\ud83d\udc4d', thumbsdown: '\ud83d\udc4e',
  '-1': '\ud83d\udc4e', eyes: '\ud83d\udc40', hand: '\u270b', raised_hand: '\u270b', wave: '\ud83d\udc4b',
  stop_sign: '\ud83d\uded1', gear: '\u2699\ufe0f', hammer_and_wrench: '\ud83d\udee0\ufe0f', clock3: '\ud83d\udd52',
  zzz: '\ud83d\udca4', pencil: '\ud83d\udcdd', memo: '\ud83d\udcdd', link: '\ud83d\udd17',
  heavy_multiplication_x: '\u2716\ufe0f', arrow_right: '\u27a1\ufe0f', checkered_flag: '\ud83c\udfc1',
  cloud: '\u2601\ufe0f', moneybag: '\ud83d\udcb0', package: '\ud83d\udce6', shield: '\ud83d\udee1\ufe0f'
};
var HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\x60': '&#96;' };

function escapeHtml(value) {
  return String(value === undefined || value === null ? '' : value).replace(/[&<>"'\x60]/g, function (c) {
    return HTML_ESCAPES[c];
  });
}

/** Slack escapes only these three in message text. */
function decodeEntities(text) {
  return String(text).replace(/&(amp|lt|gt);/g, function (_m, e) {
    return e === 'amp' ? '&' : e === 'lt' ? '<' : '>';
  });
}

/** Only web and mail links become links; anything else (javascript:, data:...) stays text. */
function safeUrl(url) {
  var u = String(url || '').trim();
  return /^(https?:\/\/|mailto:)[^\s"'<>\x60]+$/i.test(u) ? u : null;
}

/** Images load only from this origin (the page's CSP allows nothing else). */
function imageSrc(imageUrl, slackFile) {
  if (slackFile && typeof slackFile.id === 'string' && slackFile.id) {
    return '/playground/files/' + encodeURIComponent(slackFile.id);
  }
  var url = typeof imageUrl === 'string' ? imageUrl : slackFile && slackFile.url;
  return typeof url === 'string' && /^\/playground\/files\/[\w%.-]+$/.test(url) ? url : null;
}

function emojify(escaped) {
  return escaped.replace(/:([a-z0-9_+-]+):/g, function (m, name) {
    return Object.prototype.hasOwnProperty.call(EMOJI, name) ? EMOJI[name] : m;
  });
}

function nameOf(names, id) {
  return names && Object.prototype.hasOwnProperty.call(names, id) ? names[id] : id;
}

/** The inside of a <...> control sequence: mention, channel, special mention, date or link. */
function controlSequence(inner, names) {
  var bar = inner.indexOf('|');
  var target = bar < 0 ? inner : inner.slice(0, bar);
  var label = bar < 0 ? '' : decodeEntities(inner.slice(bar + 1));
  if (/^@[UW][A-Z0-9]+$/.test(target)) {
    return '<span class="mention">@' + escapeHtml(label || nameOf(names, target.slice(1))) + '</span>';
  }
  if (/^#C[A-Z0-9]+$/.test(target)) {
    return '<span class="mention">#' + escapeHtml(label || nameOf(names, target.slice(1))) + '</span>';
  }
  if (/^!(here|channel|everyone)$/.test(target)) {
    return '<span class="mention">@' + escapeHtml(target.slice(1)) + '</span>';
  }
  if (/^!subteam\^/.test(target)) return '<span class="mention">' + escapeHtml(label || '@group') + '</span>';
  if (/^!date\^/.test(target)) return escapeHtml(label || target);
  var url = safeUrl(decodeEntities(target));
  if (url) {
    return '<a href="' + escapeHtml(url) + '" target="_blank" rel="noopener noreferrer">' +
      escapeHtml(label || url) + '</a>';
  }
  return escapeHtml('<' + decodeEntities(inner) + '>');
}

/** Slack mrkdwn to safe HTML: code, links/mentions, *bold*, _italic_, ~strike~, > quotes, emoji. */
function mrkdwn(text, names) {
  var kept = [];
  function keep(html) {
    kept.push(html);
    return '\u0000' + (kept.length - 1) + '\u0000';
  }
  var s = String(text === undefined || text === null ? '' : text).replace(/\u0000/g, '');
  s = s.replace(/\x60\x60\x60([\s\S]*?)\x60\x60\x60/g, function (_m, code) {
    return keep('<pre>' + escapeHtml(decodeEntities(code.replace(/^\n/, ''))) + '</pre>');
  });
  s = s.replace(/\x60([^\x60\n]+)\x60/g, function (_m, code) {
    return keep('<code>' + escapeHtml(decodeEntities(code)) + '</code>');
  });
  s = s.replace(/<([^<>\n]*)>/g, function (_m, inner) {
    return keep(controlSequence(inner, names));
  });
  s = emojify(escapeHtml(decodeEntities(s)));
  s = s.replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, '$1<b>$2</b>');
  s = s.replace(/(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?!\w)/g, '$1<i>$2</i>');
  s = s.replace(/(^|[^\w~])~(?=\S)([^~\n]*?\S)~(?!\w)/g, '$1<s>$2</s>');
  s = s.split('\n').map(function (line) {
    var m = /^&gt;\s?(.*)$/.exec(line);
    return m ? '<blockquote>' + m[1] + '</blockquote>' : line + '<br>';
  }).join('').replace(/<br>$/, '');
  return s.replace(/\u0000(\d+)\u0000/g, function (_m, i) {
    return kept[Number(i)];
  });
}

function plainText(obj) {
  if (!obj) return '';
  var text = typeof obj === 'string' ? obj : obj.text;
  var escaped = escapeHtml(text);
  return obj.emoji === false ? escaped : emojify(escaped);
}

function textObject(obj, names) {
  if (!obj) return '';
  return obj.type === 'mrkdwn' ? mrkdwn(obj.text, names) : plainText(obj);
}

function imageTag(src, alt, title) {
  if (!src) {
    return '<span class="bk-unsupported">image not shown (only files of this workspace load): ' +
      escapeHtml(alt || title || 'image') + '</span>';
  }
  return '<img src="' + escapeHtml(src) + '" alt="' + escapeHtml(alt || '') + '"' +
    (title ? ' title="' + escapeHtml(title) + '"' : '') + ' loading="lazy">';
}

/** An interactive element inside a message (actions block or section accessory). */
function renderElement(el, block, ctx) {
  if (!el || typeof el !== 'object') return '';
  if (el.type === 'image') return imageTag(imageSrc(el.image_url, el.slack_file), el.alt_text);
  if (el.type === 'button') {
    var style = el.style === 'primary' ? ' primary' : el.style === 'danger' ? ' danger' : '';
    var label = plainText(el.text);
    var url = safeUrl(el.url);
    if (url) {
      return '<a class="bk-btn' + style + '" href="' + escapeHtml(url) +
        '" target="_blank" rel="noopener noreferrer">' + label + '</a>';
    }
    return '<button type="button" class="bk-btn' + style + '"' +
      (ctx.interactive ? '' : ' disabled') +
      ' data-act="block-action" data-ts="' + escapeHtml(ctx.ts) + '" data-action-id="' +
      escapeHtml(el.action_id) + '"' +
      (block && block.block_id ? ' data-block-id="' + escapeHtml(block.block_id) + '"' : '') +
      (el.confirm ? ' data-confirm="1"' : '') + '>' + label + '</button>';
  }
  return '<span class="bk-unsupported" title="not clickable in the playground">' + escapeHtml(el.type) +
    (el.placeholder ? ': ' + plainText(el.placeholder) : '') + '</span>';
}

function richInline(el, names) {
  if (!el) return '';
  var html;
  switch (el.type) {
    case 'text':
      html = escapeHtml(el.text).replace(/\n/g, '<br>');
      break;
    case 'link':
      var url = safeUrl(el.url);
      html = url ? '<a href="' + escapeHtml(url) + '" target="_blank" rel="noopener noreferrer">' +
        escapeHtml(el.text || url) + '</a>' : escapeHtml(el.text || el.url);
      break;
    case 'user':
      html = '<span class="mention">@' + escapeHtml(nameOf(names, el.user_id)) + '</span>';
      break;
    case 'channel':
      html = '<span class="mention">#' + escapeHtml(nameOf(names, el.channel_id)) + '</span>';
      break;
    case 'broadcast':
      html = '<span class="mention">@' + escapeHtml(el.range) + '</span>';
      break;
    case 'emoji':
      html = Object.prototype.hasOwnProperty.call(EMOJI, el.name) ? EMOJI[el.name] : escapeHtml(':' + el.name + ':');
      break;
    case 'date':
      html = escapeHtml(el.fallback || el.timestamp);
      break;
    default:
      html = escapeHtml(el.text || '');
  }
  var st = el.style || {};
  if (st.code) html = '<code>' + html + '</code>';
  if (st.bold) html = '<b>' + html + '</b>';
  if (st.italic) html = '<i>' + html + '</i>';
  if (st.strike) html = '<s>' + html + '</s>';
  return html;
}

function richElements(elements, names) {
  return (Array.isArray(elements) ? elements : []).map(function (part) {
    if (!part) return '';
    var inner = (Array.isArray(part.elements) ? part.elements : []).map(function (el) {
      return richInline(el, names);
    }).join('');
    switch (part.type) {
      case 'rich_text_section':
        return '<div>' + inner + '</div>';
      case 'rich_text_preformatted':
        return '<pre>' + inner + '</pre>';
      case 'rich_text_quote':
        return '<blockquote>' + inner + '</blockquote>';
      case 'rich_text_list':
        var tag = part.style === 'ordered' ? 'ol' : 'ul';
        return '<' + tag + '>' + (part.elements || []).map(function (item) {
          return '<li>' + (item && Array.isArray(item.elements) ? item.elements.map(function (el) {
            return richInline(el, names);
          }).join('') : '') + '</li>';
        }).join('') + '</' + tag + '>';
      default:
        return inner;
    }
  }).join('');
}

/** Block Kit (message surfaces) to safe HTML. ctx: { names, ts, interactive }. */
function renderBlocks(blocks, ctx) {
  return (Array.isArray(blocks) ? blocks : []).map(function (block) {
    if (!block || typeof block !== 'object') return '';
    switch (block.type) {
      case 'header':
        return '<div class="bk-header">' + plainText(block.text) + '</div>';
      case 'section':
        var fields = Array.isArray(block.fields) && block.fields.length
          ? '<div class="bk-fields">' + block.fields.map(function (f) {
            return '<div>' + textObject(f, ctx.names) + '</div>';
          }).join('') + '</div>'
          : '';
        var accessory = block.accessory
          ? '<div class="bk-accessory">' + renderElement(block.accessory, block, ctx) + '</div>'
          : '';
        return '<div class="bk-section"><div class="bk-text">' + textObject(block.text, ctx.names) + fields +
          '</div>' + accessory + '</div>';
      case 'context':
        return '<div class="bk-context">' + (block.elements || []).map(function (el) {
          return el && el.type === 'image' ? imageTag(imageSrc(el.image_url, el.slack_file), el.alt_text)
            : '<span>' + textObject(el, ctx.names) + '</span>';
        }).join('') + '</div>';
      case 'divider':
        return '<hr class="bk-divider">';
      case 'image':
        return '<div class="bk-image"><figure>' +
          imageTag(imageSrc(block.image_url, block.slack_file), block.alt_text, block.title && block.title.text) +
          (block.title ? '<figcaption>' + plainText(block.title) + '</figcaption>' : '') + '</figure></div>';
      case 'actions':
        return '<div class="bk-actions">' + (block.elements || []).map(function (el) {
          return renderElement(el, block, ctx);
        }).join('') + '</div>';
      case 'rich_text':
        return '<div class="bk-rich">' + richElements(block.elements, ctx.names) + '</div>';
      case 'input':
        return '<div class="bk-unsupported">input: ' + plainText(block.label) + '</div>';
      default:
        return '<div class="bk-unsupported">' + escapeHtml(block.type) + ' block</div>';
    }
  }).join('');
}

function formatSize(bytes) {
  return bytes < 1024 ? bytes + ' B' : bytes < 1048576 ? (bytes / 1024).toFixed(1) + ' KB'
    : (bytes / 1048576).toFixed(1) + ' MB';
}

function renderFiles(files) {
  return (Array.isArray(files) ? files : []).map(function (f) {
    var url = escapeHtml(f.url);
    if (f.isImage) {
      return '<div class="file file-image"><div class="file-title">' + escapeHtml(f.title || f.name) +
        '</div><a href="' + url + '" target="_blank" rel="noopener">' +
        '<img src="' + url + '" alt="' + escapeHtml(f.altText || f.title || f.name) + '" loading="lazy"></a></div>';
    }
    return '<div class="file"><a class="file-link" href="' + url + '" target="_blank" rel="noopener">\ud83d\udcc4 ' +
      escapeHtml(f.title || f.name) + ' <span class="file-title">' + escapeHtml(f.name) + ', ' +
      formatSize(f.size) + '</span></a></div>';
  }).join('');
}

function compareTs(a, b) {
  var pa = String(a).split('.');
  var pb = String(b).split('.');
  var d = Number(pa[0]) - Number(pb[0]);
  return d !== 0 ? d : Number(pa[1] || 0) - Number(pb[1] || 0);
}

function timeOf(ts) {
  var d = new Date(Number(String(ts).split('.')[0]) * 1000);
  function two(n) { return (n < 10 ? '0' : '') + n; }
  return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
}

function initial(name) {
  var c = String(name || '?').trim().charAt(0).toUpperCase();
  return escapeHtml(c || '?');
}

function renderMessage(m, ctx, threadEphemerals) {
  var body = Array.isArray(m.blocks) && m.blocks.length
    ? renderBlocks(m.blocks, { names: ctx.names, ts: m.ts, interactive: true })
    : mrkdwn(m.text, ctx.names);
  var thread = '';
  var replies = (m.replies || []).map(function (r) { return { kind: 'message', ts: r.ts, item: r }; })
    .concat((threadEphemerals || []).map(function (e) { return { kind: 'ephemeral', ts: e.ts, item: e }; }))
    .sort(function (a, b) { return compareTs(a.ts, b.ts); });
  if (replies.length) {
    var collapsed = ctx.collapsed && ctx.collapsed[m.ts];
    var count = (m.replies || []).length;
    thread = '<div class="thread-box"><button type="button" class="thread-toggle" data-act="toggle-thread" data-ts="' +
      escapeHtml(m.ts) + '" aria-expanded="' + (collapsed ? 'false' : 'true') + '">' +
      (collapsed ? '\u25b8 ' : '\u25be ') + count + (count === 1 ? ' reply' : ' replies') + '</button>' +
      (collapsed ? '' : '<div class="thread">' + replies.map(function (r) {
        return r.kind === 'message' ? renderMessage(r.item, ctx, []) : renderEphemeral(r.item, ctx);
      }).join('') + '</div>') + '</div>';
  }
  return '<div class="msg" data-ts="' + escapeHtml(m.ts) + '"><div class="avatar' + (m.bot ? ' bot' : '') + '">' +
    initial(m.userName) + '</div><div class="content"><div class="meta"><span class="author">' +
    escapeHtml(m.userName) + '</span>' + (m.bot ? '<span class="app-badge">APP</span>' : '') +
    '<span class="time">' + escapeHtml(timeOf(m.ts)) + '</span>' +
    (m.edited ? '<span class="edited">(edited)</span>' : '') + '</div><div class="body">' + body +
    renderFiles(m.files) + '</div>' + thread + '</div></div>';
}

function renderEphemeral(e, ctx) {
  var body = Array.isArray(e.blocks) && e.blocks.length
    ? renderBlocks(e.blocks, { names: ctx.names, ts: e.ts, interactive: true })
    : mrkdwn(e.text, ctx.names);
  return '<div class="msg ephemeral" data-ts="' + escapeHtml(e.ts) + '"><div class="avatar bot">' +
    initial(ctx.botName) + '</div><div class="content"><div class="only-you">\ud83d\udc41 Only visible to you' +
    '<button type="button" class="dismiss" data-act="dismiss-ephemeral" data-ts="' + escapeHtml(e.ts) +
    '">Dismiss</button></div><div class="meta"><span class="author">' + escapeHtml(ctx.botName) +
    '</span><span class="app-badge">APP</span><span class="time">' + escapeHtml(timeOf(e.ts)) +
    '</span></div><div class="body">' + body + '</div></div></div>';
}

/**
 * The channel as HTML: messages and this user's ephemerals by time, thread replies (and ephemerals
 * posted in threads) under their parent. ui: { collapsed: {ts: true}, dismissed: {ts: true} }.
 */
function renderTimeline(state, ui) {
  ui = ui || {};
  var dismissed = ui.dismissed || {};
  var names = state.names || {};
  var botName = 'sandbox-teardown';
  (state.messages || []).forEach(function (m) { if (m.bot) botName = m.userName; });
  var ctx = { names: names, collapsed: ui.collapsed || {}, botName: botName };
  var parents = {};
  (state.messages || []).forEach(function (m) { parents[m.ts] = true; });
  var inThread = {};
  var items = (state.messages || []).map(function (m) { return { kind: 'message', ts: m.ts, item: m }; });
  (state.ephemerals || []).forEach(function (e) {
    if (dismissed[e.ts]) return;
    if (e.threadTs && parents[e.threadTs]) (inThread[e.threadTs] = inThread[e.threadTs] || []).push(e);
    else items.push({ kind: 'ephemeral', ts: e.ts, item: e });
  });
  items.sort(function (a, b) { return compareTs(a.ts, b.ts); });
  if (!items.length) {
    return '<p class="empty">Nothing here yet. Type <code>' + escapeHtml(state.command) +
      ' \u2026</code> below to talk to the bot.</p>';
  }
  return items.map(function (it) {
    return it.kind === 'message' ? renderMessage(it.item, ctx, inThread[it.ts]) : renderEphemeral(it.item, ctx);
  }).join('');
}

/** Inputs of a modal's input block. */
function renderInput(block, error) {
  var el = block.element || {};
  var id = 'in-' + block.block_id + '-' + el.action_id;
  var data = ' data-input="1" data-block-id="' + escapeHtml(block.block_id) + '" data-action-id="' +
    escapeHtml(el.action_id) + '" data-type="' + escapeHtml(el.type) + '" data-optional="' +
    (block.optional ? '1' : '') + '"';
  var common = ' id="' + escapeHtml(id) + '"' + data +
    (el.placeholder ? ' placeholder="' + escapeHtml(el.placeholder.text) + '"' : '');
  var field;
  switch (el.type) {
    case 'plain_text_input':
      field = el.multiline
        ? '<textarea' + common + (el.max_length ? ' maxlength="' + Number(el.max_length) + '"' : '') + '>' +
          escapeHtml(el.initial_value) + '</textarea>'
        : '<input type="text"' + common + (el.max_length ? ' maxlength="' + Number(el.max_length) + '"' : '') +
          ' value="' + escapeHtml(el.initial_value) + '">';
      break;
    case 'number_input':
      field = '<input type="number"' + common + (el.is_decimal_allowed ? ' step="any"' : '') +
        ' value="' + escapeHtml(el.initial_value) + '">';
      break;
    case 'email_text_input':
    case 'url_text_input':
      field = '<input type="' + (el.type === 'email_text_input' ? 'email' : 'url') + '"' + common +
        ' value="' + escapeHtml(el.initial_value) + '">';
      break;
    case 'static_select':
      var selected = el.initial_option && el.initial_option.value;
      field = '<select' + common + '><option value="">' + (el.placeholder ? plainText(el.placeholder) : 'Choose') +
        '</option>' + (el.options || []).map(function (o) {
          return '<option value="' + escapeHtml(o.value) + '"' + (o.value === selected ? ' selected' : '') + '>' +
            plainText(o.text) + '</option>';
        }).join('') + '</select>';
      break;
    case 'radio_buttons':
      var checked = el.initial_option && el.initial_option.value;
      field = '<div' + data + ' id="' + escapeHtml(id) + '">' + (el.options || []).map(function (o) {
        return '<label class="radio"><input type="radio" name="' + escapeHtml(id) + '" value="' + escapeHtml(o.value) +
          '"' + (o.value === checked ? ' checked' : '') + '> ' + plainText(o.text) + '</label>';
      }).join('') + '</div>';
      break;
    default:
      field = '<div class="bk-unsupported">' + escapeHtml(el.type) + ' input (not supported by the playground)</div>';
  }
  return '<div class="input-block' + (error ? ' has-error' : '') + '" data-block="' + escapeHtml(block.block_id) + '">' +
    '<label for="' + escapeHtml(id) + '">' + plainText(block.label) +
    (block.optional ? ' <span class="optional">(optional)</span>' : '') + '</label>' + field +
    (block.hint ? '<div class="input-hint">' + plainText(block.hint) + '</div>' : '') +
    '<div class="input-error" data-error-for="' + escapeHtml(block.block_id) + '">' +
    (error ? escapeHtml(error) : '') + '</div></div>';
}

/** The open view as a modal dialog; errors shown under their input block. */
function renderModal(modal, names) {
  var errors = modal.errors || {};
  var blocks = (modal.blocks || []).map(function (block) {
    if (block && block.type === 'input') return renderInput(block, errors[block.block_id]);
    return renderBlocks([block], { names: names, ts: '', interactive: false });
  }).join('');
  var unknownErrors = Object.keys(errors).filter(function (id) {
    return !(modal.blocks || []).some(function (b) { return b && b.block_id === id; });
  }).map(function (id) { return '<div class="input-error">' + escapeHtml(id) + ': ' + escapeHtml(errors[id]) + '</div>'; });
  return '<div class="overlay" data-view-id="' + escapeHtml(modal.viewId) + '"><div class="dialog" role="dialog" ' +
    'aria-modal="true" aria-labelledby="modal-title"><div class="dialog-head"><h2 id="modal-title">' +
    escapeHtml(modal.title) + '</h2><button type="button" class="dialog-x" data-act="modal-close" aria-label="Close">' +
    '\u00d7</button></div><div class="dialog-body">' + blocks + unknownErrors.join('') +
    '</div><div class="dialog-foot"><button type="button" class="bk-btn" data-act="modal-close">' +
    escapeHtml(modal.close || 'Cancel') + '</button>' + (modal.submit
      ? '<button type="button" class="bk-btn primary" data-act="modal-submit">' + escapeHtml(modal.submit) + '</button>'
      : '') + '</div></div></div>';
}

/** A button's confirm object as a dialog. */
function renderConfirm(confirm, names) {
  return '<div class="overlay confirm"><div class="dialog" role="alertdialog" aria-modal="true">' +
    '<div class="dialog-head"><h2>' + plainText(confirm.title || { text: 'Are you sure?' }) + '</h2></div>' +
    '<div class="dialog-body">' + textObject(confirm.text, names) + '</div><div class="dialog-foot">' +
    '<button type="button" class="bk-btn" data-act="confirm-no">' + plainText(confirm.deny || { text: 'Cancel' }) +
    '</button><button type="button" class="bk-btn ' + (confirm.style === 'danger' ? 'confirm-danger' : 'primary') +
    '" data-act="confirm-yes">' + plainText(confirm.confirm || { text: 'Yes' }) + '</button></div></div></div>';
}

/** The element a click refers to, looked up in the latest state (for its value and confirm). */
function findAction(state, ts, actionId) {
  var sources = [];
  (state.messages || []).forEach(function (m) {
    sources.push(m);
    (m.replies || []).forEach(function (r) { sources.push(r); });
  });
  (state.ephemerals || []).forEach(function (e) { sources.push(e); });
  var message = sources.filter(function (m) { return m.ts === ts; })[0];
  if (!message) return null;
  var blocks = message.blocks || [];
  for (var i = 0; i < blocks.length; i++) {
    var b = blocks[i] || {};
    var candidates = (b.type === 'actions' ? b.elements || [] : []).concat(b.type === 'section' ? [b.accessory] : []);
    for (var j = 0; j < candidates.length; j++) {
      if (candidates[j] && candidates[j].action_id === actionId) return { element: candidates[j], block: b };
    }
  }
  return null;
}

function main() {
  var boot = JSON.parse(document.getElementById('boot').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var timeline = $('timeline');
  var select = $('as');
  var input = $('composer-input');
  var ui = { collapsed: {}, dismissed: {} };
  var state = null;
  var version = null;
  var modalKey = '';
  var pendingConfirm = null;
  var sent = [];
  var historyPos = 0;
  var pollTimer = null;

  var stored = null;
  try { stored = localStorage.getItem('playground.user'); } catch (e) { /* storage may be disabled */ }
  var fromHash = decodeURIComponent(location.hash.replace(/^#as=/, ''));
  var ids = boot.users.map(function (u) { return u.id; });
  select.value = ids.indexOf(fromHash) >= 0 ? fromHash : ids.indexOf(stored) >= 0 ? stored : ids[0];

  function toast(text, isError) {
    var el = document.createElement('div');
    el.className = 'toast' + (isError ? ' error' : '');
    el.textContent = text;
    $('toasts').appendChild(el);
    setTimeout(function () { el.remove(); }, isError ? 9000 : 5000);
  }

  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (!res.ok) throw new Error(json.error || ('HTTP ' + res.status));
        if (json.warning) toast(json.warning, true);
        if (json.status !== undefined && json.status !== 200) {
          toast('The bot answered HTTP ' + json.status + (json.body ? ': ' + String(json.body).slice(0, 200) : ''), true);
        }
        return json;
      });
    }).finally(function () { refresh(); });
  }

  function renderState(next) {
    var atBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 60;
    var first = state === null;
    state = next;
    timeline.innerHTML = renderTimeline(state, ui);
    if (first || atBottom) timeline.scrollTop = timeline.scrollHeight;
    renderModalState();
  }

  function modalValues() {
    var values = {};
    document.querySelectorAll('#modal-root [data-input]').forEach(function (el) {
      var v = el.getAttribute('data-type') === 'radio_buttons'
        ? ((el.querySelector('input:checked') || {}).value || '') : el.value;
      values[el.getAttribute('data-block-id') + '\u0000' + el.getAttribute('data-action-id')] = v;
    });
    return values;
  }

  function renderModalState() {
    var root = $('modal-root');
    var modal = state && state.modal;
    var key = modal ? modal.viewId + '|' + modal.hash + '|' + JSON.stringify(modal.errors) : '';
    if (key === modalKey) return;
    var keepValues = modal && modalKey.indexOf(modal.viewId + '|' + modal.hash + '|') === 0 ? modalValues() : null;
    modalKey = key;
    root.innerHTML = modal ? renderModal(modal, state.names) : '';
    if (!modal) return;
    root.querySelectorAll('[data-input]').forEach(function (el) {
      var k = el.getAttribute('data-block-id') + '\u0000' + el.getAttribute('data-action-id');
      if (!keepValues || !(k in keepValues)) return;
      if (el.getAttribute('data-type') === 'radio_buttons') {
        el.querySelectorAll('input').forEach(function (r) { r.checked = r.value === keepValues[k]; });
      } else {
        el.value = keepValues[k];
      }
    });
    var firstInput = root.querySelector('.has-error input, .has-error textarea, input, textarea, select');
    if (firstInput) firstInput.focus();
  }

  function refresh() {
    clearTimeout(pollTimer);
    var user = select.value;
    return fetch('/playground/state?user=' + encodeURIComponent(user), { cache: 'no-store' })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (next) {
        $('status').textContent = '';
        if (next.user.id !== select.value) return;
        if (next.version !== version) {
          version = next.version;
          renderState(next);
        }
      })
      .catch(function (error) {
        $('status').textContent = 'disconnected (' + error.message + '), retrying\u2026';
      })
      .finally(function () {
        clearTimeout(pollTimer);
        pollTimer = setTimeout(refresh, 700);
      });
  }

  function askConfirm(confirm) {
    return new Promise(function (resolve) {
      pendingConfirm = resolve;
      $('confirm-root').innerHTML = renderConfirm(confirm, state.names);
      var yes = document.querySelector('#confirm-root [data-act="confirm-yes"]');
      if (yes) yes.focus();
    });
  }

  function closeConfirm(answer) {
    $('confirm-root').innerHTML = '';
    var resolve = pendingConfirm;
    pendingConfirm = null;
    if (resolve) resolve(answer);
  }

  function clickAction(button) {
    var ts = button.getAttribute('data-ts');
    var actionId = button.getAttribute('data-action-id');
    var found = state && findAction(state, ts, actionId);
    if (!found) return;
    var ask = found.element.confirm ? askConfirm(found.element.confirm) : Promise.resolve(true);
    ask.then(function (ok) {
      if (!ok) return;
      button.classList.add('busy');
      var body = { user: select.value, messageTs: ts, actionId: actionId };
      if (found.block.block_id) body.blockId = found.block.block_id;
      if (typeof found.element.value === 'string') body.value = found.element.value;
      return post('/playground/action', body).catch(function (error) { toast(error.message, true); })
        .finally(function () { button.classList.remove('busy'); });
    });
  }

  function submitModal() {
    var modal = state && state.modal;
    if (!modal) return;
    var values = {};
    var missing = false;
    document.querySelectorAll('#modal-root [data-input]').forEach(function (el) {
      var blockId = el.getAttribute('data-block-id');
      var actionId = el.getAttribute('data-action-id');
      var v = el.getAttribute('data-type') === 'radio_buttons'
        ? ((el.querySelector('input:checked') || {}).value || '') : el.value;
      var errorEl = document.querySelector('#modal-root [data-error-for="' + CSS.escape(blockId) + '"]');
      if (v === '' && !el.getAttribute('data-optional')) {
        missing = true;
        if (errorEl) errorEl.textContent = 'Please fill out this field.';
        return;
      }
      if (v === '') return;
      values[blockId] = values[blockId] || {};
      values[blockId][actionId] = v;
    });
    if (missing) return;
    var dialog = document.querySelector('#modal-root .dialog');
    if (dialog) dialog.classList.add('busy');
    post('/playground/view', { user: select.value, viewId: modal.viewId, values: values })
      .catch(function (error) { toast(error.message, true); })
      .finally(function () { if (dialog) dialog.classList.remove('busy'); });
  }

  function closeModal() {
    var modal = state && state.modal;
    if (!modal) return;
    post('/playground/close', { user: select.value, viewId: modal.viewId }).catch(function (error) {
      toast(error.message, true);
    });
  }

  function sendCommand(text) {
    var word = text.split(/\s/)[0];
    if (text.charAt(0) !== '/') {
      toast('Only slash commands reach the bot here: try ' + boot.command + ' \u2026', true);
      return;
    }
    if (word !== boot.command) {
      toast(word + ' is not a command this bot knows: try ' + boot.command + ' \u2026', true);
      return;
    }
    input.disabled = true;
    post('/playground/command', { user: select.value, text: text })
      .then(function () {
        sent.push(text);
        historyPos = sent.length;
        input.value = '';
      })
      .catch(function (error) { toast(error.message, true); })
      .finally(function () {
        input.disabled = false;
        input.focus();
      });
  }

  document.addEventListener('click', function (event) {
    var target = event.target.closest('[data-act]');
    if (!target) return;
    switch (target.getAttribute('data-act')) {
      case 'block-action':
        clickAction(target);
        break;
      case 'toggle-thread':
        var ts = target.getAttribute('data-ts');
        ui.collapsed[ts] = !ui.collapsed[ts];
        if (state) timeline.innerHTML = renderTimeline(state, ui);
        break;
      case 'dismiss-ephemeral':
        ui.dismissed[target.getAttribute('data-ts')] = true;
        if (state) timeline.innerHTML = renderTimeline(state, ui);
        break;
      case 'account':
        var id = target.getAttribute('data-account');
        if (input.value.trim() === '') {
          input.value = boot.command + ' delete ' + id;
        } else {
          var start = input.selectionStart === null ? input.value.length : input.selectionStart;
          var end = input.selectionEnd === null ? start : input.selectionEnd;
          var before = input.value.slice(0, start);
          input.value = before + (before && !/\s$/.test(before) ? ' ' : '') + id + input.value.slice(end);
        }
        input.focus();
        break;
      case 'modal-close':
        closeModal();
        break;
      case 'modal-submit':
        submitModal();
        break;
      case 'confirm-yes':
        closeConfirm(true);
        break;
      case 'confirm-no':
        closeConfirm(false);
        break;
    }
  });

  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') {
      if (pendingConfirm) closeConfirm(false);
      else if (state && state.modal) closeModal();
    } else if (event.key === 'Enter' && event.target.closest && event.target.closest('#modal-root') &&
        event.target.tagName === 'INPUT') {
      event.preventDefault();
      submitModal();
    }
  });

  input.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowUp' && historyPos > 0) {
      historyPos--;
      input.value = sent[historyPos];
      event.preventDefault();
    } else if (event.key === 'ArrowDown' && historyPos < sent.length) {
      historyPos++;
      input.value = historyPos === sent.length ? '' : sent[historyPos];
      event.preventDefault();
    }
  });

  $('composer').addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (text) sendCommand(text);
  });

  select.addEventListener('change', function () {
    try { localStorage.setItem('playground.user', select.value); } catch (e) { /* ignore */ }
    version = null;
    state = null;
    modalKey = '';
    $('modal-root').innerHTML = '';
    if (pendingConfirm) closeConfirm(false);
    refresh();
  });

  refresh();
}

if (typeof document !== 'undefined' && document.getElementById('boot')) main();
`;
