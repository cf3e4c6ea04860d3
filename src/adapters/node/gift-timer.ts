// The Node adapter's scheduler for gifts emailed on a date: a timer that checks every so often (hourly by
// default) and, once per UTC day, delivers what is due through the core. The mark on each gift's session
// keeps every gift to one email across restarts and several servers; the timer remembers a day it finished
// so it asks Stripe once a day. It never keeps the process alive (unref) and stops with the server.

import type { GiftDeliveryOutcome, ScheduledGifts } from '../../core/scheduled-gifts.ts';
import { DIGEST_CHECK_MS } from './digest-timer.ts';

export interface GiftTimer {
  /** Stops checking and waits for a run in progress. */
  stop(): Promise<void>;
}

export function startGiftTimer(gifts: ScheduledGifts, options: { origin: string; now: () => number; intervalMs?: number; onRun?: (outcome: GiftDeliveryOutcome) => void }): GiftTimer {
  let doneDay: string | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function check(): Promise<void> {
    if (!(await gifts.on(options.origin))) return; // off (the manifest never changes while a server runs), or unreadable
    const day = new Date(options.now()).toISOString().slice(0, 10);
    if (doneDay === day || stopped) return;
    const outcome = await gifts.run(options.origin);
    options.onRun?.(outcome);
    if (typeof outcome === 'number') doneDay = day;
  }

  const tick = () => {
    if (running || stopped) return; // a slow Stripe never stacks runs
    running = check().finally(() => (running = undefined));
  };
  const timer = setInterval(tick, options.intervalMs ?? DIGEST_CHECK_MS);
  timer.unref();
  tick(); // a server started during the day catches up at once

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
