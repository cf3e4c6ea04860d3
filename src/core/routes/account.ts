// The fan's own corner: the account page (what they hold, the billing portal, their private feed URL,
// sign-out), the billing portal redirect, and sign-out.

import { tierName, offerName, type Ctx } from '../app.ts';
import { readSession, resolveFan } from '../fan.ts';
import { clearCookie, SESSION_COOKIE } from '../http/cookies.ts';
import { HttpProblem } from '../http/problem.ts';
import { page, redirect, SAME_ORIGIN_REFERRER } from '../http/respond.ts';
import { accountView, ROUTES, signInView } from '../pages/views.ts';
import { stripeFailure } from '../stripe/faults.ts';
import { portalConfiguration } from '../stripe/portal.ts';
import { FEED_ISSUED_AT, signFeedToken } from '../tokens/feed.ts';
import { UNAVAILABLE_MESSAGE, UNAVAILABLE_TITLE } from './gated-page.ts';

export async function accountPage(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const fan = await resolveFan(ctx);
  if (fan.kind === 'unavailable') throw new HttpProblem(503, UNAVAILABLE_TITLE, UNAVAILABLE_MESSAGE, { cookies: fan.cookies });
  if (fan.kind === 'anonymous') {
    return page(await app.shell(), signInView(ROUTES.account, 'Sign in to see your membership.'), 200, { cookies: fan.cookies });
  }
  // A fixed issue time makes the URL the same on every visit (it lasts until the secret rotates).
  const token = await signFeedToken(app.keyring, app.siteOrigin, fan.customer, FEED_ISSUED_AT);
  const view = accountView({
    tiers: fan.ent.tiers.map((t) => tierName(app.manifest, t)),
    offers: fan.ent.offers.map((o) => offerName(app.manifest, o)),
    feedUrl: `${app.siteOrigin}${ROUTES.feed}${token}`,
  });
  // No referrer leaves for other sites. Not `no-referrer`: that makes browsers send `Origin: null` on this
  // page's own forms (sign out, manage membership), which the Origin check would have to special-case.
  return page(await app.shell(), view, 200, { cookies: fan.cookies, headers: SAME_ORIGIN_REFERRER });
}

export async function openPortal(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const { session } = await readSession(ctx);
  if (!session) return redirect(`${ROUTES.signIn}?return_to=${encodeURIComponent(ROUTES.account)}`);
  try {
    const configuration = await portalConfiguration(app);
    const portal = await app.stripe.billingPortal.sessions.create({ customer: session.customer, return_url: `${app.siteOrigin}${ROUTES.account}`, ...(configuration ? { configuration } : {}) });
    return redirect(portal.url);
  } catch (error) {
    throw stripeFailure(error, 'opening the billing portal');
  }
}

export function signOut(ctx: Ctx): Response {
  return redirect('/', { cookies: [clearCookie(SESSION_COOKIE, ctx.url)] });
}
