/** Slack text to safe HTML: mrkdwn (links, mentions, emphasis, code, quotes) and plain text objects. */
import { escapeHtml } from '../html';
import type { Names, Text } from './block-kit';

/** The emoji names the bot uses, and a few more; any other `:name:` stays as typed. */
const EMOJI: Record<string, string> = {
  white_check_mark: '\u2705',
  heavy_check_mark: '\u2714\ufe0f',
  x: '\u274c',
  warning: '\u26a0\ufe0f',
  no_entry: '\u26d4',
  no_entry_sign: '\ud83d\udeab',
  hourglass: '\u231b',
  hourglass_flowing_sand: '\u23f3',
  stopwatch: '\u23f1\ufe0f',
  alarm_clock: '\u23f0',
  rotating_light: '\ud83d\udea8',
  lock: '\ud83d\udd12',
  unlock: '\ud83d\udd13',
  key: '\ud83d\udd11',
  tada: '\ud83c\udf89',
  wastebasket: '\ud83d\uddd1\ufe0f',
  bust_in_silhouette: '\ud83d\udc64',
  robot_face: '\ud83e\udd16',
  camera: '\ud83d\udcf7',
  camera_with_flash: '\ud83d\udcf8',
  mag: '\ud83d\udd0d',
  email: '\ud83d\udce7',
  envelope: '\u2709\ufe0f',
  phone: '\u260e\ufe0f',
  telephone_receiver: '\ud83d\udcde',
  credit_card: '\ud83d\udcb3',
  bell: '\ud83d\udd14',
  question: '\u2753',
  exclamation: '\u2757',
  information_source: '\u2139\ufe0f',
  repeat: '\ud83d\udd01',
  arrows_counterclockwise: '\ud83d\udd04',
  construction: '\ud83d\udea7',
  fire: '\ud83d\udd25',
  skull: '\ud83d\udc80',
  red_circle: '\ud83d\udd34',
  large_green_circle: '\ud83d\udfe2',
  large_blue_circle: '\ud83d\udd35',
  large_yellow_circle: '\ud83d\udfe1',
  white_circle: '\u26aa',
  black_circle: '\u26ab',
  thumbsup: '\ud83d\udc4d',
  '+1': '\ud83d\udc4d',
  thumbsdown: '\ud83d\udc4e',
  '-1': '\ud83d\udc4e',
  eyes: '\ud83d\udc40',
  hand: '\u270b',
  raised_hand: '\u270b',
  wave: '\ud83d\udc4b',
  stop_sign: '\ud83d\uded1',
  gear: '\u2699\ufe0f',
  hammer_and_wrench: '\ud83d\udee0\ufe0f',
  clock3: '\ud83d\udd52',
  zzz: '\ud83d\udca4',
  pencil: '\ud83d\udcdd',
  memo: '\ud83d\udcdd',
  link: '\ud83d\udd17',
  heavy_multiplication_x: '\u2716\ufe0f',
  arrow_right: '\u27a1\ufe0f',
  checkered_flag: '\ud83c\udfc1',
  cloud: '\u2601\ufe0f',
  moneybag: '\ud83d\udcb0',
  package: '\ud83d\udce6',
  shield: '\ud83d\udee1\ufe0f',
};

/** The emoji for `name`, or undefined for a name the page does not know. */
export function emoji(name: string | undefined): string | undefined {
  return name !== undefined && Object.hasOwn(EMOJI, name) ? EMOJI[name] : undefined;
}

/** Slack escapes only these three in message text. */
function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_m, entity: string) =>
    entity === 'amp' ? '&' : entity === 'lt' ? '<' : '>',
  );
}

/** Only web and mail links become links; anything else (javascript:, data:...) stays text. */
export function safeUrl(url: unknown): string | null {
  const u = String(url || '').trim();
  return /^(https?:\/\/|mailto:)[^\s"'<>`]+$/i.test(u) ? u : null;
}

function emojify(escaped: string): string {
  return escaped.replace(/:([a-z0-9_+-]+):/g, (m, name: string) => emoji(name) ?? m);
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
  if (url) {
    return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(label || url)}</a>`;
  }
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
