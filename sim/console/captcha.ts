import { html, raw, scriptJson } from './html';

// The image CAPTCHA: answers, the picture, and the document of the cross-origin iframe that shows it.

/** Letters and digits a person can tell apart: no 0/O, 1/l/I. */
const ANSWER_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
export const ANSWER_LENGTH = 6;
export const CAPTCHA_WIDTH = 200;
export const CAPTCHA_HEIGHT = 70;

export function newCaptchaAnswer(random: () => number): string {
  let answer = '';
  for (let i = 0; i < ANSWER_LENGTH; i++) {
    answer += ANSWER_ALPHABET[Math.floor(random() * ANSWER_ALPHABET.length)];
  }
  return answer;
}

function between(random: () => number, low: number, high: number): number {
  return low + random() * (high - low);
}

/** An SVG of the answer: each character turned and moved a little, over noise lines and dots. */
/** The seed of a challenge's picture (FNV-1a of its id): the same challenge is always drawn alike. */
export function pictureSeed(challengeId: string): number {
  let hash = 2166136261;
  for (const char of challengeId) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return hash >>> 0;
}

export function drawCaptchaSvg(answer: string, random: () => number): string {
  const parts: string[] = [];
  parts.push(`<rect width="${CAPTCHA_WIDTH}" height="${CAPTCHA_HEIGHT}" fill="#f4f1e8"/>`);
  for (let i = 0; i < 40; i++) {
    const x = between(random, 0, CAPTCHA_WIDTH).toFixed(1);
    const y = between(random, 0, CAPTCHA_HEIGHT).toFixed(1);
    parts.push(`<circle cx="${x}" cy="${y}" r="${between(random, 0.6, 1.6).toFixed(1)}" fill="#7a7a7a"/>`);
  }
  const step = (CAPTCHA_WIDTH - 24) / answer.length;
  [...answer].forEach((char, index) => {
    const x = 14 + index * step + between(random, -3, 3);
    const y = 47 + between(random, -6, 6);
    const angle = between(random, -25, 25);
    const size = Math.round(between(random, 30, 36));
    const shade = Math.round(between(random, 20, 80));
    parts.push(
      `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" transform="rotate(${angle.toFixed(1)} ${(x + 10).toFixed(1)} ${(y - 10).toFixed(1)})" font-family="DejaVu Sans Mono, monospace" font-size="${size}" font-weight="bold" fill="rgb(${shade},${shade},${shade + 30})">${char}</text>`,
    );
  });
  for (let i = 0; i < 5; i++) {
    const y1 = between(random, 10, CAPTCHA_HEIGHT - 10).toFixed(1);
    const y2 = between(random, 10, CAPTCHA_HEIGHT - 10).toFixed(1);
    const cy = between(random, 0, CAPTCHA_HEIGHT).toFixed(1);
    parts.push(
      `<path d="M0 ${y1} Q ${(CAPTCHA_WIDTH / 2).toFixed(1)} ${cy} ${CAPTCHA_WIDTH} ${y2}" stroke="#555" stroke-width="${between(random, 0.8, 1.8).toFixed(1)}" fill="none"/>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${CAPTCHA_WIDTH}" height="${CAPTCHA_HEIGHT}" viewBox="0 0 ${CAPTCHA_WIDTH} ${CAPTCHA_HEIGHT}">${parts.join('')}</svg>`;
}

/** A circular-arrow icon for the "new image" control. */
const REFRESH_ICON =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><path d="M20 12a8 8 0 1 1-3-6.2" stroke="#0073bb" stroke-width="2" fill="none"/><path d="M18 2v5h-5" stroke="#0073bb" stroke-width="2" fill="none"/></svg>',
  );

const FRAME_STYLE = `
body{margin:0;padding:12px;font-family:Arial,sans-serif;color:#16191f;background:#fff}
.picture{display:flex;align-items:center;gap:8px}
label{display:block;margin:12px 0 4px;font-weight:bold}
input{width:100%;padding:6px;font-size:14px;box-sizing:border-box}
button{margin-top:12px;padding:8px 16px;background:#ec7211;color:#fff;border:0;border-radius:2px;font-weight:bold}
[role=alert]{border:1px solid #d13212;background:#fdf3f1;color:#d13212;padding:8px;margin-bottom:8px}
a{color:#0073bb}
`;

/** The iframe document with a challenge to answer. */
export function challengeDocument(options: {
  challengeId: string;
  imageUrl: string;
  wrongBefore: boolean;
}): string {
  const id = encodeURIComponent(options.challengeId);
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Security verification</title><style>${raw(FRAME_STYLE)}</style></head>
<body>
<form method="post" action="/captcha/challenge">
<input type="hidden" name="c" value="${options.challengeId}">
${options.wrongBefore ? html`<div role="alert">That wasn't quite right. Try again.</div>` : ''}
<div class="picture">
<img alt="captcha" src="${options.imageUrl}" width="200" height="70">
<a href="/captcha/challenge?c=${id}&amp;refresh=1"><img alt="Display new security image." src="${REFRESH_ICON}" width="24" height="24"></a>
</div>
<p><a href="#" onclick="return false">Change to audio security check</a></p>
<label for="captchaGuess">Type the characters as shown above</label>
<input type="text" id="captchaGuess" name="captchaGuess" autocomplete="off" autocapitalize="off" spellcheck="false">
<button type="submit">Submit</button>
</form>
</body>
</html>
`.text;
}

/** The iframe document after a right answer: hands the one-time pass token to the page around it. */
export function solvedDocument(options: { passToken: string; parentOrigin: string }): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Security verification</title><style>${raw(FRAME_STYLE)}</style></head>
<body>
<p role="status">Verification complete.</p>
<script>
window.parent.postMessage({ type: 'captcha-solved', token: ${scriptJson(options.passToken)} }, ${scriptJson(options.parentOrigin)});
</script>
</body>
</html>
`.text;
}

/** The iframe document for a challenge that is over or not this browser's. */
export function challengeGoneDocument(): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Security verification</title><style>${raw(FRAME_STYLE)}</style></head>
<body><div role="alert">This security check has expired. Reload the page to get a new one.</div></body>
</html>
`.text;
}
