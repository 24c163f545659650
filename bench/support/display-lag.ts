/**
 * How long a teardown's state changes take to show in the playground: what a viewer saw (the request message's
 * status line and the thread's step replies), recorded whenever it changed, against the teardown's event log.
 */
import { STEPS, STRATEGY_STEPS } from '../../src/pipeline/catalogue';
import type { Teardown, TeardownEvent } from '../../src/pipeline/model';

/** How far along the status line is: step n's queued < running < waiting < step n+1's queued …; ended above all. */
type Progress = number;
const ENDED: Progress = Number.MAX_SAFE_INTEGER;
const PHASES = { queued: 0, running: 1, waiting: 2 } as const;

interface Sighting {
  at: number;
  progress: Progress;
  /** Step positions whose "Step n of m ·" reply is in the thread. */
  replies: ReadonlySet<number>;
}

/** The status line's progress, from its text (mrkdwn as sent, or as the page renders it); undefined: not shown. */
export function progressOf(status: string): Progress | undefined {
  if (/(Succeeded|Failed|Cancelled|Refused|Denied|Expired)\**\s+(all \d+ steps|at step|by )/.test(status)) {
    return ENDED;
  }
  const match = /Step (\d+) of \d+:\**\s.*?—\s*(queued|running|waiting)/.exec(status);
  if (!match) return undefined;
  return Number(match[1]) * 3 + PHASES[match[2] as keyof typeof PHASES];
}

function repliedSteps(replies: readonly string[]): Set<number> {
  const steps = new Set<number>();
  for (const reply of replies) {
    const match = /Step (\d+) of \d+ · /.exec(reply);
    if (match) steps.add(Number(match[1]));
  }
  return steps;
}

export interface DisplayLags {
  /** Per shown transition: event → the status line at (or past) it. */
  status: number[];
  /** Per finished step: event → its reply in the thread. */
  replies: number[];
  /** Transitions the status line does not show by design (API steps' claims, reruns). */
  skipped: number;
  /** Transitions never seen in the display. */
  unseen: number;
}

/** What one viewer saw of one teardown, change by change. */
export class DisplayLog {
  private readonly sightings: Sighting[] = [];

  /** Records what was shown at `at` (kept only when it differs from the last). */
  saw(at: number, status: string, replies: readonly string[]): void {
    const progress = progressOf(status);
    if (progress === undefined) return;
    const steps = repliedSteps(replies);
    const last = this.sightings.at(-1);
    if (last && last.progress === progress && last.replies.size === steps.size) return;
    this.sightings.push({ at, progress, replies: steps });
  }

  get changes(): number {
    return this.sightings.length;
  }

  /** Each event's lag: from its time to the first sighting that shows it (or anything later). */
  lags(teardown: Pick<Teardown, 'strategy'>, events: readonly TeardownEvent[], since: number): DisplayLags {
    const steps = STRATEGY_STEPS[teardown.strategy];
    const lags: DisplayLags = { status: [], replies: [], skipped: 0, unseen: 0 };
    const firstSeen = (event: TeardownEvent, shows: (s: Sighting) => boolean) => {
      // A sighting from before the event shows it only if it was the one on screen when the event happened.
      const onScreen = this.sightings.filter((s) => s.at <= event.at).at(-1);
      if (onScreen && shows(onScreen)) return 0;
      const later = this.sightings.find((s) => s.at > event.at && shows(s));
      return later ? later.at - event.at : undefined;
    };
    for (const event of events) {
      if (event.at < since) continue;
      const n = steps.indexOf(event.step) + 1;
      let expected: Progress | undefined;
      if (event.action === 'step-succeeded') {
        expected = n === steps.length ? ENDED : (n + 1) * 3 + PHASES.queued;
        const reply = firstSeen(event, (s) => s.replies.has(n));
        if (reply === undefined) lags.unseen++;
        else lags.replies.push(reply);
      } else if (event.action === 'waiting') {
        expected = n * 3 + PHASES.waiting;
      } else if (
        (event.action === 'claimed' || event.action === 'reclaimed') &&
        STEPS[event.step].worker === 'browser'
      ) {
        expected = n * 3 + PHASES.running;
      } else if (event.action === 'ended') {
        expected = ENDED;
      }
      if (expected === undefined) {
        lags.skipped++;
        continue;
      }
      const target = expected;
      const lag = firstSeen(event, (s) => s.progress >= target);
      if (lag === undefined) lags.unseen++;
      else lags.status.push(lag);
    }
    return lags;
  }
}
