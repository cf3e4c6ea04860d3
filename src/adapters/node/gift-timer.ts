// The Node adapter's scheduler for gifts emailed on a date: a timer that checks every so often (hourly by
// default) and, once per UTC day, delivers what is due through the core. The mark on each gift's session
// keeps every gift to one email across restarts and several servers; the timer remembers a day it finished
// so it asks Stripe once a day (periodic.ts runs it).

import type { GiftDeliveryOutcome, ScheduledGifts } from '../../core/scheduled-gifts.ts';
import { CHECK_MS, every, type Periodic } from './periodic.ts';

export type GiftTimer = Periodic;

export function startGiftTimer(gifts: ScheduledGifts, options: { origin: string; now: () => number; intervalMs?: number; onRun?: (outcome: GiftDeliveryOutcome) => void }): GiftTimer {
  let doneDay: string | undefined;
  return every(options.intervalMs ?? CHECK_MS, async (stopped) => {
    if (!(await gifts.on(options.origin))) return; // off (the manifest never changes while a server runs), or unreadable
    const day = new Date(options.now()).toISOString().slice(0, 10);
    if (doneDay === day || stopped()) return;
    const outcome = await gifts.run(options.origin);
    options.onRun?.(outcome);
    if (typeof outcome === 'number') doneDay = day;
  });
}
