// The Node adapter's scheduler for the weekly digest: a timer that checks every so often (hourly by
// default) whether this ISO week's digest time (site.yaml `weekly_digest_at`, UTC) has passed, and if so
// runs the digest through the core. The mark on Stripe keeps it to one a week across restarts and
// several servers; the timer remembers a week it saw done so it asks Stripe no more that week. It never
// keeps the process alive (unref) and stops with the server.

import { dueThisWeek } from '../../core/digest-schedule.ts';
import { isoWeek } from '../../core/digest.ts';
import type { ScheduledDigest, ScheduledOutcome } from '../../core/scheduled.ts';

export const DIGEST_CHECK_MS = 60 * 60 * 1000;

export interface DigestTimer {
  /** Stops checking and waits for a run in progress. */
  stop(): Promise<void>;
}

export function startDigestTimer(digest: ScheduledDigest, options: { origin: string; now: () => number; intervalMs?: number; onRun?: (outcome: ScheduledOutcome) => void }): DigestTimer {
  let doneWeek: string | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function check(): Promise<void> {
    const at = await digest.schedule(options.origin);
    if (!at) {
      // weekly_digest is off (the manifest a server reads never changes while it runs), or unreadable: try later.
      return;
    }
    const now = options.now();
    const week = isoWeek(Math.floor(now / 1000));
    if (doneWeek === week || now < dueThisWeek(at, now) || stopped) return;
    const outcome = await digest.run(options.origin);
    options.onRun?.(outcome);
    if (outcome === 'sent' || outcome === 'already-sent') doneWeek = week;
  }

  const tick = () => {
    if (running || stopped) return; // a slow Stripe never stacks runs
    running = check().finally(() => (running = undefined));
  };
  const timer = setInterval(tick, options.intervalMs ?? DIGEST_CHECK_MS);
  timer.unref();
  tick(); // a server started after the digest time (a restart, a deploy) catches up at once

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
