/**
 * The simulated 2captcha's workers, reading each picture they are sent: the simulator draws every challenge's
 * picture from its id, so the noise dots of each open challenge are known, and the picture sent is the one whose
 * dots are dark in it. (The answer of the challenge shown last would be another teardown's whenever several show
 * CAPTCHAs at once.)
 */
import { CAPTCHA_HEIGHT, CAPTCHA_WIDTH, drawCaptchaSvg, pictureSeed } from './captcha';
import { readPng } from './png';
import type { ConsoleSim } from './server';
import { seededRandom } from './state';

/** Darker than this (the background is about 241) is a mark on the picture. */
const MARKED = 225;
/** Share of a challenge's dots that must be marked for the picture to be read as that challenge. */
const READABLE = 0.6;

export interface PictureReader {
  /** The answer for a picture (PNG, base64), as CaptchaSimOptions.answerFor takes it. */
  answerFor(imageBase64: string): string | undefined;
  /**
   * Pictures read; of those, how many the stack's own reader (the challenge shown last) would have answered
   * wrongly; pictures that matched no open challenge (reported unsolvable, as 2captcha's workers do).
   */
  counts(): { read: number; mixups: number; unread: number };
}

export function pictureReader(consoleSim: ConsoleSim): PictureReader {
  const dotsById = new Map<string, Array<[number, number]>>();
  const dotsOf = (id: string, answer: string) => {
    let dots = dotsById.get(id);
    if (!dots) {
      const svg = drawCaptchaSvg(answer, seededRandom(pictureSeed(id)));
      dots = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m): [number, number] => [
        Number(m[1]),
        Number(m[2]),
      ]);
      dotsById.set(id, dots);
    }
    return dots;
  };
  const counts = { read: 0, mixups: 0, unread: 0 };
  return {
    answerFor(imageBase64) {
      const latest = consoleSim.latestCaptchaAnswer();
      let picture: ReturnType<typeof readPng>;
      try {
        picture = readPng(Buffer.from(imageBase64, 'base64'));
      } catch {
        counts.unread++;
        return undefined;
      }
      const sx = picture.width / CAPTCHA_WIDTH;
      const sy = picture.height / CAPTCHA_HEIGHT;
      let best: { answer: string; score: number } | undefined;
      for (const challenge of consoleSim.captchaAnswers()) {
        if (challenge.solved) continue;
        const dots = dotsOf(challenge.id, challenge.answer);
        const marked = dots.filter(
          ([x, y]) => picture.lightness(Math.floor(x * sx), Math.floor(y * sy)) < MARKED,
        ).length;
        const score = dots.length > 0 ? marked / dots.length : 0;
        if (!best || score > best.score) best = { answer: challenge.answer, score };
      }
      if (!best || best.score < READABLE) {
        counts.unread++;
        return undefined;
      }
      counts.read++;
      if (latest !== best.answer) counts.mixups++;
      return best.answer;
    },
    counts: () => ({ ...counts }),
  };
}
