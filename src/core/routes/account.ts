// The fan's own corner: the account page (what they hold, the billing portal, their private feed URL,
// sign-out), the billing portal redirect, and sign-out.

import { tierName, offerName, type App, type Ctx } from '../app.ts';
import { changedKey, readSession, resolveFan } from '../fan.ts';
import { clearCookie, SESSION_COOKIE } from '../http/cookies.ts';
import { HttpProblem } from '../http/problem.ts';
import { page, redirect, redirectToStripe, SAME_ORIGIN_REFERRER } from '../http/respond.ts';
import { accountView, ROUTES, signInView } from '../pages/views.ts';
import { stripeFailure } from '../stripe/faults.ts';
import { readForm } from '../http/form.ts';
import { revokeAll, revokeSession } from '../revocation.ts';
import { FEED_GEN_METADATA, FEED_ISSUED_AT, feedGeneration, signFeedToken } from '../tokens/feed.ts';
import { UNAVAILABLE_MESSAGE, UNAVAILABLE_TITLE } from './gated-page.ts';

export async function accountPage(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const fan = await resolveFan(ctx);
  if (fan.kind === 'unavailable') throw new HttpProblem(503, UNAVAILABLE_TITLE, UNAVAILABLE_MESSAGE, { cookies: fan.cookies });
  if (fan.kind === 'anonymous') {
    return page(await app.shell(), signInView(ROUTES.account, 'Sign in to see your membership.'), 200, { cookies: fan.cookies });
  }
  // A fixed issue time makes the URL the same on every visit, until the fan resets it (a new generation on
  // their Stripe customer) or the secret rotates.
  const token = await signFeedToken(app.keyring, app.siteOrigin, fan.customer, FEED_ISSUED_AT, await currentFeedGeneration(app, fan.customer));
  const view = accountView({
    tiers: fan.ent.tiers.map((t) => tierName(app.manifest, t)),
    offers: fan.ent.offers.map((o) => offerName(app.manifest, o)),
    feedUrl: `${app.siteOrigin}${ROUTES.feed}${token}`,
    revocable: app.store !== undefined,
  });
  // No referrer leaves for other sites. Not `no-referrer`: that makes browsers send `Origin: null` on this
  // page's own forms (sign out, manage membership), which the Origin check would have to special-case.
  return page(await app.shell(), view, 200, { cookies: fan.cookies, headers: SAME_ORIGIN_REFERRER });
}

async function currentFeedGeneration(app: App, customer: string): Promise<number> {
  try {
    const record = await app.stripe.customers.retrieve(customer);
    return record.deleted ? 0 : feedGeneration(record.metadata);
  } catch (error) {
    throw stripeFailure(error, 'reading a fan\'s feed address');
  }
}

/**
 * "Reset my feed address": raises the generation on the fan's Stripe customer, so the old address stops
 * working at its next re-check (at once on this instance and, with a store, wherever the "changed" marker
 * is read). Needs no store: Stripe holds the number.
 */
export async function resetFeed(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const { session } = await readSession(ctx);
  if (!session) return redirect(`${ROUTES.signIn}?return_to=${encodeURIComponent(ROUTES.account)}`);
  const next = (await currentFeedGeneration(app, session.customer)) + 1;
  try {
    // Stripe merges `metadata` on update: keys not sent are kept (docs: "Updating metadata", customers.update).
    await app.stripe.customers.update(session.customer, { metadata: { [FEED_GEN_METADATA]: String(next) } });
  } catch (error) {
    throw stripeFailure(error, 'resetting a fan\'s feed address');
  }
  // This instance forgets its last check; others re-check on the marker (with a store) or within the interval.
  app.feedChecks.set(session.customer, { ent: { tiers: [], offers: [] }, checkedAt: 0, gen: next });
  if (app.store) await app.store.put(changedKey(session.customer), String(Math.floor(app.now() / 1000)), { ttlSeconds: Math.max(app.config.recheckSeconds, 60) });
  return redirect(ROUTES.account);
}

export async function openPortal(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const { session } = await readSession(ctx);
  if (!session) return redirect(`${ROUTES.signIn}?return_to=${encodeURIComponent(ROUTES.account)}`);
  try {
    const portal = await app.stripe.billingPortal.sessions.create({ customer: session.customer, return_url: `${app.siteOrigin}${ROUTES.account}` });
    return redirectToStripe(portal.url);
  } catch (error) {
    throw stripeFailure(error, 'opening the billing portal');
  }
}

/**
 * Clears this browser's cookie and, with a store, revokes the session (or, with `everywhere`, every session
 * of the fan). Without a store nothing can be recalled: a copy of the cookie works until it expires.
 */
export async function signOut(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const form = await readForm(ctx.request);
  const { session } = await readSession(ctx);
  if (session) {
    if (form.get('everywhere') === '1') await revokeAll(app, session.customer);
    else await revokeSession(app, session);
  }
  return redirect('/', { cookies: [clearCookie(SESSION_COOKIE, ctx.url)] });
}
