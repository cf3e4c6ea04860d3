// The fan's own corner: the account page (what they hold, per customer when there are several, the billing
// portal, their private feed URL, post emails on or off, sign-out), the billing portal redirect, and sign-out.

import { tierName, offerName, type App, type Ctx } from '../context.ts';
import { changedKey, entitlementOptions, readSession, resolveFan } from '../fan.ts';
import { clearFlash, readFlash } from '../http/flash.ts';
import { downloadPath } from '../manifest.ts';
import { longDate, perInterval, priceText } from '../pages/price-text.ts';
import { shellFor } from '../pages/shell-for.ts';
import { isMissing, isTransient, stripeFailure, type Account, type CustomerRecord } from '../billing.ts';
import { clearCookie, SESSION_COOKIE } from '../http/cookies.ts';
import { readForm } from '../http/form.ts';
import { Errors } from '../errors.ts';
import { HttpProblem } from '../http/problem.ts';
import { page, redirect, redirectToStripe, SAME_ORIGIN_REFERRER } from '../http/respond.ts';
import { accountView, signedOutView, signOutView, type AccountCustomer, type AccountItem, type AccountPlan, type AccountSummary } from '../pages/views.ts';
import { revokeAll, revokeSession } from '../revocation.ts';
import type { Session } from '../tokens/session.ts';
import { FEED_GEN_METADATA, FEED_ISSUED_AT, feedGeneration, signFeedToken } from '../tokens/feed.ts';
import { postEmailsOn } from '../follower-marks.ts';
import { feedOwnerKey } from './feed.ts';
import { signInAnswer } from './signin.ts';
import { wallNameOf } from './supporters.ts';
import { ROUTES } from '../paths.ts';
import { mayWriteLetters } from '../letters/rules.ts';

export async function accountPage(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const fan = await resolveFan(ctx);
  if (fan.kind === 'unavailable') throw new HttpProblem(Errors.MembershipUnconfirmed, undefined, { cookies: fan.cookies });
  if (fan.kind === 'anonymous') {
    return signInAnswer(ctx, ROUTES.account, 'Sign in to see your membership.', 200, { cookies: fan.cookies });
  }
  // A fixed issue time makes the URL the same on every visit, until the fan resets it (a new generation on
  // their Stripe customers) or the secret rotates. Only a verified session gets the feed of its email; an
  // unverified one gets its own customer's.
  const { session } = fan;
  const owner = session.verified && session.email ? { email: session.email } : { customer: fan.customer };
  const records = await customerRecords(app, session, 'reading a fan\'s feed address');
  const token = await signFeedToken(app.keyring, app.siteOrigin, owner, FEED_ISSUED_AT, feedGenerationOf(records));
  const feedUrl = `${app.siteOrigin}${ROUTES.feed}${token}`;
  let summary: AccountSummary;
  try {
    const account = await app.billing.account(session.customers, entitlementOptions(app), session.verified ? session.email : undefined);
    summary = { ...summarise(app, account, feedUrl), customers: await customersOf(ctx, session.customers) };
  } catch (error) {
    if (!isTransient(error)) throw stripeFailure(error, 'reading a fan\'s account');
    app.log(`truefans: ${stripeFailure(error, 'reading a fan\'s account').message.split('\n')[0]} Showing the account from the session.`);
    summary = { email: undefined, plans: [], purchases: [], feedUrl, degraded: [...fan.ent.tiers.map((t) => tierName(app.manifest, t)), ...fan.ent.offers.map((o) => offerName(app.manifest, o))] };
  }
  summary.revocable = app.store !== undefined;
  // Off when any of the fan's customers says off (an unsubscribe link turns off every one of them).
  summary.postEmails = records.every((record) => record.deleted || postEmailsOn(record.metadata));
  if (app.manifest.site.supporterWall && !summary.degraded) {
    try {
      summary.wall = { name: await wallNameOf(app, session.customers) };
    } catch (error) {
      app.log(`truefans: ${stripeFailure(error, "reading a fan's name on the supporter wall").message.split('\n')[0]} The account page leaves the wall out.`);
    }
  }
  if (mayWriteLetters(app, fan.ent, records)) summary.letterTo = app.site.author;
  const flash = readFlash(ctx.request, ctx.url);
  if (flash) fan.cookies.push(clearFlash(ctx.url));
  const view = accountView(summary);
  // No referrer leaves for other sites. Not `no-referrer`: that makes browsers send `Origin: null` on this
  // page's own forms (sign out, manage membership), which the Origin check would have to special-case.
  return page(await shellFor(ctx, { ent: fan.ent, flash }), view, 200, { cookies: fan.cookies, headers: SAME_ORIGIN_REFERRER });
}

/** The session's customers as Stripe has them (their metadata holds the feed generation and post emails). */
async function customerRecords(app: App, session: Session, what: string): Promise<CustomerRecord[]> {
  try {
    return await Promise.all(session.customers.map((c) => app.billing.customer(c)));
  } catch (error) {
    throw stripeFailure(error, what);
  }
}

/** A fan's feed generation: the highest on any of the session's customers (a verified fan may have several). */
function feedGenerationOf(records: readonly CustomerRecord[]): number {
  return Math.max(0, ...records.map((record) => (record.deleted ? 0 : feedGeneration(record.metadata))));
}

async function currentFeedGeneration(app: App, session: Session): Promise<number> {
  return feedGenerationOf(await customerRecords(app, session, 'reading a fan\'s feed address'));
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
  const next = (await currentFeedGeneration(app, session)) + 1;
  try {
    // Metadata merges (keys not sent are kept). Every customer of the session gets it, so the highest generation is the new one whichever is read.
    await Promise.all(session.customers.map((c) => app.billing.setCustomerMetadata(c, { [FEED_GEN_METADATA]: String(next) })));
  } catch (error) {
    throw stripeFailure(error, 'resetting a fan\'s feed address');
  }
  // This instance forgets its last checks; others re-check on the marker (with a store) or within the interval.
  const owner = session.verified && session.email ? { email: session.email } : { customer: session.customer };
  app.feedChecks.set(await feedOwnerKey(owner), { ent: { tiers: [], offers: [] }, checkedAt: 0, gen: next, customers: [...session.customers] });
  if (app.store) {
    const store = app.store;
    const at = String(Math.floor(app.now() / 1000));
    await Promise.all(session.customers.map((c) => store.put(changedKey(c), at, { ttlSeconds: Math.max(app.config.recheckSeconds, 60) })));
  }
  return redirect(ROUTES.account);
}

const STATUS: Record<string, string> = { active: 'Active', trialing: 'Trial', past_due: 'Payment failed', unpaid: 'Unpaid', canceled: 'Ended', paused: 'Paused', incomplete: 'Not started', incomplete_expired: 'Not started' };

/** The account's facts as sentences: "Next charge: $7 on December 20, 2026." */
function summarise(app: App, account: Account, feedUrl: string): AccountSummary {
  const { currency, language } = app.manifest.site;
  const money = (m: number, i: 'month' | 'year') => perInterval(m, currency, i, language);
  const live = account.memberships.filter((m) => m.live);
  // Without a live membership, the most recent ended one is shown with a rejoin button.
  const shown = live.length ? live : account.memberships.filter((m) => m.endedAt !== undefined).sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0)).slice(0, 1);
  const plans: AccountPlan[] = shown.map((m) => {
    const tier = app.manifest.tiers.find((t) => t.id === m.tier);
    let next: string;
    if (m.endedAt !== undefined) next = `Ended on ${longDate(m.endedAt, language)}.`;
    else if (m.trialEnd !== undefined && m.endsAt !== undefined) next = `Your trial ends on ${longDate(m.trialEnd, language)}, and so does the membership: it will not be charged.`;
    else if (m.trialEnd !== undefined) next = `Your trial ends on ${longDate(m.trialEnd, language)}; then ${money(m.amount, m.interval)}. Cancel any time before from Manage membership.`;
    else if (m.endsAt !== undefined) next = `Ends on ${longDate(m.endsAt, language)}. You keep everything until then, and you will not be charged again.`;
    else if (m.status === 'past_due' || m.status === 'unpaid') next = 'Your last payment did not go through. Update your card under Manage membership and billing.';
    else next = m.renewsAt !== undefined ? `Next charge: ${priceText(m.amount, currency, language)} on ${longDate(m.renewsAt, language)}.` : '';
    const rejoin =
      m.endedAt !== undefined && tier
        ? (['month', 'year'] as const).filter((i) => (i === 'month' ? tier.monthly : tier.yearly) !== undefined).map((i) => ({ interval: i, label: `Rejoin for ${money((i === 'month' ? tier.monthly : tier.yearly)!, i)}` }))
        : undefined;
    return { tierId: m.tier, tier: tierName(app.manifest, m.tier), price: money(m.amount, m.interval), status: STATUS[m.status] ?? m.status, next, live: m.live, ...(rejoin ? { rejoin } : {}) };
  });
  const purchases: AccountItem[] = account.purchases.map((p) => {
    const offer = app.manifest.offers.find((o) => o.id === p.offer);
    const asset = offer?.asset ? app.asset(offer.asset) : undefined;
    return { name: offerName(app.manifest, p.offer), bought: longDate(p.boughtAt, language), ...(asset && offer?.asset ? { download: downloadPath(offer.asset, asset.name) } : {}) };
  });
  return { email: account.email, plans, purchases, feedUrl };
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
    const holdings = await app.billing.holdings(customers, entitlementOptions(app));
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
    throw new HttpProblem(Errors.NotYourMembership, undefined, { signIn: true, returnTo: ROUTES.account });
  }
  try {
    // The site's own portal configuration (made by stripe:sync): Stripe refuses a portal without one.
    const configuration = await app.billing.portalConfiguration(app.siteOrigin);
    return redirectToStripe(await app.billing.openPortal({ customer: asked, returnUrl: `${app.siteOrigin}${ROUTES.account}`, configuration }));
  } catch (error) {
    if (isMissing(error)) {
      app.log('truefans: the Stripe customer of a session no longer exists; signing that browser out.');
      return redirect(`${ROUTES.signIn}?return_to=${encodeURIComponent(ROUTES.account)}`, { cookies: [clearCookie(SESSION_COOKIE, url)] });
    }
    throw stripeFailure(error, 'opening the billing portal');
  }
}

/**
 * Clears this browser's cookie and, with a store, revokes the session (or, with `everywhere`, every session
 * of the fan), then shows "You're signed out" (a GET, so a reload does not post again). Without a store
 * nothing can be recalled: a copy of the cookie works until it expires.
 */
export async function signOut(ctx: Ctx): Promise<Response> {
  const { app } = ctx;
  const form = await readForm(ctx.request);
  const { session } = await readSession(ctx);
  if (session) {
    if (form.get('everywhere') === '1') await revokeAll(app, session);
    else await revokeSession(app, session);
  }
  return redirect(ROUTES.signOut, { cookies: [clearCookie(SESSION_COOKIE, ctx.url)] });
}

/** "You're signed out", only when it is true; a browser still signed in is offered the button instead. */
export async function signedOutPage(ctx: Ctx): Promise<Response> {
  const { session } = await readSession(ctx);
  return page(await shellFor(ctx), session ? signOutView() : signedOutView(), 200, { headers: SAME_ORIGIN_REFERRER });
}
