// The weekly digest run by a platform's own scheduler inside the function (Cloudflare's scheduled event,
// the Node adapter's timer), with no HTTP request: the same boot and the same runDigest as the
// /_truefans/digest route, so the same once-per-ISO-week mark and store claim keep it to one a week.

import { createBoot } from './boot.ts';
import { parseDigestAt, type DigestAt } from './digest-schedule.ts';
import { isTruefansError } from './errors.ts';
import { logLine } from './http/error-response.ts';
import type { HandlerOptions } from './ports.ts';
import { runDigest, type DigestOutcome } from './routes/digest.ts';

/** What a scheduled run did: the digest's outcome, or `off` (site.yaml has no weekly_digest: true), or `failed` (logged). */
export type ScheduledOutcome = DigestOutcome | 'off' | 'failed';

export interface ScheduledDigest {
  /**
   * Runs this week's digest. `origin` is where the deploy's files are read from (the manifest): any origin
   * the platform's static files answer on; the site's own address comes from SITE_URL or site.yaml as usual.
   */
  run(origin: string): Promise<ScheduledOutcome>;
  /** When the digest is due each week (site.yaml `weekly_digest_at`); undefined when it is off or the manifest is unreadable. */
  schedule(origin: string): Promise<DigestAt | undefined>;
}

export function createScheduledDigest(options: HandlerOptions): ScheduledDigest {
  const boot = createBoot(options);
  return {
    async schedule(origin) {
      const loaded = await boot.manifest(origin).catch(() => undefined);
      return loaded?.manifest.site.weeklyDigest ? parseDigestAt(loaded.manifest.site.digestAt) : undefined;
    },
    async run(origin) {
      let app;
      try {
        const loaded = await boot.manifest(origin);
        if (!loaded.manifest.site.weeklyDigest) return 'off';
        app = await boot.app(loaded, origin);
      } catch {
        return 'failed'; // boot logged why (an unreadable manifest, a misconfigured environment)
      }
      try {
        return await runDigest(app);
      } catch (error) {
        // A scheduler has no visitor to answer: one log line (never a secret), and the next firing tries again.
        boot.log(isTruefansError(error) ? logLine(error) : `truefans: the weekly digest failed (${(error as Error)?.name ?? 'error'}); the next firing tries again.`);
        return 'failed';
      }
    },
  };
}
