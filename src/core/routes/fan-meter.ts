// The live fan meter: "312 of 1,000 true fans" as an SVG image the home and membership pages load with an
// <img> (no script; the site's CSP allows img-src 'self', and an image cannot be framed). Stripe is asked
// at most once per isolate every few minutes, and the CDN may keep the image as long, so a page view never
// costs a Stripe call. Off unless site.yaml says `show_fans: true`: then the count is never public.

import { stripeFailure } from '../billing.ts';
import type { App, Ctx } from '../context.ts';
import { Errors } from '../errors.ts';
import { HttpProblem } from '../http/problem.ts';

/** How long a count is used before Stripe is asked again, here and at the CDN (seconds). */
export const FAN_METER_SECONDS = 300;

type Count = { fans: number; atLeast: boolean };
interface Counted {
  count: Count;
  at: number;
  pending: Promise<Count> | undefined;
}

/** One count per isolate (the App lives as long as the isolate); concurrent misses share one Stripe call. */
const counts = new WeakMap<App, Counted>();

async function currentCount(app: App): Promise<Count> {
  const held = counts.get(app);
  const now = app.now();
  if (held && now - held.at < FAN_METER_SECONDS * 1000) return held.count;
  if (held?.pending) return held.pending;
  const pending = app.billing.countFans(app.legacyTiers);
  if (held) held.pending = pending;
  else counts.set(app, { count: { fans: 0, atLeast: false }, at: -Infinity, pending });
  try {
    const count = await pending;
    counts.set(app, { count, at: app.now(), pending: undefined });
    return count;
  } catch (error) {
    const entry = counts.get(app)!;
    entry.pending = undefined;
    // Stripe down: an older count is better than a broken image; none yet is a 503.
    if (entry.at > -Infinity) return entry.count;
    throw stripeFailure(error, 'counting fans for the fan meter');
  }
}

/** The meter as SVG: colours as attributes (no <style>), a <title> for the image's own text. */
export function fanMeterSvg(count: Count, goal: number, language: string): string {
  const n = (value: number) => new Intl.NumberFormat(language).format(value);
  const label = `${count.atLeast ? 'More than ' : ''}${n(count.fans)} of ${n(goal)} true fans`;
  const width = 320;
  const filled = goal > 0 ? Math.round(Math.min(1, count.fans / goal) * width) : 0;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="48" viewBox="0 0 ${width} 48" role="img" aria-label="${label}">`,
    `<title>${label}</title>`,
    `<text x="0" y="18" font-family="system-ui, sans-serif" font-size="16" font-weight="600" fill="#6e6e78">${label}</text>`,
    `<rect x="0" y="28" width="${width}" height="12" rx="6" fill="#8a8a96" fill-opacity="0.3"/>`,
    filled > 0 ? `<rect x="0" y="28" width="${filled}" height="12" rx="6" fill="#c0583a"/>` : '',
    '</svg>',
  ].join('');
}

export async function serveFanMeter(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  if (!app.manifest.site.showFans) throw new HttpProblem(Errors.FanMeterOff);
  const count = await currentCount(app);
  return new Response(fanMeterSvg(count, app.manifest.site.fanGoal, app.manifest.site.language), {
    headers: {
      'content-type': 'image/svg+xml; charset=utf-8',
      // The count is public by the creator's choice; any cache may keep it for the same few minutes.
      'cache-control': `public, max-age=${FAN_METER_SECONDS}, s-maxage=${FAN_METER_SECONDS}`,
    },
  });
}
