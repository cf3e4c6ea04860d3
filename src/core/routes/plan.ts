// Changing plan from a page: a member presses "Upgrade to Patron" (on a post's paywall) or "Switch" (on
// /membership/), and goes straight to Stripe's billing portal confirmation for that one change
// (flow_data type `subscription_update_confirm`), where Stripe shows the prorated amount due today. After
// confirming, Stripe redirects to /plan/done, which re-reads the membership and lands the fan back on
// the page, open, with a one-line banner.

import type { Ctx } from '../context.ts';
import { entitlementOptions, identityOf, readSession, sessionCookie } from '../fan.ts';
import { flashCookie } from '../http/flash.ts';
import { readForm } from '../http/form.ts';
import { Errors } from '../errors.ts';
import { HttpProblem } from '../http/problem.ts';
import { redirect, redirectToStripe } from '../http/respond.ts';
import { safeReturnPath } from '../http/return-to.ts';
import { isTransient, stripeFailure } from '../billing.ts';
import { unionOf } from '../holdings.ts';
import { findPrice } from './checkout.ts';
import { ROUTES } from '../paths.ts';

export async function changePlan(ctx: Ctx): Promise<Response> {
  const { app, request } = ctx;
  const form = await readForm(request);
  const returnTo = safeReturnPath(form.get('return_to'));
  const { session } = await readSession(ctx);
  if (!session) return redirect(`${ROUTES.signIn}?return_to=${encodeURIComponent(returnTo)}`);
  const tier = app.manifest.tiers.find((t) => t.id === form.get('tier'));
  const interval = form.get('interval') === 'year' ? 'year' : 'month';
  const amount = interval === 'year' ? tier?.yearly : tier?.monthly;
  if (!tier || amount === undefined) {
    throw new HttpProblem(Errors.NotAvailable, { what: 'plan' }, { returnTo });
  }
  let memberships;
  try {
    // Every customer the session covers (a verified fan's several); the portal opens for the one that holds it.
    memberships = (await Promise.all(session.customers.map((c) => app.billing.memberships(c, entitlementOptions(app))))).flat();
  } catch (error) {
    throw stripeFailure(error, 'reading a member\'s plan');
  }
  const rank = (id: string) => app.rankedTiers.indexOf(id);
  const current = memberships.filter((m) => m.live).sort((a, b) => rank(b.tier) - rank(a.tier))[0];
  if (!current) {
    throw new HttpProblem(Errors.NoPlanToChange, undefined, { returnTo: '/membership/' });
  }
  if (current.tier === tier.id && current.interval === interval) return redirect(returnTo);
  const price = await findPrice(app, { kind: 'tier', id: tier.id, interval, amount, trialDays: tier.trialDays });
  const done = `${app.siteOrigin}${ROUTES.planDone}?return_to=${encodeURIComponent(returnTo)}`;
  try {
    // The portal's confirmation of this one change (the price must be one the configuration allows).
    const configuration = await app.billing.portalConfiguration(app.siteOrigin);
    const portal = await app.billing.openPortal({
      customer: current.customer,
      configuration,
      returnUrl: `${app.siteOrigin}${returnTo}`,
      planChange: { subscription: current.subscription, item: current.item, price: price.id, doneUrl: done },
    });
    return redirectToStripe(portal);
  } catch (error) {
    throw stripeFailure(error, 'opening the plan change');
  }
}

/**
 * Where Stripe sends the fan after confirming: the session is refreshed from Stripe at once (a GET that
 * only re-reads the signed-in fan's own membership, so a forged link can do nothing but that).
 */
export async function planChanged(ctx: Ctx): Promise<Response> {
  const { app, url } = ctx;
  const returnTo = safeReturnPath(url.searchParams.get('return_to'));
  const { session } = await readSession(ctx);
  if (!session) return redirect(returnTo);
  let ent;
  try {
    const options = entitlementOptions(app);
    ent = unionOf(await app.billing.holdings(session.customers, options), options);
  } catch (error) {
    if (!isTransient(error)) throw stripeFailure(error, 're-reading a changed plan');
    // The next page's re-check (or the webhook) will catch up.
    return redirect(returnTo);
  }
  const now = Math.floor(app.now() / 1000);
  const top = app.rankedTiers.filter((t) => ent.tiers.includes(t)).pop();
  const cookies = [await sessionCookie(app, url, identityOf(session), ent, now), ...(top ? [flashCookie(url, { k: 'changed', tier: top })] : [])];
  return redirect(returnTo, { cookies });
}
