// A check the Node server runs every so often (the weekly digest, gift delivery): at once on start, so a
// server started late catches up; never two at once, so a slow Stripe never stacks runs; never keeping the
// process alive (unref); and stopped with the server, waiting for a run in progress.

/** How often the server checks by default: hourly. */
export const CHECK_MS = 60 * 60 * 1000;

export interface Periodic {
  /** Stops checking and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Runs `check` now and every `intervalMs`; `stopped()` tells a run in progress that the server is closing. */
export function every(intervalMs: number, check: (stopped: () => boolean) => Promise<void>): Periodic {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = check(() => stopped).finally(() => (running = undefined));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
