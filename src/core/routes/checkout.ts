// Checkout: a form POST starts a Stripe Checkout Session for a tier, an offer or a pay-what-you-want
// amount and answers 303 to Stripe; Stripe sends the fan back to /complete, which grants access only for
// a complete, paid session that is recent and was started by this very browser. That session is unverified:
// paying proves no email address, so it opens what that checkout's own customer holds and nothing else.

import type { Entitlements } from '../access.ts';
import { canAccess } from '../access.ts';
import { offerName, tierName, type App, type Ctx } from '../context.ts';
import { canonicalPath } from '../http/canonical-path.ts';
import { flashCookie } from '../http/flash.ts';
import { trialSentence } from '../pages/reader.ts';
import { priceText } from '../pages/price-text.ts';
import { shellFor } from '../pages/shell-for.ts';
import { newNonce, nonceHash, nonceMatches, NONCE_PATTERN } from '../checkout-nonce.ts';
import { Errors, TruefansError } from '../errors.ts';
import { errorResponse } from '../http/error-response.ts';
import { entitlementOptions, identityOf, readSession, sessionCookie, type Identity } from '../fan.ts';
import { CHECKOUT_COOKIE, clearCookie, readCookie, setCookie } from '../http/cookies.ts';
import { limit } from '../rate-limit.ts';
import { readForm } from '../http/form.ts';
import { HttpProblem } from '../http/problem.ts';
import { page, redirect, redirectToStripe, SAME_ORIGIN_REFERRER } from '../http/respond.ts';
import { safeReturnPath } from '../http/return-to.ts';
import { downloadPath, lookupKey } from '../manifest.ts';
import { parseMajorUnits } from '../money.ts';
import { welcomeView, type Bought } from '../pages/views.ts';
import { isMissing, isTransient, stripeFailure, type CheckoutRecord, type CheckoutStart, type PriceRecord } from '../billing.ts';
import { mergeEntitlements, offerOfCheckout, statusGrants, unionOf } from '../holdings.ts';
import type { Session } from '../tokens/session.ts';
import { WALL_FIELD, WALL_NAME_MAX } from '../wall.ts';
import { ROUTES } from '../paths.ts';
import { GIFT_KIND } from '../gifts/rules.ts';
import { giftOf } from '../gifts/gift.ts';
import { giftBoughtPage } from './gifts.ts';

/** A checkout must come back within this long of being created (Stripe's own sessions last 24 hours). */
export const CHECKOUT_MAX_AGE_SECONDS = 24 * 3600;


export type Purchase =
  | { kind: 'tier'; id: string; interval: 'month' | 'year'; amount: number; trialDays: number | undefined }
  | { kind: 'offer'; id: string; amount: number }
  | { kind: 'gift'; amount: number };

const unavailable = (returnTo: string) => new HttpProblem(Errors.NotAvailable, { what: 'purchase' }, { returnTo });

function choose(app: App, form: Map<string, string>, returnTo: string): Purchase {
  const { manifest } = app;
  const tierId = form.get('tier');
  if (tierId) {
    const tier = manifest.tiers.find((t) => t.id === tierId);
    const interval = form.get('interval') === 'year' ? 'year' : form.get('interval') === 'month' || !form.get('interval') ? 'month' : undefined;
    const amount = interval === 'year' ? tier?.yearly : tier?.monthly;
    if (!tier || !interval || amount === undefined) throw unavailable(returnTo);
    return { kind: 'tier', id: tier.id, interval, amount, trialDays: tier.trialDays };
  }
  const offerId = form.get('offer');
  if (offerId) {
    const offer = manifest.offers.find((o) => o.id === offerId);
    if (!offer) throw unavailable(returnTo);
    return { kind: 'offer', id: offer.id, amount: offer.price };
  }
  const amountText = form.get('amount');
  if (amountText !== undefined && manifest.payWhatYouWant) {
    const amount = parseMajorUnits(amountText, manifest.site.currency);
    // Stripe caps a single charge at 999,999.99 in most currencies.
    if (amount === undefined || amount < manifest.payWhatYouWant.minimum || amount > 99_999_999) throw unavailable(returnTo);
    return { kind: 'gift', amount };
  }
  throw unavailable(returnTo);
}

function missingPrice(key: string, detail: string): TruefansError {
  return new TruefansError(Errors.StripePriceMissing, { key, problem: detail });
}

export async function findPrice(app: App, purchase: Exclude<Purchase, { kind: 'gift' }>): Promise<PriceRecord> {
  const key = purchase.kind === 'tier' ? lookupKey.tier(purchase.id, purchase.interval) : lookupKey.offer(purchase.id);
  let price: PriceRecord | undefined;
  try {
    price = await app.billing.findPrice(key);
  } catch (error) {
    throw stripeFailure(error, 'looking up a price');
  }
  if (!price) throw missingPrice(key, 'does not exist in this Stripe account');
  // Never charge something other than what the page showed.
  if (price.amount !== purchase.amount || price.currency !== app.manifest.site.currency) {
    throw missingPrice(key, `is ${price.amount} ${price.currency} in Stripe but ${purchase.amount} ${app.manifest.site.currency} in the site`);
  }
  if (purchase.kind === 'tier' && price.interval !== purchase.interval) throw missingPrice(key, `is not a ${purchase.interval}ly price in Stripe`);
  return price;
}

/**
 * The terms link on Stripe's page, when the site has a terms page: Checkout's custom text beside the
 * button, which needs no Dashboard setup; consent_collection[terms_of_service]=required would make Stripe
 * refuse every session until a terms URL is set in the Dashboard's public details, so it is not used.
 */
function termsText(app: App): string | undefined {
  const terms = app.manifest.site.terms;
  if (!terms) return undefined;
  return `By continuing, you agree to the [terms of service](${app.siteOrigin}${terms}).`;
}

export async function startCheckout(ctx: Ctx): Promise<Response> {
  const { app, url, request } = ctx;
  const form = await readForm(request);
  const returnTo = safeReturnPath(form.get('return_to'));
  const purchase = choose(app, form, returnTo);
  await limit(ctx, 'checkout');

  const existing = readCookie(request, CHECKOUT_COOKIE, url);
  // Reuse this browser's nonce, so two checkouts started in two tabs both come back to it.
  const nonce = existing && NONCE_PATTERN.test(existing) ? existing : newNonce();
  const { session: fanSession } = await readSession(ctx);
  if (fanSession && purchase.kind !== 'gift') await refuseDoublePurchase(app, fanSession, purchase, returnTo);
  const metadata: Record<string, string> = { truefans_return: returnTo, truefans_nonce: await nonceHash(app.keyring, nonce), truefans_kind: purchase.kind };
  if (purchase.kind === 'tier') metadata.truefans_tier = purchase.id;
  if (purchase.kind === 'offer') metadata.truefans_offer = purchase.id;

  const tax = app.manifest.site.tax === 'automatic';
  let what: Pick<CheckoutStart, 'item' | 'subscription' | 'paymentMetadata'>;
  if (purchase.kind === 'gift') {
    what = { item: { amount: purchase.amount, currency: app.manifest.site.currency, productName: `Support for ${app.site.title}`, taxBehavior: tax ? (app.manifest.site.taxPrices ?? 'inclusive') : undefined }, paymentMetadata: metadata };
  } else {
    const price = await findPrice(app, purchase);
    what = purchase.kind === 'tier' ? { item: { price: price.id }, subscription: { metadata: { truefans_tier: purchase.id }, trialDays: purchase.trialDays } } : { item: { price: price.id }, paymentMetadata: metadata };
  }
  const start: CheckoutStart = {
    mode: purchase.kind === 'tier' ? 'subscription' : 'payment',
    // Tax needs the fan's address, saved on a known customer.
    tax: tax ? { saveAddress: fanSession !== undefined } : undefined,
    successUrl: `${app.siteOrigin}${ROUTES.checkoutComplete}?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${app.siteOrigin}${returnTo}`,
    metadata,
    submitMessage: termsText(app),
    // A signed-in fan buys as their Stripe customer (a verified fan: the one holding their tier), so Checkout
    // makes no new customer and everything stays under one sign-in. Without it, Stripe makes a new customer.
    customer: fanSession?.customer,
    ...what,
    ...(purchase.kind === 'tier' && app.manifest.site.supporterWall ? { wallField: { ...WALL_FIELD, maxLength: WALL_NAME_MAX } } : {}),
  };
  let session: { url: string | null };
  try {
    session = await app.billing.startCheckout(start);
  } catch (error) {
    throw stripeFailure(error, 'starting a checkout');
  }
  if (!session.url) throw new TruefansError(Errors.StripeRefused, { what: 'starting a checkout', status: '', noUrl: true });
  return redirectToStripe(session.url, { cookies: [setCookie(CHECKOUT_COOKIE, nonce, url, CHECKOUT_MAX_AGE_SECONDS)] });
}

/**
 * A member who already holds what they are buying, or any tier when buying a tier, is sent to their
 * account instead: a second subscription would charge them twice. The cookie may be stale, so Stripe
 * has the last word.
 */
async function refuseDoublePurchase(app: App, session: Session, purchase: Exclude<Purchase, { kind: 'gift' }>, returnTo: string): Promise<void> {
  const holds = (ent: Entitlements) => (purchase.kind === 'tier' ? ent.tiers.length > 0 : ent.offers.includes(purchase.id));
  if (!holds(session.ent)) return;
  let ent: Entitlements;
  try {
    // Every customer the session covers: a verified fan's tier may sit on another customer than the one buying.
    ent = unionOf(await app.billing.holdings(session.customers, entitlementOptions(app)), entitlementOptions(app));
  } catch (error) {
    throw stripeFailure(error, 'checking what a member already holds');
  }
  if (!holds(ent)) return;
  throw new HttpProblem(Errors.AlreadyHeld, { kind: purchase.kind }, { returnTo: purchase.kind === 'tier' ? ROUTES.account : returnTo });
}

export type Verdict = 'granted' | 'not-complete' | 'unpaid' | 'subscription-inactive' | 'stale' | 'other-browser' | 'no-customer';

/** The grant rules, in order. Pure apart from the HMAC check. */
export async function judgeSession(app: App, session: CheckoutRecord, nonce: string | undefined): Promise<Verdict> {
  if (session.status !== 'complete') return 'not-complete';
  if (session.paymentStatus !== 'paid' && session.paymentStatus !== 'no_payment_required') return 'unpaid';
  if (session.mode === 'subscription') {
    const sub = session.subscription;
    // Only `active` and `trialing`: a brand-new subscription that is already past due grants nothing.
    if (!sub || !statusGrants(sub.status, 'revoke')) return 'subscription-inactive';
  }
  if (Math.floor(app.now() / 1000) - session.created > CHECKOUT_MAX_AGE_SECONDS) return 'stale';
  if (!(await nonceMatches(app.keyring, nonce, session.metadata.truefans_nonce ?? undefined))) return 'other-browser';
  if (!session.customer) return 'no-customer';
  return 'granted';
}

/** What this one session grants, used when Stripe's lists lag behind or fail right after payment. */
function grantedBy(app: App, session: CheckoutRecord): Entitlements {
  const tier = session.metadata.truefans_tier;
  const offer = offerOfCheckout(session);
  return {
    tiers: session.mode === 'subscription' && tier && app.rankedTiers.includes(tier) ? [tier] : [],
    offers: offer && app.offerIds.includes(offer) ? [offer] : [],
  };
}

const union = (a: Entitlements, b: Entitlements, app: App): Entitlements => mergeEntitlements([a, b], { tierIds: app.rankedTiers, offerIds: app.offerIds });

const notFound = () => new HttpProblem(Errors.CheckoutNotFound, undefined, { signIn: true });

export async function completeCheckout(ctx: Ctx): Promise<Response> {
  const { app, url, request } = ctx;
  const id = url.searchParams.get('session_id') ?? '';
  if (!/^cs_[A-Za-z0-9_]{1,200}$/.test(id)) throw notFound();
  await limit(ctx, 'recheck');
  let session: CheckoutRecord;
  try {
    session = await app.billing.readCheckout(id);
  } catch (error) {
    if (isMissing(error)) throw notFound();
    throw stripeFailure(error, 'confirming a checkout');
  }
  const returnTo = safeReturnPath(session.metadata.truefans_return);
  const nonce = readCookie(request, CHECKOUT_COOKIE, url);
  const verdict = await judgeSession(app, session, nonce);
  const customer = session.customer;

  if (verdict !== 'granted') {
    const { session: current } = await readSession(ctx);
    if (verdict === 'other-browser' && current && customer && current.customers.includes(customer)) {
      // A reload of the welcome page: this browser already holds the session this checkout made.
      return page(await shellFor(ctx), welcomeFor(app, returnTo, session));
    }
    const options = { returnTo, signIn: verdict !== 'not-complete' };
    const problems: Record<Exclude<Verdict, 'granted'>, HttpProblem> = {
      'not-complete': new HttpProblem(Errors.CheckoutNotFinished, { why: 'open' }, options),
      unpaid: new HttpProblem(Errors.PaymentProcessing, undefined, options),
      'subscription-inactive': new HttpProblem(Errors.MembershipInactive, undefined, options),
      stale: new HttpProblem(Errors.CheckoutExpired, undefined, options),
      'other-browser': new HttpProblem(Errors.CheckoutOtherBrowser, undefined, options),
      'no-customer': new HttpProblem(Errors.CheckoutNotFinished, { why: 'no-customer' }, options),
    };
    return errorResponse(problems[verdict], { path: url.pathname, log: app.log, shell: () => app.shell() });
  }

  // A gift bought: this browser sees its link; the buyer is not signed in for anything.
  if (session.metadata.truefans_kind === GIFT_KIND) {
    const gift = giftOf(app, session);
    if (!gift) throw notFound();
    const answer = await giftBoughtPage(ctx, gift);
    answer.headers.append('set-cookie', clearCookie(CHECKOUT_COOKIE, url));
    return answer;
  }
  let ent = grantedBy(app, session);
  try {
    ent = union(await app.billing.entitlements(customer!, entitlementOptions(app)), ent, app);
  } catch (error) {
    if (!isTransient(error)) throw stripeFailure(error, 'reading a new fan\'s memberships');
    const failure = stripeFailure(error, 'reading a new fan\'s memberships');
    app.log(`truefans: ${failure.message}${failure.detail ? ` ${failure.detail}` : ''} Signing them in with what this checkout bought.`);
  }
  // A browser already signed in by link for this customer's email stays verified; any other completion makes
  // an unverified session for this checkout's customer alone, whatever email was typed on Checkout.
  const { session: current } = await readSession(ctx);
  let who: Identity = { customer: customer! };
  if (current?.verified && current.customers.includes(customer!)) {
    who = identityOf(current);
    ent = union(current.ent, ent, app);
  }
  const now = Math.floor(app.now() / 1000);
  const cookies = [await sessionCookie(app, url, who, ent, now), clearCookie(CHECKOUT_COOKIE, url)];
  // Paid for a tier from a post it opens: straight back to the post, open, with a one-time welcome. (A fan who
  // may be paying twice is told in the welcome email, which only the mailbox owner reads.)
  const tier = session.mode === 'subscription' ? session.metadata.truefans_tier : undefined;
  const post = app.page(canonicalPath(returnTo.split(/[?#]/)[0]!));
  if (tier && post && post.access.some((a) => canAccess(a, ent, app.rankedTiers))) {
    const trial = trialOf(session);
    cookies.push(flashCookie(url, { k: 'joined', tier, ...(trial ? { trialEnd: trial.end, amount: trial.amount, interval: trial.interval } : {}) }));
    return redirect(returnTo, { cookies });
  }
  // The URL holds the checkout session id: no referrer leaves for other sites.
  return page(await shellFor(ctx, { ent }), welcomeFor(app, returnTo, session), 200, { cookies, headers: SAME_ORIGIN_REFERRER });
}

/** A trial that this checkout's subscription is in: when it ends and what is charged then. */
function trialOf(session: CheckoutRecord): { end: number; amount: number; interval: 'month' | 'year' } | undefined {
  const sub = session.subscription;
  if (!sub || sub.status !== 'trialing' || !sub.trialEnd) return undefined;
  const item = sub.firstItem;
  const interval = item?.interval;
  if (!item || (interval !== 'month' && interval !== 'year')) return undefined;
  return { end: sub.trialEnd, amount: item.amount, interval };
}

/** The completion page's words follow what was bought: a member of a tier, a buyer, a supporter. */
function welcomeFor(app: App, returnTo: string, session: CheckoutRecord) {
  const { currency, language } = app.manifest.site;
  const kind = session.metadata.truefans_kind;
  const tierId = session.metadata.truefans_tier;
  const offerId = session.metadata.truefans_offer;
  let bought: Bought;
  if (kind === 'tier' && tierId) {
    const tier = app.manifest.tiers.find((t) => t.id === tierId);
    const trial = trialOf(session);
    bought = { kind: 'tier', tier: tierName(app.manifest, tierId), trial: trial && tier ? trialSentence(tier, trial.end, trial.amount, trial.interval, currency, language, app.now()) : undefined };
  } else if (kind === 'offer' && offerId) {
    const offer = app.manifest.offers.find((o) => o.id === offerId);
    const asset = offer?.asset ? app.asset(offer.asset) : undefined;
    bought = { kind: 'offer', offer: offerName(app.manifest, offerId), download: asset && offer?.asset ? downloadPath(offer.asset, asset.name) : undefined };
  } else {
    bought = { kind: 'gift', amount: priceText(session.amountTotal ?? 0, session.currency ?? currency, language) };
  }
  return welcomeView({ siteTitle: app.site.title, author: app.site.author, bought, thankYou: app.manifest.site.thankYou, returnTo });
}
