// The fan's own corner: the account page (what they hold, per customer when there are several, the billing
// portal, their private feed URL, sign-out), the billing portal redirect, and sign-out.

import { tierName, offerName, type Ctx } from '../app.ts';
import { entitlementOptions, readSession, resolveFan } from '../fan.ts';
import { clearCookie, SESSION_COOKIE } from '../http/cookies.ts';
import { readForm } from '../http/form.ts';
import { HttpProblem } from '../http/problem.ts';
import { page, redirect, SAME_ORIGIN_REFERRER } from '../http/respond.ts';
import { accountView, ROUTES, signInView, type AccountCustomer } from '../pages/views.ts';
import { isMissing, stripeFailure } from '../stripe/faults.ts';
import { readHoldings } from '../stripe/fans.ts';
import { FEED_ISSUED_AT, signFeedToken } from '../tokens/feed.ts';
import { UNAVAILABLE_MESSAGE, UNAVAILABLE_TITLE } from './gated-page.ts';

export async function accountPage(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const fan = await resolveFan(ctx);
  if (fan.kind === 'unavailable') throw new HttpProblem(503, UNAVAILABLE_TITLE, UNAVAILABLE_MESSAGE, { cookies: fan.cookies });
  if (fan.kind === 'anonymous') {
    return page(await app.shell(), signInView(ROUTES.account, 'Sign in to see your membership.'), 200, { cookies: fan.cookies });
  }
  // A fixed issue time makes the URL the same on every visit (it lasts until the secret rotates). Only a
  // verified session gets the feed of its email; an unverified one gets its own customer's.
  const { session } = fan;
  const owner = session.verified && session.email ? { email: session.email } : { customer: fan.customer };
  const token = await signFeedToken(app.keyring, app.siteOrigin, owner, FEED_ISSUED_AT);
  const view = accountView({
    tiers: fan.ent.tiers.map((t) => tierName(app.manifest, t)),
    offers: fan.ent.offers.map((o) => offerName(app.manifest, o)),
    feedUrl: `${app.siteOrigin}${ROUTES.feed}${token}`,
    customers: await customersOf(ctx, session.customers),
  });
  // No referrer leaves for other sites. Not `no-referrer`: that makes browsers send `Origin: null` on this
  // page's own forms (sign out, manage membership), which the Origin check would have to special-case.
  return page(await app.shell(), view, 200, { cookies: fan.cookies, headers: SAME_ORIGIN_REFERRER });
}

/**
 * A fan with several customers (several signed-out checkouts with one email) sees what each holds, each with
 * its own "Manage" button, since a portal session shows one customer's subscriptions. Only asked of Stripe
 * when there are several; a failure leaves the one combined button.
 */
async function customersOf(ctx: Ctx, customers: readonly string[]): Promise<AccountCustomer[]> {
  const { app } = ctx;
  if (customers.length < 2) return [];
  try {
    const holdings = await readHoldings(app.stripe, customers, entitlementOptions(app));
    return holdings.map((h) => ({ id: h.customer, tiers: h.ent.tiers.map((t) => tierName(app.manifest, t)), offers: h.ent.offers.map((o) => offerName(app.manifest, o)) }));
  } catch (error) {
    app.log(`truefans: ${stripeFailure(error, 'listing a fan\'s customers for the account page').message} Showing one "Manage" button.`);
    return [];
  }
}

const CUSTOMER_ID = /^cus_[A-Za-z0-9_]{1,60}$/;

export async function openPortal(ctx: Ctx): Promise<Response> {
  const { app, url } = ctx;
  const { session } = await readSession(ctx);
  if (!session) return redirect(`${ROUTES.signIn}?return_to=${encodeURIComponent(ROUTES.account)}`);
  const asked = (await readForm(ctx.request)).get('customer') || session.customer;
  // The session's own customer, or, for a verified session only, any customer with its email (as of the
  // last check). An unverified session (a checkout completion) never reaches another customer's portal.
  const allowed = CUSTOMER_ID.test(asked) && (asked === session.customer || (session.verified && session.customers.includes(asked)));
  if (!allowed) {
    throw new HttpProblem(403, 'That membership is not yours to manage here', 'This browser can manage only the memberships it is signed in for. Sign in with the email you paid with to manage all of them.', { signIn: true, returnTo: ROUTES.account });
  }
  try {
    const portal = await app.stripe.billingPortal.sessions.create({ customer: asked, return_url: `${app.siteOrigin}${ROUTES.account}` });
    return redirect(portal.url);
  } catch (error) {
    if (isMissing(error)) {
      app.log('truefans: the Stripe customer of a session no longer exists; signing that browser out.');
      return redirect(`${ROUTES.signIn}?return_to=${encodeURIComponent(ROUTES.account)}`, { cookies: [clearCookie(SESSION_COOKIE, url)] });
    }
    throw stripeFailure(error, 'opening the billing portal');
  }
}

export function signOut(ctx: Ctx): Response {
  return redirect('/', { cookies: [clearCookie(SESSION_COOKIE, ctx.url)] });
}
