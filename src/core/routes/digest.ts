// The weekly digest route, called by each platform's scheduler (Cloudflare Cron Triggers, Netlify Scheduled
// Functions, Vercel Cron Jobs, the Node adapter's timer) with `Authorization: Bearer ${CRON_SECRET}`, as
// Vercel documents for its cron jobs. A scheduler may fire twice, so the digest goes out once per ISO week:
// a mark on the site's portal configuration (`truefans_digest_week`) is read fresh before sending and
// written after (Stripe is the record, as for the notes), with a store claim first where there is a store.

import { stripeFailure } from '../billing.ts';
import type { App, Ctx } from '../context.ts';
import { digestEmail, digestFigures, isoWeek, WEEK_SECONDS } from '../digest.ts';
import { send } from '../email/send.ts';
import { Errors } from '../errors.ts';
import { HttpProblem } from '../http/problem.ts';

/** SHA-256 both sides, then compare every byte: the time taken says nothing about the secret. */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([given, expected].map(async (v) => new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(v)))));
  let diff = 0;
  for (let i = 0; i < a!.length; i++) diff |= a![i]! ^ b![i]!;
  return diff === 0;
}

export type DigestOutcome = 'sent' | 'already-sent' | 'not-sent';

/** Sends this week's digest unless it went out already; what happened, for the scheduler's log. */
export async function runDigest(app: App): Promise<DigestOutcome> {
  const to = app.config.creatorEmail;
  if (!to || !app.mailer) {
    app.log('truefans: the weekly digest was not sent: set CREATOR_EMAIL and an EMAIL_PROVIDER.');
    return 'not-sent';
  }
  const now = Math.floor(app.now() / 1000);
  const week = isoWeek(now);
  let mark;
  try {
    mark = await app.billing.digestMark(app.siteOrigin);
  } catch (error) {
    throw stripeFailure(error, 'reading the weekly digest mark');
  }
  if (!mark) {
    app.log('truefans: the weekly digest was not sent: Stripe has no billing portal configuration for this site to keep its once-a-week mark on. Run npm run stripe:sync.');
    return 'not-sent';
  }
  if (mark.week === week) return 'already-sent';
  // Two firings at once: the store's claim lets one through (atomic stores only; KV narrows the window).
  if (app.store && !(await app.store.putIfAbsent(`digest:${week}`, String(now), { ttlSeconds: WEEK_SECONDS * 2 }))) return 'already-sent';
  let subs;
  try {
    subs = await app.billing.digestSubscriptions(now - WEEK_SECONDS);
  } catch (error) {
    if (app.store) await app.store.delete(`digest:${week}`).catch(() => undefined);
    throw stripeFailure(error, 'reading subscriptions for the weekly digest');
  }
  const site = app.manifest.site;
  const email = digestEmail({ ...app.site, currency: site.currency, language: site.language, fanGoal: site.fanGoal, fanGoalEach: site.fanGoalEach ?? 70 }, to, digestFigures(subs, now));
  if (!(await send(app, { ...email, idempotencyKey: `weekly-digest-${week}` }))) {
    if (app.store) await app.store.delete(`digest:${week}`).catch(() => undefined);
    return 'not-sent';
  }
  try {
    await app.billing.markDigest(mark.configuration, week);
  } catch (error) {
    // Sent but not marked: a second firing this week may repeat it (Resend's idempotency key stops that).
    app.log(`truefans: ${stripeFailure(error, 'marking the weekly digest as sent').message.split('\n')[0]}`);
  }
  return 'sent';
}

export async function serveDigest(ctx: Ctx): Promise<Response> {
  const { app, request } = ctx;
  if (!app.manifest.site.weeklyDigest) throw new HttpProblem(Errors.DigestOff);
  const secret = app.config.cronSecret;
  const given = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  if (!secret || !given || !(await sameSecret(given, secret))) throw new HttpProblem(Errors.DigestUnauthorized);
  const outcome = await runDigest(app);
  return new Response(`${outcome}\n`, { headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}
