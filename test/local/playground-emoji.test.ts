import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { playgroundScript, SCRIPT_GLOBAL } from '../../src/local/playground/server';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Where the bot's messages are written: Slack rendering, the bot, and every worker that posts. */
const MESSAGE_SOURCES = [
  'src/slack',
  'src/bot',
  'src/pipeline',
  'src/console',
  'src/mail',
  'src/phone',
  'src/common',
];

/** After these a `/` starts a regular expression, not a division. */
const BEFORE_REGEX_WORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/**
 * The texts of a TypeScript source's string literals and template literals (each run of text between
 * substitutions), skipping comments and regular expressions: what the code can send, and nothing else.
 */
function stringTexts(fileName: string, text: string): string[] {
  const texts: string[] = [];
  /** Open template substitutions: the brace depth each `${` began at. */
  const substitutions: number[] = [];
  let depth = 0;
  let i = 0;
  /** The last significant token: decides whether a `/` divides or starts a regular expression. */
  let last = '';
  const fail = (what: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new Error(`${fileName}:${line}: ${what}`);
  };
  /** Reads template text from i (just after a backtick or a substitution's closing brace). */
  const templateText = () => {
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('unterminated template literal');
      if (c === '\\') {
        out += text.slice(i, i + 2);
        i += 2;
      } else if (c === '`') {
        i++;
        texts.push(out);
        last = 'literal';
        return;
      } else if (c === '$' && text[i + 1] === '{') {
        i += 2;
        texts.push(out);
        substitutions.push(depth);
        depth++;
        last = '{';
        return;
      } else {
        out += c;
        i++;
      }
    }
  };
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && next === '/') {
      i = text.indexOf('\n', i);
      if (i < 0) i = text.length;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated comment');
      i = end + 2;
    } else if (c === "'" || c === '"') {
      let out = '';
      i++;
      while (text[i] !== c) {
        if (text[i] === undefined || text[i] === '\n') fail('unterminated string');
        if (text[i] === '\\') out += text[i++];
        out += text[i++];
      }
      i++;
      texts.push(out);
      last = 'literal';
    } else if (c === '`') {
      i++;
      templateText();
    } else if (c === '/') {
      const divides = /^[\w$)\]}]/.test(last) && !BEFORE_REGEX_WORDS.has(last);
      i++;
      if (divides) {
        last = '/';
        continue;
      }
      let inClass = false;
      while (text[i] !== '/' || inClass) {
        if (text[i] === undefined || text[i] === '\n') fail('unterminated regular expression');
        if (text[i] === '\\') i++;
        else if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        i++;
      }
      i++;
      while (/[a-z]/.test(text[i] ?? '')) i++;
      last = 'regex)';
    } else if (c === '{') {
      depth++;
      i++;
      last = '{';
    } else if (c === '}') {
      depth--;
      i++;
      if (substitutions.at(-1) === depth) {
        substitutions.pop();
        templateText();
      } else {
        last = '}';
      }
    } else if (/[\w$]/.test(c)) {
      const word = /^[\w$]+/.exec(text.slice(i))?.[0] ?? c;
      i += word.length;
      last = word;
    } else {
      i++;
      last = c;
    }
  }
  if (substitutions.length) fail('unterminated template substitution');
  return texts;
}

/**
 * `:name:` codes in a source's strings. A code starts where a word does not (`arn:aws:iam::…` and `12:30:45`
 * hold none) and ends where no word goes on, as Slack reads them.
 */
function emojiCodes(fileName: string, text: string): string[] {
  return stringTexts(fileName, text).flatMap((s) =>
    [...s.matchAll(/(?<![\w:]):([a-z0-9_+-]+):(?!\w)/g)].map((m) => m[1] ?? ''),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every code the bot can send, with the files it is in. */
function botCodes(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const dir of MESSAGE_SOURCES) {
    let files: string[];
    try {
      files = sourceFiles(dir);
    } catch {
      continue; // a folder the project does not have (yet)
    }
    for (const file of files) {
      for (const code of emojiCodes(file, readFileSync(file, 'utf8'))) {
        found.set(code, [...(found.get(code) ?? []), relative(ROOT, file)]);
      }
    }
  }
  return found;
}

interface Renderers {
  emoji(name: string): string | undefined;
  mrkdwn(text: string, names: Record<string, string>): string;
  plainText(text: { type: string; text: string }): string;
}

let page: Renderers;

beforeAll(async () => {
  page = vm.runInNewContext(`${await playgroundScript()}\n;${SCRIPT_GLOBAL}`, { URL });
});

describe('emoji in the playground', () => {
  it('finds codes in string literals and template texts only', () => {
    const codes = emojiCodes(
      'sample.ts',
      [
        "const a = ':brand_new_code: done'; // :in_a_comment:",
        `const b = \`\${x} :in_a_template: \${{ y: ':nested_code:' }.y} :tail_code:\`;`,
        "const arn = 'arn:aws:iam::aws:policy/root-task';",
        "const clock = 'at 12:30:45'; /* ':in_a_block_comment:' */",
        "const re = /:in_a_regex:/; const half = total / 2; const odd = /[/']:in_a_class:/g.test(x) / 2;",
        'const c = "double :quoted_code:";',
      ].join('\n'),
    );
    expect(codes).toEqual(['brand_new_code', 'in_a_template', 'nested_code', 'tail_code', 'quoted_code']);
    // A code the bot would start sending without the page knowing it is caught.
    expect(page.emoji('brand_new_code')).toBeUndefined();
  });

  it('renders every emoji code the bot can send', () => {
    const codes = botCodes();
    // The ones the issue saw as raw text, so an empty walk cannot pass.
    for (const seen of [
      'inbox_tray',
      'octagonal_sign',
      'jigsaw',
      'raising_hand',
      'frame_with_picture',
      'twisted_rightwards_arrows',
    ]) {
      expect(codes.has(seen), seen).toBe(true);
    }
    const unrendered = [...codes]
      .filter(([code]) => {
        const character = page.emoji(code);
        const inMrkdwn = page.mrkdwn(`*Step* :${code}: done`, {});
        const inPlainText = page.plainText({ type: 'plain_text', text: `:${code}:` });
        return !character || inMrkdwn !== `<b>Step</b> ${character} done` || inPlainText !== character;
      })
      .map(([code, files]) => `:${code}: (${[...new Set(files)].join(', ')})`);
    expect(unrendered, 'add these to src/local/playground/browser/emoji.ts').toEqual([]);
  });
});
