/** Slack text to safe HTML: mrkdwn (links, mentions, emphasis, code, quotes) and plain text objects. */
import { escapeHtml } from '../html';
import type { Names, Text } from './block-kit';
import { emojify } from './emoji';
import { bareLinkLabel, linkHtml, safeUrl } from './links';

/** Slack escapes only these three in message text. */
function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_m, entity: string) =>
    entity === 'amp' ? '&' : entity === 'lt' ? '<' : '>',
  );
}

export function nameOf(names: Names | undefined, id: string | undefined): string | undefined {
  return names && id !== undefined && Object.hasOwn(names, id) ? names[id] : id;
}

/** The inside of a <...> control sequence: mention, channel, special mention, date or link. */
function controlSequence(inner: string, names: Names | undefined): string {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? '' : decodeEntities(inner.slice(bar + 1));
  if (/^@[UW][A-Z0-9]+$/.test(target)) {
    return `<span class="mention">@${escapeHtml(label || nameOf(names, target.slice(1)))}</span>`;
  }
  if (/^#C[A-Z0-9]+$/.test(target)) {
    return `<span class="mention">#${escapeHtml(label || nameOf(names, target.slice(1)))}</span>`;
  }
  if (/^!(here|channel|everyone)$/.test(target)) {
    return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  }
  if (/^!subteam\^/.test(target)) return `<span class="mention">${escapeHtml(label || '@group')}</span>`;
  if (/^!date\^/.test(target)) return escapeHtml(label || target);
  const url = safeUrl(decodeEntities(target));
  if (url) return linkHtml(url, escapeHtml(label || bareLinkLabel(url)));
  return escapeHtml(`<${decodeEntities(inner)}>`);
}

/** Slack mrkdwn to safe HTML: code, links/mentions, *bold*, _italic_, ~strike~, > quotes, emoji. */
export function mrkdwn(text: unknown, names: Names | undefined): string {
  // Finished HTML (code, links) is set aside behind NUL-delimited markers while the rest is escaped and
  // formatted; the input's own NULs are dropped so none can forge a marker.
  const kept: string[] = [];
  const keep = (html: string) => {
    kept.push(html);
    return `\u0000${kept.length - 1}\u0000`;
  };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the marker character, see above.
  let s = String(text ?? '').replace(/\u0000/g, '');
  s = s.replace(/```([\s\S]*?)```/g, (_m, code: string) =>
    keep(`<pre>${escapeHtml(decodeEntities(code.replace(/^\n/, '')))}</pre>`),
  );
  s = s.replace(/`([^`\n]+)`/g, (_m, code: string) =>
    keep(`<code>${escapeHtml(decodeEntities(code))}</code>`),
  );
  s = s.replace(/<([^<>\n]*)>/g, (_m, inner: string) => keep(controlSequence(inner, names)));
  s = emojify(escapeHtml(decodeEntities(s)));
  s = s.replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, '$1<b>$2</b>');
  s = s.replace(/(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?!\w)/g, '$1<i>$2</i>');
  s = s.replace(/(^|[^\w~])~(?=\S)([^~\n]*?\S)~(?!\w)/g, '$1<s>$2</s>');
  s = s
    .split('\n')
    .map((line) => {
      const quote = /^&gt;\s?(.*)$/.exec(line);
      return quote ? `<blockquote>${quote[1]}</blockquote>` : `${line}<br>`;
    })
    .join('')
    .replace(/<br>$/, '');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the marker character, see above.
  return s.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => kept[Number(i)] ?? '');
}

export function plainText(obj: Text | undefined): string {
  if (!obj) return '';
  const escaped = escapeHtml(typeof obj === 'string' ? obj : obj.text);
  return typeof obj !== 'string' && obj.emoji === false ? escaped : emojify(escaped);
}

export function textObject(obj: Text | undefined, names: Names | undefined): string {
  if (!obj) return '';
  return typeof obj !== 'string' && obj.type === 'mrkdwn' ? mrkdwn(obj.text, names) : plainText(obj);
}
