// What a creator sees while a post goes out: on a terminal one bar redrawn in place, with counts, the rate
// and an estimate of the time left; elsewhere (CI, a pipe) a plain line every ten seconds. Recipients are
// read from Stripe as the send goes, so the total is not known up front: the estimate takes the audience
// of the last post sent (from its record on Stripe) as the expected number, and says so.

import type { Progress } from './send.ts';

export interface Estimate {
  /** Recipients handled so far, by this run or an earlier one. */
  handled: number;
  /** Emails a second by this run (sent or failed). */
  perSecond: number;
  /** Share of the expected recipients handled, 0..1 (unknown without an expected number). */
  share?: number;
  /** Time left at this run's rate (unknown without an expected number or before the first batch). */
  leftMs?: number;
}

export function estimate(p: Progress, expected: number | undefined): Estimate {
  const handled = p.sent + p.failed + p.earlier + p.uncertain;
  const perSecond = p.elapsedMs > 0 ? ((p.sent + p.failed) * 1000) / p.elapsedMs : 0;
  if (expected === undefined || expected <= 0) return { handled, perSecond };
  // More recipients than expected (new followers): the estimate says "almost done", never a negative time.
  const left = Math.max(0, expected - handled);
  return { handled, perSecond, share: Math.min(1, handled / expected), ...(perSecond > 0 ? { leftMs: (left / perSecond) * 1000 } : {}) };
}

export const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

const WIDTH = 24;

export function progressLine(post: string, p: Progress, expected: number | undefined): string {
  const e = estimate(p, expected);
  const bar = e.share !== undefined ? `[${'#'.repeat(Math.round(e.share * WIDTH)).padEnd(WIDTH, '.')}] ${e.handled} of about ${expected} · ` : '';
  const counts = `${p.sent} sent, ${p.failed} failed${p.earlier ? `, ${p.earlier} done before` : ''}${p.uncertain ? `, ${p.uncertain} uncertain` : ''}`;
  const left = e.leftMs !== undefined ? ` · about ${duration(e.leftMs)} left` : '';
  return `${post}: ${bar}${counts} · ${e.perSecond.toFixed(0)}/s${left}`;
}

export interface Reporter {
  update(post: string, p: Progress): void;
  /** Clears the bar (a terminal) before the summary line. */
  clear(): void;
}

/** `tty`: redraw one line in place; otherwise a line per `everyMs` of the send (and none in between). */
export function progressReporter(options: { tty: boolean; write: (text: string) => void; expected?: number | undefined; everyMs?: number }): Reporter {
  const every = options.everyMs ?? 10_000;
  let next = every;
  let post = '';
  return {
    update(name, p) {
      if (name !== post) {
        post = name;
        next = every;
      }
      const line = progressLine(name, p, options.expected);
      if (options.tty) options.write(`\r\x1b[2K${line}`);
      else if (p.elapsedMs >= next) {
        options.write(`${line}\n`);
        next = (Math.floor(p.elapsedMs / every) + 1) * every;
      }
    },
    clear() {
      if (options.tty) options.write('\r\x1b[2K');
    },
  };
}
