// The Node adapter's scheduler for the weekly digest: a timer that checks every so often (hourly by
// default) whether this ISO week's digest time (site.yaml `weekly_digest_at`, UTC) has passed, and if so
// runs the digest through the core. The mark on Stripe keeps it to one a week across restarts and
// several servers; the timer remembers a week it saw done so it asks Stripe no more that week (periodic.ts
// runs it).

import { dueThisWeek } from '../../core/digest-schedule.ts';
import { isoWeek } from '../../core/digest.ts';
import type { ScheduledDigest, ScheduledOutcome } from '../../core/scheduled.ts';
import { CHECK_MS, every, type Periodic } from './periodic.ts';

export type DigestTimer = Periodic;

export function startDigestTimer(digest: ScheduledDigest, options: { origin: string; now: () => number; intervalMs?: number; onRun?: (outcome: ScheduledOutcome) => void }): DigestTimer {
  let doneWeek: string | undefined;
  return every(options.intervalMs ?? CHECK_MS, async (stopped) => {
    // Off (the manifest a server reads never changes while it runs), or unreadable: try later.
    const at = await digest.schedule(options.origin);
    if (!at) return;
    const now = options.now();
    const week = isoWeek(Math.floor(now / 1000));
    if (doneWeek === week || now < dueThisWeek(at, now) || stopped()) return;
    const outcome = await digest.run(options.origin);
    options.onRun?.(outcome);
    if (outcome === 'sent' || outcome === 'already-sent') doneWeek = week;
  });
}
