// Gift delivery run by a platform's own scheduler inside the function (Cloudflare's scheduled event, the
// Node adapter's timer), with no HTTP request: the same boot and the same deliverDue as the
// /_truefans/gift/deliver route, so the same mark on each gift's session keeps every gift to one email.

import { createBoot } from './boot.ts';
import { isTruefansError } from './errors.ts';
import { logLine } from './http/error-response.ts';
import type { HandlerOptions } from './ports.ts';
import { deliverDue } from './routes/gifts.ts';

/** How many gifts went out, or `off` (site.yaml has no gifts), or `failed` (logged; the next firing tries again). */
export type GiftDeliveryOutcome = number | 'off' | 'failed';

export interface ScheduledGifts {
  /** Whether gifts are on in the deploy read from `origin` (false when the manifest is unreadable). */
  on(origin: string): Promise<boolean>;
  /** Emails every gift whose day has come and that has not gone out. */
  run(origin: string): Promise<GiftDeliveryOutcome>;
}

export function createScheduledGifts(options: HandlerOptions): ScheduledGifts {
  const boot = createBoot(options);
  return {
    async on(origin) {
      const loaded = await boot.manifest(origin).catch(() => undefined);
      return Boolean(loaded?.manifest.site.gifts);
    },
    async run(origin) {
      let app;
      try {
        const loaded = await boot.manifest(origin);
        if (!loaded.manifest.site.gifts) return 'off';
        app = await boot.app(loaded, origin);
      } catch {
        return 'failed'; // boot logged why
      }
      try {
        return await deliverDue({ app }, Math.floor(app.now() / 1000));
      } catch (error) {
        boot.log(isTruefansError(error) ? logLine(error) : `truefans: gift delivery failed (${(error as Error)?.name ?? 'error'}); the next firing tries again.`);
        return 'failed';
      }
    },
  };
}
