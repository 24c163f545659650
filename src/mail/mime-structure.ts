// The MIME skeleton of a raw message, checked before mailparser reads it. mailparser repairs what it can (a missing
// closing boundary, a header line without a name, base64 with stray characters), and a repaired message is not the
// one that was sent: a truncated or mangled mail is refused instead of read in part.

const MAX_DEPTH = 16;
const TRANSFER_ENCODINGS = new Set(['7bit', '8bit', 'binary', 'quoted-printable', 'base64']);
const MULTIPART_ENCODINGS = new Set(['7bit', '8bit', 'binary']);
/** RFC 5322 field name: printable ASCII but the colon; obsolete syntax allows blanks before the colon. */
const HEADER_FIELD = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:/;

interface Span {
  lines: string[];
  from: number;
  to: number;
}

/**
 * What is wrong with the message's structure (a short phrase, never message content), or undefined when it is
 * sound. `raw` is the message as a string of bytes (latin1 for binary input).
 */
export function mimeStructureProblem(raw: string): string | undefined {
  const lines = raw.split(/\r?\n/);
  return entityProblem({ lines, from: 0, to: lines.length }, 0, true);
}

function entityProblem(span: Span, depth: number, top: boolean): string | undefined {
  if (depth > MAX_DEPTH) return 'parts nested too deep';
  const { lines } = span;
  const fields = new Map<string, string>();
  let seenField = false;
  /** The field a continuation line belongs to; undefined when it is a repeat that is not read. */
  let continuing: string | undefined;
  let index = span.from;
  for (; index < span.to && lines[index] !== ''; index++) {
    const line = lines[index] ?? '';
    if (/^[ \t]/.test(line)) {
      if (!seenField) return 'header starts with a continuation line';
      if (continuing !== undefined) fields.set(continuing, `${fields.get(continuing) ?? ''} ${line.trim()}`);
      continue;
    }
    const field = HEADER_FIELD.exec(line);
    if (!field) return 'header line without a name';
    seenField = true;
    const name = (field[1] ?? '').toLowerCase();
    // The first of a repeated field counts, as mailparser reads it.
    continuing = fields.has(name) ? undefined : name;
    if (continuing !== undefined) fields.set(name, line.slice(field[0].length).trim());
  }
  if (top && fields.size === 0) return 'no header';
  const body: Span = { lines, from: Math.min(index + 1, span.to), to: span.to };

  const encoding = fields.get('content-transfer-encoding')?.toLowerCase();
  if (encoding !== undefined && !TRANSFER_ENCODINGS.has(encoding)) return 'unknown transfer encoding';
  const contentType = fields.get('content-type') ?? '';
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();

  if (type.startsWith('multipart/')) {
    if (encoding !== undefined && !MULTIPART_ENCODINGS.has(encoding))
      return 'multipart with a transfer encoding';
    const boundary = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;"]+))/i.exec(contentType);
    const marker = boundary?.[1] ?? boundary?.[2];
    if (!marker) return 'multipart without a boundary';
    return partsProblem(body, marker, depth);
  }
  if (encoding === 'base64') {
    const data = lines.slice(body.from, body.to).join('').replace(/[ \t]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return 'base64 body with other characters';
  }
  // A message/rfc822 part (a forwarded mail) is content, not structure: it is not looked into.
  return undefined;
}

function partsProblem(body: Span, marker: string, depth: number): string | undefined {
  const { lines } = body;
  const delimiter = `--${marker}`;
  const closing = `${delimiter}--`;
  let partFrom: number | undefined;
  for (let index = body.from; index < body.to; index++) {
    const line = (lines[index] ?? '').replace(/[ \t]+$/, '');
    if (line !== delimiter && line !== closing) continue;
    if (partFrom !== undefined) {
      const problem = entityProblem({ lines, from: partFrom, to: index }, depth + 1, false);
      if (problem) return problem;
    }
    if (line === closing) return partFrom === undefined ? 'multipart without parts' : undefined;
    partFrom = index + 1;
  }
  return partFrom === undefined ? 'multipart without parts' : 'multipart without its closing boundary';
}
